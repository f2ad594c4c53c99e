// The pool's statements (ADR 0060, 0062): sent prepared on the pool and in transactions, planned per value, never
// more than one statement queued behind a running one on a pool connection while a transaction's statements issued
// together are sent together, and a transaction begun while every connection is busy still one transaction.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PREPARED_MAX_PARAMETERS, db } from '../../db/client';

/** Whether the statement running this query is a named prepared statement on its connection. */
async function runsPrepared(run: typeof db.execute, marker: string): Promise<boolean> {
  // pg_prepared_statements lists the session's named statements, the running one included; never the unnamed one.
  // The marker is in the statement's text (a comment) and, as a pattern, in its one parameter.
  const rows = await run<{ n: number }>(
    sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`} ${sql.raw(
      `/* ${marker} */`,
    )}`,
  );
  return (rows[0]?.n ?? 0) > 0;
}

describe('the database pool', () => {
  it('sends a statement with parameters prepared on the pool', async () => {
    expect(await runsPrepared(db.execute.bind(db), 'pool-marker')).toBe(true);
  });

  it('sends a statement with parameters prepared inside a transaction and its savepoints', async () => {
    const prepared = await db.transaction(async (tx) => ({
      tx: await runsPrepared(tx.execute.bind(tx), 'tx-marker'),
      savepoint: await tx.transaction((inner) => runsPrepared(inner.execute.bind(inner), 'savepoint-marker')),
    }));
    expect(prepared).toEqual({ tx: true, savepoint: true });
  });

  it("sends a transaction's statements issued together without waiting for each other's answers", async () => {
    // The first statement waits for an advisory lock another transaction holds; postgres.js's debug hook is called as
    // each statement is written to the socket. All three must be written while the first still waits: with a pool
    // pipeline of one (ADR 0060) applied to the transaction too, the third waited (patches/postgres+3.4.9.patch).
    const options = db.$sql.options as { debug?: ((connection: number, text: string) => void) | boolean };
    let locked!: () => void;
    let release!: () => void;
    const lockHeld = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(620062)`);
      locked();
      await released;
    });
    await lockHeld;
    const written: string[] = [];
    options.debug = (_connection, text) => {
      if (text.includes('pipe-')) written.push(text);
    };
    try {
      const together = db.transaction((tx) =>
        Promise.all([
          tx.execute(sql`select pg_advisory_xact_lock(620062) /* pipe-1 */`),
          tx.execute(sql`select 2 /* pipe-2 */`),
          tx.execute(sql`select 3 /* pipe-3 */`),
        ]),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const writtenWhileWaiting = written.length;
      release();
      await holder;
      await together;
      expect(writtenWhileWaiting).toBe(3);
    } finally {
      release();
      options.debug = false;
    }
  });

  it('sends a statement with more parameters than PREPARED_MAX_PARAMETERS unprepared, and one at the limit prepared', async () => {
    // A batch's multi-row statements: a text per row count, each costly to keep prepared in every backend.
    const many = async (count: number, marker: string) => {
      const values = Array.from({ length: count - 1 }, (_, i) => sql`${i}::int`);
      const [row] = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`} and -1 not in (${sql.join(values, sql`, `)}) ${sql.raw(`/* ${marker} */`)}`,
      );
      return (row?.n ?? 0) > 0;
    };
    expect(await many(10, 'ten-marker')).toBe(true);
    expect(await many(PREPARED_MAX_PARAMETERS, 'at-limit-marker')).toBe(true);
    expect(await many(PREPARED_MAX_PARAMETERS + 1, 'over-limit-marker')).toBe(false);
  });

  it('plans a prepared statement for its values every time', async () => {
    const [row] = await db.execute<{ mode: string }>(sql`select current_setting('plan_cache_mode') as mode`);
    expect(row?.mode).toBe('force_custom_plan');
  });

  it('queues a query for the first free connection, not behind a busy one', async () => {
    const pool = Number(process.env.DATABASE_POOL_MAX);
    expect(pool).toBeGreaterThan(1);
    // All connections but one run a 2 s statement; then quick queries arrive. At most one may wait behind each
    // slow statement; the rest are served by the free connection. With postgres.js's default pipeline (100) they
    // were spread over the busy connections and nearly all waited the 2 s.
    const quickly = (i: number) => db.execute(sql`select ${i}::int as i`);
    // The quick query's text prepared on every connection first: its first use on a connection waits for its
    // parameter types and never has a statement behind it.
    for (let round = 0; round < 3; round++)
      await Promise.all(Array.from({ length: pool * 2 }, (_, i) => quickly(i)));
    // Started now: a drizzle query runs when it is awaited or `then` is called.
    const slow = Array.from({ length: pool - 1 }, () =>
      db.execute(sql`select pg_sleep(2)`).then(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const quick = await Promise.all(
      Array.from({ length: pool * 4 }, (_, i) => quickly(i).then(() => Date.now() - started)),
    );
    await Promise.all(slow);
    const waited = quick.filter((ms) => ms > 1_000).length;
    expect(waited).toBeLessThanOrEqual(pool - 1);
  });

  it('keeps a transaction begun while every connection is busy a transaction', async () => {
    const pool = Number(process.env.DATABASE_POOL_MAX);
    // Every connection runs a statement, so each `begin` is queued behind one (postgres.js's patched
    // connection.js: the transaction's connection used to be reserved only when the pipeline had room).
    const busy = Array.from({ length: pool }, () =>
      db.execute(sql`select pg_sleep(0.5)`).then(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const inTransaction = await Promise.all(
      Array.from({ length: pool * 2 }, (_, i) =>
        db.transaction(async (tx) => {
          const [row] = await tx.execute<{ i: number }>(sql`select ${i}::int as i`);
          const [xact] = await tx.execute<{ id: string }>(sql`select txid_current()::text as id`);
          const [again] = await tx.execute<{ id: string }>(sql`select txid_current()::text as id`);
          return row?.i === i && xact?.id === again?.id;
        }),
      ),
    );
    await Promise.all(busy);
    expect(inTransaction.every(Boolean)).toBe(true);
  });
});
