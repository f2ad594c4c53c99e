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

function makeDb(url: string, max: number) {
  const sql = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'wharf' } });
  return Object.assign(drizzle(sql, { schema }), { $sql: sql });
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
 * A statement prepared once per pool, under its name (a new pool after an outage, or the replica's, gets its own):
 * drizzle builds its SQL once, and PostgreSQL parses it once per connection and answers in one round trip instead of
 * two. Only for short, hot reads (the viewer, the market's lot details): postgres.js may pipeline a prepared
 * statement behind a busy connection's work (ADR 0059). A transaction builds its statements on the spot.
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
