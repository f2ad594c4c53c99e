// Riding out a database outage: one up/down state per process, a heartbeat that notices an outage (or a pool
// that stopped answering), a fresh-connection probe that notices the recovery and swaps in a new pool, and a
// guard for the one postgres.js 3.4.9 error that escapes every query (ADR 0027).
import postgres from 'postgres';
import { env } from '../app/lib/env.server';
import { log } from '../app/lib/log.server';
import { remember } from '../app/lib/remember.server';
import { replaceDb } from './client';

type Health = {
  up: boolean;
  /** When the current state began (ms since the epoch). */
  since: number;
  /** The recovery probe loop is running. */
  recovering: boolean;
  heartbeat: NodeJS.Timeout | null;
  outages: number;
};

// On globalThis: the Remix build bundles its own copy of this module, and both copies must share one state.
const health = (): Health =>
  remember('dbHealth', () => ({
    up: true,
    since: Date.now(),
    recovering: false,
    heartbeat: null,
    outages: 0,
  }));

/** False while the database is known to be unreachable: pages answer 503 without trying it. */
export function dbIsUp(): boolean {
  return health().up;
}

/** Outages seen by this process (for logs and tests). */
export function dbOutages(): number {
  return health().outages;
}

const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // PostgreSQL itself: shutting down, starting up, or the connection failed.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Whether `error` (or what it wraps: drizzle puts the driver's error in `cause`) says the database is gone. */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The postgres.js 3.4.9 defect: a deferred write (setImmediate) to a connection whose socket closed meanwhile. */
export function isDriverNullSocketError(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const stack = error.stack ?? '';
  return /reading 'write'/.test(error.message) && /nextWrite/.test(stack) && /postgres[/\\]/.test(stack);
}

/** A connection error raised inside postgres.js's own code (a rejection no query of ours was waiting for). */
function isDriverConnectionRejection(error: unknown): boolean {
  if (!(error instanceof Error) || !isConnectionError(error)) return false;
  return /postgres[/\\]/.test(error.stack ?? '');
}

/** Marks the database down and starts probing for its return. Idempotent. */
export function markDbDown(reason: string): void {
  const h = health();
  if (h.up) {
    h.up = false;
    h.since = Date.now();
    h.outages += 1;
    log.error({ reason }, 'database unreachable: answering 503 until it is back');
  }
  if (!h.recovering) void recover();
}

/** Call with any error a query threw: a connection error marks the database down. True when it did. */
export function reportDbError(error: unknown): boolean {
  if (!isConnectionError(error)) return false;
  markDbDown(errorCode(error));
  return true;
}

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.name : 'unknown';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** `select 1` on a connection of its own, never the pool (whose connections may be stuck). */
async function probeFresh(): Promise<boolean> {
  const client = postgres(env().DATABASE_URL, {
    max: 1,
    connect_timeout: 2,
    // Ended mid-connect on a timeout: postgres.js's type lookup would then reject with nobody listening.
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: 'wharf-probe' },
  });
  try {
    await withTimeout(client`select 1`, 2_500);
    return true;
  } catch {
    return false;
  } finally {
    client.end({ timeout: 0 }).catch(() => {});
  }
}

/** Probes until the database answers, then replaces the pool (every old connection saw the outage) and marks it up. */
async function recover(): Promise<void> {
  const h = health();
  h.recovering = true;
  try {
    for (;;) {
      if (await probeFresh()) break;
      await sleep(250);
    }
    await replaceDb();
    h.up = true;
    log.info({ downMs: Date.now() - h.since }, 'database reachable again: new connection pool');
    h.since = Date.now();
  } finally {
    h.recovering = false;
  }
}

/** A client of one connection, for the heartbeat alone: its `select 1` never queues behind the pool's queries. */
function heartbeatClient() {
  return postgres(env().DATABASE_URL, {
    max: 1,
    connect_timeout: 2,
    // No type lookup on connect: `select 1` needs none, and it is one query fewer that an outage can interrupt.
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: 'wharf-heartbeat' },
  });
}

/**
 * While up, a `select 1` every `everyMs` on a connection of its own (not the pool: under load a pool's queue is
 * seconds long, and that is a busy database, not a lost one). A failure or a reply slower than `timeoutMs` is
 * confirmed with a fresh connection before anything happens: only when that fails too is the database marked
 * down (which replaces the pool once a fresh connection works). A heartbeat connection that broke while the
 * database answers is simply made anew.
 */
export function startDbWatch({ everyMs = 1_000, timeoutMs = 2_000 } = {}): () => void {
  const h = health();
  if (h.heartbeat) return () => {};
  let busy = false;
  let client = heartbeatClient();
  const renew = () => {
    client.end({ timeout: 0 }).catch(() => {});
    client = heartbeatClient();
  };
  h.heartbeat = setInterval(async () => {
    if (busy || !h.up) return;
    busy = true;
    try {
      await withTimeout(client`select 1`, timeoutMs);
    } catch (error) {
      renew();
      if (h.up && !(await probeFresh())) markDbDown(`heartbeat: ${errorCode(error)}`);
    } finally {
      busy = false;
    }
  }, everyMs);
  h.heartbeat.unref();
  return () => {
    if (h.heartbeat) clearInterval(h.heartbeat);
    h.heartbeat = null;
    client.end({ timeout: 0 }).catch(() => {});
  };
}

/**
 * postgres.js 3.4.9 can throw `TypeError: Cannot read properties of null (reading 'write')` from a setImmediate
 * when a connection closes under it (porsager/postgres#1154, #1208): no query can catch it and Node would exit.
 * This guard takes that one error as "the pool is broken": the database is marked down and, once it answers,
 * the pool is replaced. A connection error that postgres.js rejects from its own start-up query (nobody awaits
 * it: seen when a pool is ended while a connection is being opened) is logged, not fatal. Any other uncaught
 * exception still ends the process as Node would (stack, exit 1).
 */
export function installDriverCrashGuard(): void {
  if (remember('dbCrashGuard', () => ({ installed: false })).installed) return;
  remember('dbCrashGuard', () => ({ installed: false })).installed = true;
  process.on('uncaughtException', (error, origin) => {
    if (isDriverNullSocketError(error)) {
      log.error(
        { err: { message: error.message } },
        'postgres.js wrote to a closed connection; replacing the pool',
      );
      markDbDown('driver: write to a closed connection');
      return;
    }
    if (origin === 'unhandledRejection' && isDriverConnectionRejection(error)) {
      // A connection ended while postgres.js itself was querying on it (its type lookup at connect time has no
      // caller to reject to): ours when an old pool is ended (DESTROYED, ENDED); otherwise the database went.
      log.warn({ code: errorCode(error) }, 'postgres.js lost a connection during its own start-up query');
      const code = errorCode(error);
      if (code !== 'CONNECTION_DESTROYED' && code !== 'CONNECTION_ENDED') reportDbError(error);
      return;
    }
    log.fatal({ err: error, origin }, 'uncaught exception; exiting');
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
