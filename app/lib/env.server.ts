// Configuration: read once from the environment, validated, with a message naming any bad variable.
import { z } from 'zod';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_ORIGIN: z.string().url().optional(),
    DATABASE_URL: z
      .string({ required_error: 'is required (npm run dev sets it when it starts PostgreSQL)' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** A streaming replica the market search, market data and trace pages read from (ADR 0055); unset, all reads
     * go to DATABASE_URL. */
    DATABASE_REPLICA_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    /** After a signed-in user's write, how long that user's replica reads go to the primary instead. */
    READ_YOUR_WRITES_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
    /** How long a web process may reuse which lots a market search found while the market's search version is
     * unchanged (ADR 0047); 0 turns the reuse off. */
    MARKET_SEARCH_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .default('redis://127.0.0.1:6379'),
    /** Redis Cluster seed nodes (host:port,host:port,…); set, queues and the app's Redis use the cluster and
     * REDIS_URL is not read. */
    REDIS_CLUSTER_NODES: z
      .string()
      .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be host:port pairs separated by commas')
      .optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'may hold only lower-case letters, digits and dashes')
      .default('wharf'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    STORAGE_DIR: z.string().default('.wharf/storage'),
    MARKET_TIME_ZONE: z.string().default('Asia/Shanghai'),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().optional(),
    SMTP_URL: z.string().optional(),
    /** The sender of notification e-mails. */
    // A bare address: the sender's name is the market's in the recipient's language (码头 / Wharf).
    MAIL_FROM: z.string().default('no-reply@wharf.test'),
    /** 1 lets org webhooks point at private, loopback or link-local addresses (tests, closed networks). */
    WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
    /** First retry delay of a failed e-mail or webhook delivery; doubles each attempt (tests shorten it). */
    NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).default(30_000),
    /** Attempts per e-mail or webhook delivery before it is marked failed. */
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** Login attempts per (e-mail, client address) pair per minute; ten times this per address across e-mails. */
    LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(5),
    /** Login attempts per e-mail per hour from addresses it never signed in from (ADR 0025). */
    LOGIN_ATTEMPTS_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).default(50),
    /** Registrations (each an argon2 hash) one client address may submit per hour. */
    REGISTRATIONS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
    /** Bearer token for /metrics; unset, /metrics is 404 in production and open in development and tests. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
    ORDER_PAYMENT_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 14)
      .default(24),
    /** Shortens every category's inspection window (demos and end-to-end tests); unset in production. */
    INSPECTION_SECONDS_OVERRIDE: z.coerce.number().int().min(1).optional(),
    /** Orders one settlement transaction completes at most when their inspection windows have passed (ADR 0048). */
    SETTLEMENT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
    STRIPE_API_BASE: z.string().url('must be a URL such as http://127.0.0.1:12111').optional(),
    /** Auction bids one user may place per 10 seconds before it is answered 429 (a bid flood). */
    AUCTION_BIDS_PER_10S: z.coerce.number().int().min(1).default(20),
    /** How old (or early) a signed telemetry batch may be before it is refused as stale. */
    TELEMETRY_MAX_SKEW_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
    /** How old a reading in a batch may be: a logger that was offline uploads what it buffered, not years of it. */
    TELEMETRY_MAX_AGE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
    }
  });

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses an environment; throws ConfigError naming every bad variable. Exported for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export const isProduction = () => env().NODE_ENV === 'production';
