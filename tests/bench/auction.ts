// Benchmark P1: accepted bids per second and latency on one hot English auction, 32 concurrent bidders,
// (a) calling the auction service directly and (b) over HTTP through the Remix action, against pgbench
// updating one hot row with the same number of clients on the same PostgreSQL (the baseline, same run).
//   npm run bench -- auction                          1,000 bids per pass, 32 bidders
//   npm run bench -- auction --n 5000 --concurrency 64
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropDatabase } from '../../scripts/databases';
import { ensureRedis } from '../../scripts/services';
import type { BenchContext, BenchResult } from './run';
import { ensureAppBuild } from '../support/app-build';
import { freshBenchDatabase, percentile, positiveInt, round } from './support';

const DATABASE = 'wharf_bench_auction';
const PASSWORD = 'bench-password-2026';

type Pass = { seconds: number; accepted: number; attempted: number; latencies: number[] };

/** `clients` loops share `n` bids; each bid is a proxy maximum above the price it last saw. */
async function pass(
  n: number,
  clients: number,
  bidOnce: (
    client: number,
    amountFen: number,
  ) => Promise<{ accepted: boolean; priceFen: number | null; minimumFen?: number }>,
  startFen: number,
): Promise<Pass> {
  let next = 0;
  let accepted = 0;
  let seen = startFen;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < n) {
        next++;
        // A maximum a few increments above the last price seen; bids overtaken by others that landed
        // first are refused as too low, as the rules require.
        const amount = seen + 100 * (2 + Math.floor(Math.random() * 8));
        const t0 = performance.now();
        const result = await bidOnce(client, amount);
        latencies.push(performance.now() - t0);
        if (result.accepted) accepted++;
        // What a bidder's page would show next: the new price, or the minimum a refusal names.
        seen = Math.max(seen, result.priceFen ?? 0, (result.minimumFen ?? 0) - 100);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, accepted, attempted: n, latencies: latencies.sort((a, b) => a - b) };
}

