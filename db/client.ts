// The PostgreSQL client: postgres.js under drizzle, one pool per process, closed on shutdown.
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '../app/lib/env.server';
import { remember } from '../app/lib/remember.server';
import * as schema from './schema';

export type Db = ReturnType<typeof makeDb>;
/** A transaction handle; query functions take `Db | Tx` so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

type Scoped = Pick<postgres.Sql, 'unsafe'> & {
  begin?: (...args: unknown[]) => Promise<unknown>;
  savepoint?: (...args: unknown[]) => Promise<unknown>;
};

/** How many distinct statement texts one pool sends prepared (ADR 0060); statements beyond it go unprepared. */
const PREPARED_TEXTS_PER_POOL = 2_000;
/**
 * Statements with more parameters go unprepared (ADR 0062): a batch's multi-row insert has a text per row count,
 * and each prepared one stays in every backend that ran it (about 100 kB at 500 parameters, 400 kB at 2,000), while
 * its own execution outweighs the round trip preparing saves.
 */
export const PREPARED_MAX_PARAMETERS = 500;

function makeDb(url: string, max: number) {
  const sql = postgres(url, {
    max,
    // At most one statement waits behind a running one on a pool connection; the rest wait in the pool's queue for
    // the first connection to come free (ADR 0060). postgres.js's default, 100, queued prepared statements behind
    // particular busy connections (ADR 0059). patches/postgres+3.4.9.patch makes a transaction's `begin` reserve
    // its connection however full the pipeline is, and keeps this bound off a transaction's own connection, where
    // its statements pipeline up to 100 (ADR 0062). (Read by postgres.js 3.4, not in its types.)
    ...({ max_pipeline: 1 } as postgres.Options<Record<string, never>>),
    onnotice: () => {},
    // A prepared statement is planned for its parameters on every execution, as an unprepared one is: preparing
    // saves the parse and a round trip, and never trades a plan for a generic one (ADR 0060).
    connection: { application_name: 'wharf', plan_cache_mode: 'force_custom_plan' },
  });
  sendPrepared(sql as unknown as Scoped, new Set<string>());
  return Object.assign(drizzle(sql, { schema }), { $sql: sql });
}

/**
 * drizzle sends its statements unprepared, and postgres.js then asks PostgreSQL for the parameters' types before it
 * can send their values: two round trips and a parse for every statement with parameters, and a statement that
 * waits for its types stops the pipeline, so a transaction's statements went one after the other however they
 * were issued. They are sent prepared instead, on the pool (ADR 0060) and in transactions and their savepoints
 * (ADR 0062): postgres.js keeps each text's statement per connection, so after its first use there it is one round
 * trip and no parse, and a transaction's statements issued together share round trips. Up to
 * PREPARED_TEXTS_PER_POOL distinct texts; postgres.js replaces connections every 30–60 minutes (`max_lifetime`),
 * which empties them, and prepares again after a reconnect. A migration that changes a table under a running
 * process makes PostgreSQL refuse a statement prepared before it once per connection: on the pool postgres.js
 * prepares it again, in a transaction the transaction fails (ADR 0062). This wraps `sql.unsafe` (drizzle's way in)
 * of a pool, a transaction or a savepoint, and the scopes it opens, all sharing the pool's set of texts.
 */
function sendPrepared(sql: Scoped, texts: Set<string>): void {
  const unsafe = sql.unsafe.bind(sql);
  const prepared: typeof sql.unsafe = (query, parameters, options) => {
    const prepare =
      parameters !== undefined &&
      parameters.length > 0 &&
      parameters.length <= PREPARED_MAX_PARAMETERS &&
      (texts.has(query) || (texts.size < PREPARED_TEXTS_PER_POOL && texts.add(query) !== undefined));
    return unsafe(query, parameters, prepare ? { ...options, prepare: true } : options);
  };
  sql.unsafe = prepared;
  for (const scope of ['begin', 'savepoint'] as const) {
    const open = sql[scope]?.bind(sql);
    if (!open) continue;
    // begin(fn) / begin(options, fn), savepoint(fn) / savepoint(name, fn): the callback is last.
    sql[scope] = (...args: unknown[]) => {
      const body = args.pop() as (inner: Scoped) => unknown;
      return open(...args, (inner: Scoped) => {
        sendPrepared(inner, texts);
        return body(inner);
      });
    };
  }
}

