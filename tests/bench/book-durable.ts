// Benchmark book-durable (issue #14): orders per second accepted and journaled by one instrument's writer (a
// process of its own) with 32 clients each awaiting its answer before sending the next, against pgbench
// inserting a comparable journal row (jsonb payload) with the same number of clients on the same PostgreSQL.
//   npm run bench -- book-durable                         20,000 orders, 32 clients
//   npm run bench -- book-durable --n 50000 --concurrency 64 --duration 5
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { dropDatabase, ensureDatabase } from '../../scripts/databases';
import { ensureRedis } from '../../scripts/services';
import { closeSubmitter, submitCommand } from '../../app/exchange/submit.server';
import type { Command } from '../../app/exchange/types';
import { startWriterProcess, stopWriterProcess } from '../support/exchange';
import type { BenchContext } from './run';
import { freshBenchDatabase, percentile, positiveInt, random, round } from './support';

const DATABASE = 'wharf_bench_book_durable';
const SCRATCH = 'wharf_bench_book_durable_pgbench';

/** A limit order of one of 32 orgs around 100 fen: about half of them trade on entry. */
function order(rng: ReturnType<typeof random>, client: number): Command {
  return {
    type: 'place',
    order: {
      id: randomUUID(),
      orgId: `org_bench${client}`,
      userId: `usr_bench${client}`,
      side: rng.chance(0.5) ? 'buy' : 'sell',
      type: 'limit',
      tif: 'gtc',
      price: rng.int(95, 105),
      quantity: rng.int(1, 20),
      minQuantity: null,
    },
  };
}

/** pgbench: `clients` connections each inserting one journal-like row (uuid, bigint, two jsonb) per transaction. */
function pgbenchInsert(url: string, clients: number, seconds: number, log: (m: string) => void) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-pgbench-'));
  const script = path.join(dir, 'insert.sql');
  const id = randomUUID();
  const command = JSON.stringify(order(random(1), 1));
  const events = JSON.stringify([
    { type: 'accepted', orderId: id },
    { type: 'rested', orderId: id, side: 'buy', price: 100, remaining: 10 },
  ]);
  writeFileSync(
    script,
    `insert into bench_journal (instrument_id, command, events) values ('${id}', '${command}', '${events}');\n`,
  );
  const run = spawnSync(
    process.env.PGBENCH ?? '/usr/bin/pgbench',
    ['-n', '-f', script, '-c', String(clients), '-j', '2', '-T', String(seconds), url],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr || run.error?.message}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1] ?? 'NaN');
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no rate: ${run.stdout} ${run.stderr}`);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1] ?? 'NaN');
  log(`  pgbench: ${round(tps, 1)} tps, average latency ${latency} ms`);
  return { tps, latency };
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n, 20_000, '--n', 1_000_000);
  const clients = positiveInt(options.concurrency, 32, '--concurrency', 512);
  const seconds = positiveInt(options.duration, 5, '--duration', 120);

  const redisService = await ensureRedis(log);
  const { pg, url } = await freshBenchDatabase(DATABASE, log);
  // This process submits too: the command list's key is under the deployment's Redis prefix, read from its config.
  Object.assign(process.env, { DATABASE_URL: url, REDIS_URL: redisService.url });
  const instrumentId = randomUUID();
  const redis = new Redis(redisService.url, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
  const writer = startWriterProcess({
    instrumentId,
    tick: 1,
    env: { DATABASE_URL: url, REDIS_URL: redisService.url, LOG_LEVEL: 'error' },
  });
  try {
    await writer.serving;
    const rng = random(14);
    const submit = (client: number) =>
      submitCommand(redis, instrumentId, order(rng, client), { timeoutMs: 10_000 });

    log(`warm-up: ${clients * 20} orders`);
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = 0; i < 20; i++) await submit(client);
      }),
    );

    log(`${n} orders from ${clients} clients, each awaiting its answer`);
    const latencies: number[] = [];
    let next = 0;
    let accepted = 0;
    let fills = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        while (next < n) {
          next++;
          const t0 = performance.now();
          const answer = await submit(client);
          latencies.push(performance.now() - t0);
          for (const event of answer.events) {
            if (event.type === 'accepted') accepted++;
            else if (event.type === 'fill') fills++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const perSecond = n / elapsed;

    // Every answered order is in the journal, seq 1..count without a gap.
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const [check] = await sql<{ rows: string; top: string | null; batches: string }[]>`
      select count(*) as rows, max(seq) as top, count(distinct created_at) as batches
      from exchange_journal where instrument_id = ${instrumentId}::uuid`;
    await sql.end();
    const total = n + clients * 20;
    if (Number(check.rows) !== total || Number(check.top) !== total)
      throw new Error(`journal holds ${check.rows} rows up to seq ${check.top}, expected ${total}`);
    log(
      `  engine: ${round(perSecond, 1)} orders/s, ${accepted} accepted, ${fills} fills, ${check.batches} commits ` +
        `(${round(total / Number(check.batches), 1)} orders per commit)`,
    );

    const scratchUrl = await ensureDatabase(pg.url, SCRATCH, { fresh: true });
    const scratch = postgres(scratchUrl, { max: 1, onnotice: () => {} });
    await scratch`
      create table bench_journal (
        instrument_id uuid not null, seq bigserial not null, command jsonb not null, events jsonb not null,
        created_at timestamptz not null default now(), primary key (instrument_id, seq))`;
    await scratch.end();
    log(`pgbench: ${clients} clients inserting one journal row each per transaction for ${seconds} s`);
    const baseline = pgbenchInsert(scratchUrl, clients, seconds, log);

    emit({
      bench: 'book-durable',
      metric: 'orders/s accepted and journaled',
      value: round(perSecond, 1),
      baseline: `pgbench insert of a journal row (jsonb), ${clients} clients`,
      baseline_value: round(baseline.tps, 1),
      ratio: round(perSecond / baseline.tps, 3),
      p50_ms: round(percentile(latencies, 50), 2),
      p99_ms: round(percentile(latencies, 99), 2),
      orders: n,
      clients,
      orders_per_commit: round(total / Number(check.batches), 1),
      baseline_latency_ms: baseline.latency,
    });
  } finally {
    await stopWriterProcess(writer.child);
    await closeSubmitter(redis);
    await redis.quit();
    await dropDatabase(pg.url, SCRATCH).catch(() => {});
    await dropDatabase(pg.url, DATABASE).catch(() => {});
    await redisService.stop();
    await pg.stop();
  }
}