/** pgbench: `clients` connections updating one row for `seconds`; transactions per second and latencies. */
function pgbenchHotRow(url: string, clients: number, seconds: number, log: (m: string) => void) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-pgbench-'));
  const script = path.join(dir, 'hot.sql');
  writeFileSync(script, 'update bench_hot_row set n = n + 1 where id = 1;\n');
  const run = spawnSync(
    process.env.PGBENCH ?? '/usr/bin/pgbench',
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 8)),
      '-T',
      String(seconds),
      '-f',
      script,
      url,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr || run.error?.message}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1] ?? 'NaN');
  const latency = Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1] ?? 'NaN');
  log(`  pgbench: ${round(tps, 1)} tps, average latency ${latency} ms`);
  return { tps, latency };
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n ?? process.env.BENCH_AUCTION_N, 1_000, '--n', 200_000);
  const clients = positiveInt(
    options.concurrency ?? process.env.BENCH_AUCTION_CONCURRENCY,
    32,
    '--concurrency',
    256,
  );

  const redisService = await ensureRedis(log);
  const { pg, url } = await freshBenchDatabase(DATABASE, log);
  Object.assign(process.env, {
    DATABASE_URL: url,
    DATABASE_POOL_MAX: String(clients + 8),
    REDIS_URL: redisService.url,
    QUEUE_PREFIX: `bench-${process.pid}-${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'silent',
    // The flood limit protects the market from one user; here every bidder bids as fast as it can on purpose.
    AUCTION_BIDS_PER_10S: '1000000000',
  });

  const { db, closeDb } = await import('../../db/client');
  const { sql } = await import('drizzle-orm');
  const { hash } = await import('@node-rs/argon2');
  const schema = await import('../../db/schema');
  const { createAuction } = await import('../../app/auctions/auctions.server');
  const { placeBid } = await import('../../app/auctions/bidding.server');
  const { payInDeposit } = await import('../../app/auctions/deposits.server');
  const { liveShrimpLot, verifiedSeller } = await import('../support/listings');
  const { checkLedgerInvariants } = await import('../support/ledger-invariants');
  const { closeLiveHub } = await import('../../app/lib/events.server');
  const { redis } = await import('../../app/lib/redis.server');

  let server: import('node:http').Server | null = null;
  try {
    const seller = await verifiedSeller(db);
    const passwordHash = await hash(PASSWORD);
    const bidders = Array.from({ length: clients }, (_, i) => ({
      orgId: `org_bench${i}`,
      userId: `usr_bench${i}`,
      email: `bidder${i}@bench.test`,
    }));
    for (const b of bidders) {
      await db
        .insert(schema.organisations)
        .values({ id: b.orgId, name: `竞拍测试 ${b.orgId}`, kind: 'buyer' });
      await db.insert(schema.users).values({ id: b.userId, email: b.email, name: '竞拍', passwordHash });
      await db.insert(schema.memberships).values({ orgId: b.orgId, userId: b.userId, role: 'trader' });
      await db.transaction((tx) =>
        payInDeposit(tx, { orgId: b.orgId, amountFen: 10_000_000_000, reference: 'bench' }),
      );
    }
    const auction = async () => {
      const lot = await liveShrimpLot(db, seller, '100');
      return db.transaction((tx) =>
        createAuction(tx, {
          listingId: lot,
          sellerOrgId: seller.orgId,
          userId: seller.userId,
          type: 'english',
          quantity: 100_000,
          priceUnit: 'kg',
          startPriceFen: 3_000,
          startsAt: new Date(Date.now() - 1_000),
          endsAt: new Date(Date.now() + 3_600_000),
          softCloseSeconds: 0,
        }),
      );
    };
    await db.execute(sql`create table if not exists bench_hot_row (id int primary key, n bigint not null)`);
    await db.execute(sql`insert into bench_hot_row values (1, 0) on conflict do nothing`);
    await db.execute(sql`analyze`);

    // Baseline first, on a quiet database: the fastest one hot row can be written with this many clients.
    log(`baseline: pgbench, ${clients} clients updating one row for 10 s…`);
    const baseline = pgbenchHotRow(url, clients, 10, log);

    log(`(a) service: ${n.toLocaleString('en')} bids from ${clients} bidders on one auction…`);
    const direct = await auction();
    const service = await pass(
      n,
      clients,
      async (client, amountFen) => {
        const b = bidders[client];
        const result = await placeBid({
          auctionId: direct,
          orgId: b.orgId,
          userId: b.userId,
          kind: 'proxy',
          amountFen,
        });
        return result.ok
          ? { accepted: true, priceFen: result.priceFen }
          : { accepted: false, priceFen: null, minimumFen: result.minimumFen };
      },
      3_000,
    );
    log(
      `  ${service.seconds.toFixed(2)} s → ${round(service.accepted / service.seconds, 1)} accepted bids/s (${service.accepted} of ${n})`,
    );

    log(`(b) HTTP: ${n.toLocaleString('en')} bids through the Remix action…`);
    const { createApp } = await import('../../server');
    const build = await import(ensureAppBuild());
    const { app } = await createApp(build);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const origin = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
    const cookies = await Promise.all(
      bidders.map(async (b) => {
        const response = await fetch(`${origin}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: b.email, password: PASSWORD }),
        });
        const cookie = /wharf_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
        if (!cookie) throw new Error(`login of ${b.email} answered ${response.status}`);
        return cookie;
      }),
    );
    const overHttp = await auction();
    const http = await pass(
      n,
      clients,
      async (client, amountFen) => {
        const response = await fetch(`${origin}/auctions/${overHttp}?_data=routes%2Fauctions.%24auctionId`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies[client] },
          body: new URLSearchParams({ intent: 'bid', kind: 'proxy', amount: (amountFen / 100).toFixed(2) }),
        });
        if (response.status >= 500) throw new Error(`bid answered ${response.status}`);
        const body = (await response.json()) as {
          ok: boolean;
          priceFen?: number | null;
          minimumFen?: number;
        };
        return {
          accepted: response.status === 200 && body.ok,
          priceFen: body.priceFen ?? null,
          minimumFen: body.minimumFen,
        };
      },
      3_000,
    );
    log(
      `  ${http.seconds.toFixed(2)} s → ${round(http.accepted / http.seconds, 1)} accepted bids/s (${http.accepted} of ${n})`,
    );

    // What was measured happened: every bid is on record, and the ledger still balances.
    const [stored] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from auction_bids where kind <> 'auto' and auction_id in (${direct}, ${overHttp})`,
    );
    if (stored.n !== 2 * n) throw new Error(`expected ${2 * n} stored bids, found ${stored.n}`);
    await checkLedgerInvariants(db);

    const baselineLabel = `pgbench hot row, ${clients} clients`;
    for (const [bench, measured] of [
      ['auction-hot-lot-service', service],
      ['auction-hot-lot-http', http],
    ] as const) {
      const value = measured.accepted / measured.seconds;
      const result: BenchResult = {
        bench,
        metric: 'accepted bids/s (higher is better)',
        value: round(value, 1),
        baseline: baselineLabel,
        baseline_value: round(baseline.tps, 1),
        ratio: round(value / baseline.tps, 4),
        p50_ms: round(percentile(measured.latencies, 50), 1),
        p99_ms: round(percentile(measured.latencies, 99), 1),
        baseline_avg_ms: baseline.latency,
        bids: measured.attempted,
        bids_per_s: round(measured.attempted / measured.seconds, 1),
        accepted: measured.accepted,
        concurrency: clients,
      };
      emit(result);
    }
  } finally {
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    await closeLiveHub().catch(() => {});
    await redis()
      .quit()
      .catch(() => {});
    await closeDb();
    await dropDatabase(pg.url, DATABASE).catch(() => {});
    await redisService.stop();
    await pg.stop();
  }
}