export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const instance = remember('db', () => makeDb(env().DATABASE_URL, env().DATABASE_POOL_MAX));
    const value = Reflect.get(instance, prop, instance);
    // $-prefixed members (the postgres.js client) carry properties of their own: hand them over unbound.
    return typeof value === 'function' && !String(prop).startsWith('$') ? value.bind(instance) : value;
  },
});

/**
 * A statement built once per pool, under its name (a new pool after an outage, or the replica's, gets its own):
 * drizzle builds its SQL once instead of on every request. Every pool statement with parameters is sent prepared
 * anyway (ADR 0060); this is for hot reads whose building shows in a profile (the viewer, the market's lot
 * details). A transaction builds its statements on the spot.
 */
export function preparedPerPool<Q extends { prepare(name: string): unknown }>(
  name: string,
  build: (pool: Db) => Q,
): (pool: Db) => ReturnType<Q['prepare']> {
  const byPool = new WeakMap<object, ReturnType<Q['prepare']>>();
  return (pool) => {
    const key = pool.$sql;
    let prepared = byPool.get(key);
    if (!prepared) {
      prepared = build(pool).prepare(name) as ReturnType<Q['prepare']>;
      byPool.set(key, prepared);
    }
    return prepared;
  };
}

type Executable<R> = { execute(values?: Record<string, unknown>): Promise<R> };

/**
 * A hot read by its values: on a pool, prepared once per pool under `name` (`preparedPerPool`); inside a
 * transaction, built there on the spot. `build` takes its values as `sql.placeholder`s.
 */
export function hotRead<R>(
  name: string,
  build: (db: DbOrTx) => Executable<R> & { prepare(name: string): Executable<R> },
): (db: DbOrTx, values: Record<string, unknown>) => Promise<R> {
  const perPool = preparedPerPool(name, build);
  return (db, values) => ((db as Partial<Db>).$sql ? perPool(db as Db) : build(db)).execute(values);
}

/**
 * The streaming replica's pool (DATABASE_REPLICA_URL), or the primary's when there is none: for pages that may read
 * a moment behind — market search, market data, public trace (ADR 0055). Pick it through app/lib/read-db.server.ts,
 * which sends a user who just wrote to the primary.
 */
export const replicaDb: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const url = env().DATABASE_REPLICA_URL;
    const instance = url
      ? remember('db-replica', () => makeDb(url, env().DATABASE_POOL_MAX))
      : remember('db', () => makeDb(env().DATABASE_URL, env().DATABASE_POOL_MAX));
    const value = Reflect.get(instance, prop, instance);
    return typeof value === 'function' && !String(prop).startsWith('$') ? value.bind(instance) : value;
  },
});

/**
 * Drops the pool for a new one (after a database outage, see db/health.ts): later queries get fresh connections;
 * the old pool's connections are ended in the background, whatever state the outage left them in.
 */
export async function replaceDb(): Promise<void> {
  const store = globalThis as unknown as { __wharf?: Map<string, unknown> };
  for (const key of ['db', 'db-replica']) {
    const old = store.__wharf?.get(key) as Db | undefined;
    store.__wharf?.delete(key);
    old?.$sql.end({ timeout: 0 }).catch(() => {});
  }
}

export async function closeDb(): Promise<void> {
  const store = globalThis as unknown as { __wharf?: Map<string, unknown> };
  for (const key of ['db', 'db-replica']) {
    const instance = store.__wharf?.get(key) as Db | undefined;
    if (!instance) continue;
    store.__wharf?.delete(key);
    await instance.$sql.end({ timeout: 5 });
  }
}

export { schema };
