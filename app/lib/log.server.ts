// Structured JSON logs (pino). Ids only: never names, e-mails, phone numbers or addresses.
import pino from 'pino';
import { remember } from './remember.server';

/** Fields of an error that may be logged: what went wrong and where, never the values of a query. */
const SAFE_ERROR_FIELDS = [
  'type',
  'message',
  'stack',
  'code',
  'errno',
  'syscall',
  'severity',
  'routine',
  'schema_name',
  'table_name',
  'column_name',
  'constraint_name',
  'status',
  'statusCode',
] as const;

/** drizzle's "Failed query: … params: a,b" and postgres.js's "Key (email)=(…)" carry the values. */
function scrub(text: string): string {
  return text
    .replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, '\nparams: [redacted]')
    .replace(/\(([^()]*)\)=\([\s\S]*?\)(?= already exists| is not present|\.|$)/g, '($1)=([redacted])');
}

/**
 * The error serializer of every log line (web and workers): postgres.js errors carry `parameters`,
 * `query` and `detail`, drizzle's carry `params` and repeat them in the message — none of it is logged
 * (issue #21.7). Causes are followed, scrubbed the same way.
 */
export function safeError(error: unknown, depth = 0): unknown {
  // Some callers log only `err: error.message`: a drizzle message repeats the query's values too.
  if (typeof error === 'string') return scrub(error);
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) return error;
  const source = error as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const base = error instanceof Error ? pino.stdSerializers.err(error) : source;
  for (const field of SAFE_ERROR_FIELDS) {
    const value = (base as Record<string, unknown>)[field] ?? source[field];
    if (value === undefined) continue;
    out[field] = typeof value === 'string' ? scrub(value) : value;
  }
  if (source.cause !== undefined && depth < 5) out.cause = safeError(source.cause, depth + 1);
  return out;
}

/** Standard output, and with WHARF_LOG_FILE also that file (appended: the test runner greps it, issue #21.7). */
function destination() {
  const file = process.env.WHARF_LOG_FILE;
  if (!file) return pino.destination(1);
  return pino.multistream([
    { stream: pino.destination(1), level: 'trace' },
    { stream: pino.destination({ dest: file, append: true, mkdir: true }), level: 'trace' },
  ]);
}

export const log = remember('log', () =>
  pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service: process.env.WHARF_SERVICE ?? 'web' },
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.email'],
        remove: true,
      },
      serializers: { err: safeError, error: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination(),
  ),
);
