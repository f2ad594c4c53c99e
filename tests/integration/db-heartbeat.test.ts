// The database heartbeat under load (issue #22): a pool whose every connection is busy is a busy database, not an
// outage; a heartbeat connection that breaks while the database answers is made anew without marking it down.
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { dbIsUp, dbOutages, startDbWatch } from '../../db/health';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const heartbeatBackends = async () => {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_stat_activity where application_name = 'wharf-heartbeat' and datname = current_database()`,
  );
  return row?.n ?? 0;
};

describe('database heartbeat', () => {
  const stop = startDbWatch({ everyMs: 100, timeoutMs: 300 });
  afterAll(() => stop());

  it('does not take a pool whose connections are all busy for an outage', async () => {
    const pool = Number(process.env.DATABASE_POOL_MAX);
    expect(pool).toBeGreaterThan(0);
    // Every pool connection sleeps 1.5 s, and more queries queue behind them: five heartbeat timeouts' worth.
    const before = dbOutages();
    const busy = Array.from({ length: pool + 2 }, () => db.execute(sql`select pg_sleep(1.5)`));
    await sleep(1_000);
    expect(dbIsUp()).toBe(true);
    await Promise.all(busy);
    expect(dbIsUp()).toBe(true);
    expect(dbOutages()).toBe(before);
  });

  it('makes a broken heartbeat connection anew while the database answers', async () => {
    for (let i = 0; i < 30 && (await heartbeatBackends()) === 0; i++) await sleep(100);
    expect(await heartbeatBackends()).toBe(1);
    const before = dbOutages();
    await db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'wharf-heartbeat' and datname = current_database()`,
    );
    await sleep(1_000);
    expect(dbIsUp()).toBe(true);
    expect(dbOutages()).toBe(before);
    expect(await heartbeatBackends()).toBe(1);
  });
});
