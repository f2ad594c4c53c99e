// Benchmark P5: escrow releases (with their ledger postings and invoices) per second through BullMQ, beside no-op jobs.
//   npm run bench -- settlement                              4,000 orders at concurrency 8 (about a minute on 2 cores)
//   npm run bench -- settlement --n 20000 --concurrency 16   (or BENCH_SETTLEMENT_N / BENCH_SETTLEMENT_CONCURRENCY)
import { randomBytes } from 'node:crypto';
import type { Job, Processor, Queue, Worker } from 'bullmq';
import { dropDatabase } from '../../scripts/databases';
import { ensureRedis } from '../../scripts/services';
import type { Seller } from '../support/listings';
import type { BenchContext, BenchResult } from './run';
import { freshBenchDatabase, percentile, positiveInt, round } from './support';

const DATABASE = 'wharf_bench_settlement';
const DEFAULT_N = 4_000;
const MAX_N = 200_000;
/** The settlement queue's concurrency in workers/index.ts. */
const DEFAULT_CONCURRENCY = 8;
const SELLERS = 20;
const BUYERS = 50;
const BATCH = 1_000;
/** A run that makes no progress for this long is stuck (a job failing for good), not slow. */
const STALL_MS = 60_000;

type Pass = { seconds: number; processingMs: number[]; failedAttempts: number };

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n ?? process.env.BENCH_SETTLEMENT_N, DEFAULT_N, '--n', MAX_N);
  const concurrency = positiveInt(
    options.concurrency ?? process.env.BENCH_SETTLEMENT_CONCURRENCY,
    DEFAULT_CONCURRENCY,
    '--concurrency',
    256,
  );

  const redisService = await ensureRedis(log);
  const { pg, url } = await freshBenchDatabase(DATABASE, log);
  // The app's own modules, pointed at the benchmark's database, Redis and a queue prefix of this run only;
  // no Stripe key, so the offline provider: what is measured is the queue, the ledger and the invoice.
  const prefix = `bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  Object.assign(process.env, {
    DATABASE_URL: url,
    DATABASE_POOL_MAX: String(concurrency + 4),
    REDIS_URL: redisService.url,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  delete process.env.STRIPE_SECRET_KEY;

  const { Queue: QueueClass, Worker: WorkerClass } = await import('bullmq');
  const { db, closeDb } = await import('../../db/client');
  const schema = await import('../../db/schema');
  const { recordPaymentReceived } = await import('../../app/ledger/ledger.server');
  const { redisConnection } = await import('../../app/lib/redis.server');
  const { processSettlementJob } = await import('../../workers/settlement');
  const { defaultJobOptions, queuePrefix } = await import('../../workers/queues');
  const { liveShrimpLot, verifiedSeller } = await import('../support/listings');
  const { checkLedgerInvariants } = await import('../support/ledger-invariants');
  const { eq, sql, inArray } = await import('drizzle-orm');

  const opened: { close: () => Promise<unknown> }[] = [];
  const open = <T extends { close: () => Promise<unknown> }>(thing: T): T => {
    opened.push(thing);
    return thing;
  };
  // BullMQ leaves connections it was handed open; these are closed last, after the queues and workers.
  const connection = (role: 'producer' | 'worker') => {
    const redis = redisConnection(role);
    opened.unshift({ close: () => redis.quit() });
    return redis;
  };

  /** N jobs named `name` into a fresh queue, timed from the first add to the Nth completion, one worker. */
  async function pass(
    queueName: string,
    jobPrefix: string,
    name: string,
    processor: Processor,
    data: (i: number) => object,
  ): Promise<Pass> {
    const queue: Queue = open(
      new QueueClass(queueName, { connection: connection('producer'), prefix: jobPrefix, defaultJobOptions }),
    );
    const processingMs: number[] = [];
    let failedAttempts = 0;
    let completed = 0;
    let lastProgress = Date.now();
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    // The same options as workers/index.ts gives every queue, so the baseline differs only in the processor.
    const worker: Worker = open(
      new WorkerClass(queueName, processor, {
        connection: connection('worker'),
        prefix: jobPrefix,
        concurrency,
        lockDuration: 30_000,
        stalledInterval: 15_000,
        maxStalledCount: 3,
      }),
    );
    worker.on('error', (error) => log(`worker error: ${error.message}`));
    worker.on('failed', (job: Job | undefined, error: Error) => {
      failedAttempts += 1;
      if (failedAttempts <= 3) log(`job ${job?.id} failed: ${error.message}`);
    });
    worker.on('completed', (job: Job) => {
      completed += 1;
      lastProgress = Date.now();
      if (job.finishedOn && job.processedOn) processingMs.push(job.finishedOn - job.processedOn);
      if (completed === n) resolveDone();
    });
    await worker.waitUntilReady();

    const start = performance.now();
    for (let from = 0; from < n; from += BATCH) {
      const size = Math.min(BATCH, n - from);
      await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name, data: data(from + k) })));
    }
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress > STALL_MS) {
        log(`no progress for ${STALL_MS / 1000} s at ${completed}/${n}; giving up`);
        process.exit(1);
      }
    }, 1_000);
    await done;
    const seconds = (performance.now() - start) / 1000;
    clearInterval(watchdog);
    await worker.close();
    await queue.obliterate({ force: true });
    processingMs.sort((a, b) => a - b);
    return { seconds, processingMs, failedAttempts };
  }

  try {
    const { seedCatalogue } = await import('../../db/seed');
    await seedCatalogue(db);
    log(`preparing ${n.toLocaleString('en')} delivered orders, paid into escrow, their windows passed…`);
    const prepareStart = performance.now();
    const sellers: Seller[] = [];
    for (let i = 0; i < SELLERS; i++) sellers.push(await verifiedSeller(db));
    const lots: string[] = [];
    for (const seller of sellers) lots.push(await liveShrimpLot(db, seller, '100000'));
    const buyerIds = Array.from({ length: BUYERS }, (_, i) => ({
      orgId: `org_bbench${i}`,
      userId: `usr_bbench${i}`,
    }));
    await db
      .insert(schema.organisations)
      .values(buyerIds.map((b, i) => ({ id: b.orgId, name: `基准买家 ${i + 1}`, kind: 'buyer' as const })));
    await db.insert(schema.users).values(
      buyerIds.map((b) => ({
        id: b.userId,
        email: `${b.userId}@bench.test`,
        name: '基准',
        passwordHash: 'x',
      })),
    );
    const [category] = await db
      .select()
      .from(schema.categories)
      .where(eq(schema.categories.id, 'whiteleg-shrimp'));

    // Straight into the tables rather than through buy → pay → ship → deliver: that path is not what this
    // measures, and going through it would make the set-up far longer than the benchmark.
    const ids = Array.from({ length: n }, (_, i) => `ord_bench${String(i).padStart(7, '0')}`);
    const windowPassed = new Date(Date.now() - 60_000);
    for (let from = 0; from < n; from += BATCH) {
      const slice = ids.slice(from, from + BATCH);
      await db.insert(schema.orders).values(
        slice.map((id, k) => {
          const i = from + k;
          const buyer = buyerIds[i % BUYERS];
          return {
            id,
            buyerOrgId: buyer.orgId,
            sellerOrgId: sellers[i % SELLERS].orgId,
            listingId: lots[i % SELLERS],
            source: 'buy_now' as const,
            status: 'delivered' as const,
            quantity: 1_000 + (i % 50) * 100,
            unitPriceFen: 4_200,
            perBase: 1_000,
            subtotalFen: Math.round(((1_000 + (i % 50) * 100) * 4_200) / 1_000),
            currency: 'CNY',
            feeBps: category?.feeBps ?? 150,
            provider: 'offline' as const,
            payBy: new Date(Date.now() + 86_400_000),
            inspectionEndsAt: windowPassed,
            createdBy: buyer.userId,
          };
        }),
      );
      // The buyers' payments into escrow, through the ledger's own posting, a batch per transaction.
      const rows = await db.select().from(schema.orders).where(inArray(schema.orders.id, slice));
      await db.transaction(async (tx) => {
        for (const order of rows) {
          await recordPaymentReceived(tx, {
            orderId: order.id,
            amount: order.subtotalFen,
            idempotencyKey: `order:${order.id}:payment`,
            memo: 'bench payment',
          });
        }
      });
      log(`  ${Math.min(from + BATCH, n).toLocaleString('en')} orders`);
    }
    await db.execute(sql`analyze`);
    log(`prepared in ${((performance.now() - prepareStart) / 1000).toFixed(1)} s`);

    log(`baseline: ${n.toLocaleString('en')} no-op jobs at concurrency ${concurrency}…`);
    const noop = await pass(
      'bench-noop',
      `{${prefix}.bench-noop}`,
      'noop',
      async () => ({}),
      (i) => ({ i }),
    );
    log(`  ${noop.seconds.toFixed(2)} s → ${round(n / noop.seconds, 1)} jobs/s`);

    log(`settlement: ${n.toLocaleString('en')} release-escrow jobs at concurrency ${concurrency}…`);
    const settled = await pass(
      'settlement',
      queuePrefix('settlement'),
      'release-escrow',
      processSettlementJob,
      (i) => ({ orderId: ids[i] }),
    );
    log(`  ${settled.seconds.toFixed(2)} s → ${round(n / settled.seconds, 1)} settlements/s`);

    // What was measured really happened, once per order, and the ledger still balances.
    const [completed] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(schema.orders)
      .where(eq(schema.orders.status, 'completed'));
    const [released] = await db
      .select({
        n: sql<number>`count(distinct ${schema.ledgerTransactions.orderId})::int`,
        all: sql<number>`count(*)::int`,
      })
      .from(schema.ledgerTransactions)
      .where(eq(schema.ledgerTransactions.kind, 'escrow_released'));
    const [invoiced] = await db.select({ n: sql<number>`count(*)::int` }).from(schema.invoices);
    if (completed.n !== n || released.n !== n || released.all !== n || invoiced.n !== n) {
      throw new Error(
        `expected ${n} completed orders, releases and invoices; got ${completed.n}, ${released.all} (${released.n} orders), ${invoiced.n}`,
      );
    }
    await checkLedgerInvariants(db);

    const value = n / settled.seconds;
    const baselineValue = n / noop.seconds;
    const result: BenchResult = {
      bench: 'settlement-offline',
      metric: 'settlements/s (higher is better)',
      value: round(value, 1),
      baseline: 'no-op BullMQ job, same Redis, same concurrency',
      baseline_value: round(baselineValue, 1),
      ratio: round(value / baselineValue, 4),
      n,
      concurrency,
      p50_ms: percentile(settled.processingMs, 50),
      p99_ms: percentile(settled.processingMs, 99),
      baseline_p50_ms: percentile(noop.processingMs, 50),
      baseline_p99_ms: percentile(noop.processingMs, 99),
      failed_attempts: settled.failedAttempts,
    };
    emit(result);
  } finally {
    for (const thing of opened.reverse()) await thing.close().catch(() => {});
    await closeDb();
    await dropDatabase(pg.url, DATABASE).catch(() => {});
    await redisService.stop();
    await pg.stop();
  }
}
