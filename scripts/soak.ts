// The scaled-out market on one machine under a mixed load (issue #20): a PostgreSQL primary with a streaming replica,
// a three-master Redis Cluster, two web processes behind a small round-robin proxy and two workers; midway one web
// and one worker process are killed (SIGKILL) and started again. At the end: no buy lost or doubled, every job
// terminal, the ledger's invariants, no stock below zero, and live auction streams of the killed web process
// reconnected through the proxy and caught up. Prints one JSON line per request kind and per process.
//
//   npm run soak -- --minutes 10      (the full run; CI runs --minutes 2)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { Cluster } from 'ioredis';
import postgres from 'postgres';
import { migrateDatabase } from '../db/migrate';
import * as schema from '../db/schema';
import { seedDemoMarket } from '../db/seed';
import { commitSessionCookie, createSession } from '../app/lib/session.server';
import { checkLedgerInvariants } from '../tests/support/ledger-invariants';
import { queueNames } from '../workers/queues';
import { nodeArgs } from './build';
import { freePort, startPostgresPair, startRedisCluster, terminate } from './cluster';
import { databaseUrl, ensureDatabase } from './databases';
import { repoRoot } from './services';

const args = process.argv.slice(2);
const minutes = Number(args[args.indexOf('--minutes') + 1] ?? 10) || 10;
const concurrency = Number(args[args.indexOf('--users') + 1] ?? 0) || 16;
const durationMs = minutes * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (message: string) => process.stderr.write(`[soak] ${message}\n`);
const QUEUE_PREFIX = `soak-${randomBytes(3).toString('hex')}`;

type Kind = 'search' | 'lot' | 'prices' | 'buy' | 'bid';
const MIX: [Kind, number][] = [
  ['search', 40],
  ['lot', 20],
  ['prices', 10],
  ['buy', 15],
  ['bid', 15],
];

// ---------------------------------------------------------------------------------------------------------------

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
  } catch {
    return 0;
  }
}

type Proc = { name: string; child: ChildProcess; peakRss: number };

function startProcess(name: 'web' | 'worker', env: Record<string, string>): Proc {
  const child = spawn(process.execPath, nodeArgs(name), {
    cwd: repoRoot,
    env: { ...process.env, ...env, WHARF_SERVICE: name },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { name, child, peakRss: 0 };
}

async function waitHealthy(base: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`${base} did not become healthy`);
}

/** Round robin over the web processes that answer; a refused connection is retried on the next one. */
function startProxy(upstreams: () => number[]) {
  let next = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const ports = upstreams();
      const tryOne = (attempt: number) => {
        const port = ports[(next++ + attempt) % ports.length];
        const upstream = httpRequest(
          { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (res.headersSent) res.destroy();
          else if (attempt + 1 < ports.length) tryOne(attempt + 1);
          else res.writeHead(502).end();
        });
        upstream.end(Buffer.concat(body));
      };
      tryOne(0);
    });
  });
  return server;
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Reads `auction` events from an SSE stream until stopped; resolves each time one arrives. */
function watchAuction(base: () => string, auctionId: string, onState: (price: number) => void) {
  const controller = new AbortController();
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(`${base()}/events?auction=${auctionId}`, { signal: controller.signal });
        const reader = response.body?.getReader();
        let text = '';
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          text += Buffer.from(chunk.value).toString('utf8');
          let end = text.indexOf('\n\n');
          while (end >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) {
              const event = JSON.parse(data.slice(6)) as { priceFen?: number | null };
              onState(event.priceFen ?? 0);
            }
            end = text.indexOf('\n\n');
          }
        }
      } catch {
        // the process died or the stream ended: reconnect (through the proxy, as a page's EventSource would)
      }
      await sleep(300);
    }
  };
  void run();
  return () => controller.abort();
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(path.join(repoRoot, 'build', 'web.js'))) throw new Error('run `npm run build` first');
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-soak-'));
  const { chmodSync } = await import('node:fs');
  chmodSync(dir, 0o755);
  const redisCluster = await startRedisCluster(path.join(dir, 'redis'), { log: say });
  const pair = await startPostgresPair(path.join(dir, 'pg'), { log: say });
  const processes: Proc[] = [];
  let proxy: ReturnType<typeof startProxy> | undefined;
  try {
    await ensureDatabase(pair.primaryUrl, 'wharf', { fresh: true });
    const primaryUrl = databaseUrl(pair.primaryUrl, 'wharf');
    const replicaUrl = databaseUrl(pair.replicaUrl, 'wharf');
    await migrateDatabase(primaryUrl);
    const env = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'soak-session-secret-0123456789abcdef',
      DATABASE_URL: primaryUrl,
      DATABASE_REPLICA_URL: replicaUrl,
      DATABASE_POOL_MAX: '8',
      REDIS_CLUSTER_NODES: redisCluster.nodes,
      QUEUE_PREFIX,
      LOG_LEVEL: 'error',
      AUCTION_BIDS_PER_10S: '1000',
      STORAGE_DIR: path.join(dir, 'storage'),
    };
    // This process seeds the market and signs the load's sessions: the same configuration as the processes it starts.
    Object.assign(process.env, env);
    const client = postgres(primaryUrl, { max: 4, onnotice: () => {} });
    const db = drizzle(client, { schema });
    await db.transaction((tx) => seedDemoMarket(tx as never));
    const webPorts = [await freePort(), await freePort()];
    const startWeb = (i: number) => {
      const proc = startProcess('web', { ...env, PORT: String(webPorts[i]) });
      processes.push(proc);
      return proc;
    };
    const webs = [startWeb(0), startWeb(1)];
    const workers = [0, 1].map(() => {
      const proc = startProcess('worker', env);
      processes.push(proc);
      return proc;
    });
    await Promise.all(webPorts.map((port) => waitHealthy(`http://127.0.0.1:${port}`)));
    const alive = new Set(webPorts);
    const proxyPort = await freePort();
    proxy = startProxy(() => [...alive]);
    await new Promise<void>((resolve) => proxy?.listen(proxyPort, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${proxyPort}`;
    say(`market behind the proxy at ${base}; load for ${minutes} min with ${concurrency} users`);

    // Who does what: the two demo buyers trade; lots and auctions come from the seed.
    const cookies = await Promise.all(
      [
        ['usr_yuewei', 'org_yuewei'],
        ['usr_xianfeng', 'org_xianfeng'],
      ].map(
        async ([userId, orgId]) =>
          (await commitSessionCookie(await createSession(db as never, { userId, activeOrgId: orgId }))).split(
            ';',
          )[0],
      ),
    );
    const lots = await db
      .select({
        id: schema.listings.id,
        title: schema.listings.titleZh,
        moq: schema.listings.minOrderQuantity,
      })
      .from(schema.listings)
      .where(and(eq(schema.listings.status, 'live'), eq(schema.listings.saleMode, 'fixed')));
    const auctions = await db
      .select({ id: schema.auctions.id })
      .from(schema.auctions)
      .where(
        and(
          eq(schema.auctions.status, 'open'),
          eq(schema.auctions.type, 'english'),
          sql`${schema.auctions.startsAt} <= now() and ${schema.auctions.endsAt} > now() + ${`${minutes + 2} minutes`}::interval`,
        ),
      );
    if (lots.length === 0 || auctions.length === 0) throw new Error('the seed has no live lots or auctions');

    const latencies = new Map<Kind, number[]>(MIX.map(([kind]) => [kind, []]));
    const errors = new Map<Kind, number>(MIX.map(([kind]) => [kind, 0]));
    const boughtOrders = new Set<string>();
    const buyTokens = new Map<string, string>();
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];
    const kindOf = () => {
      let roll = Math.random() * 100;
      for (const [kind, weight] of MIX) {
        roll -= weight;
        if (roll < 0) return kind;
      }
      return 'search';
    };
    // A request the market does not answer in 30 s counts as an error rather than stalling its user.
    const fetch = (url: string, init: RequestInit = {}) =>
      globalThis.fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const once = async (kind: Kind, user: number) => {
      const cookie = cookies[user % cookies.length];
      const form = (fields: Record<string, string>) => ({
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
        redirect: 'manual' as const,
      });
      const lot = pick(lots);
      switch (kind) {
        case 'search':
          return fetch(`${base}/market?q=${encodeURIComponent((lot.title ?? '').slice(0, 4))}`, {
            headers: { cookie },
          });
        case 'lot':
          return fetch(`${base}/market/${lot.id}`);
        case 'prices':
          return fetch(`${base}/prices`);
        case 'buy': {
          const token = randomBytes(16).toString('hex');
          const response = await fetch(
            `${base}/orders/new?listingId=${lot.id}`,
            form({ listingId: lot.id, quantity: String(lot.moq / 1000), unit: 'kg', buyToken: token }),
          );
          const orderId = /\/orders\/(ord_\w+)/.exec(response.headers.get('location') ?? '')?.[1];
          if (response.status === 302 && orderId) {
            boughtOrders.add(orderId);
            buyTokens.set(token, orderId);
          }
          return response;
        }
        case 'bid': {
          const auction = pick(auctions);
          const [state] = await db
            .select({ price: schema.auctions.priceFen, start: schema.auctions.startPriceFen })
            .from(schema.auctions)
            .where(eq(schema.auctions.id, auction.id));
          const amount = ((state?.price ?? state?.start ?? 1000) + 500) / 100;
          return fetch(
            `${base}/auctions/${auction.id}`,
            form({ intent: 'bid', kind: 'manual', amount: String(amount) }),
          );
        }
      }
    };

    // Live streams on the web process that is going to be killed.
    const streams = 4;
    const seen = Array.from({ length: streams }, () => ({ before: 0, after: 0, events: 0 }));
    let killedAt = 0;
    // Each stream starts on web process 0 and, once it drops, reconnects through the proxy as a page's would.
    const stops = seen.map((s, i) =>
      watchAuction(
        () => (killedAt === 0 ? `http://127.0.0.1:${webPorts[0]}` : base),
        auctions[i % auctions.length].id,
        (price) => {
          if (killedAt === 0) s.before = price;
          else s.after = Math.max(s.after, price);
          s.events++;
        },
      ),
    );

    const started = Date.now();
    const sampler = setInterval(() => {
      for (const proc of processes) proc.peakRss = Math.max(proc.peakRss, rssMb(proc.child.pid));
    }, 1000);
    const users = Array.from({ length: concurrency }, async (_, user) => {
      while (Date.now() - started < durationMs) {
        const kind = kindOf();
        const t0 = performance.now();
        try {
          const response = await once(kind, user);
          await response?.arrayBuffer().catch(() => undefined);
          const status = response?.status ?? 0;
          // A refused bid (outbid meanwhile) or a sold-out lot is the market answering, not an error.
          if (status >= 500 || status === 0) errors.set(kind, (errors.get(kind) ?? 0) + 1);
        } catch {
          errors.set(kind, (errors.get(kind) ?? 0) + 1);
        }
        latencies.get(kind)?.push(performance.now() - t0);
      }
    });
    const drill = (async () => {
      await sleep(durationMs / 2);
      say('killing one web process and one worker (SIGKILL)');
      killedAt = Date.now();
      alive.delete(webPorts[0]);
      webs[0].child.kill('SIGKILL');
      workers[0].child.kill('SIGKILL');
      await sleep(5_000);
      const web = startWeb(0);
      webs[0] = web;
      processes.push(startProcess('worker', env));
      await waitHealthy(`http://127.0.0.1:${webPorts[0]}`);
      alive.add(webPorts[0]);
      say('restarted them');
    })();
    await Promise.all([...users, drill]);
    clearInterval(sampler);
    say('load done; draining the queues');

    // Drain: every job reaches an end (completed or failed), none left waiting or active.
    const redis = new Cluster(
      redisCluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: null } },
    );
    const queues = queueNames.map(
      (name) => new Queue(name, { connection: redis, prefix: `{${QUEUE_PREFIX}.${name}}` }),
    );
    let pending = -1;
    for (let i = 0; i < 120 && pending !== 0; i++) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')));
      const outbox = await client`select count(*)::int as n from outbox where published_at is null`;
      pending = counts.reduce((sum, c) => sum + c.waiting + c.active + c.prioritized, 0) + outbox[0].n;
      if (pending !== 0) await sleep(1000);
    }
    const failed = (await Promise.all(queues.map((q) => q.getJobCounts('failed')))).reduce(
      (s, c) => s + c.failed,
      0,
    );

    say(`drained (${pending} pending); checking`);
    // The checks.
    const problems: string[] = [];
    if (pending !== 0) problems.push(`${pending} jobs or outbox rows still pending after the drain`);
    const orders =
      await client`select id, created_by from orders where source = 'buy_now' and created_at > now() - interval '1 day'`;
    const ids = new Set(orders.map((o) => o.id as string));
    for (const id of boughtOrders)
      if (!ids.has(id)) problems.push(`order ${id} answered to a buyer is missing`);
    const tokens = await client`select token, order_id from buy_tokens`;
    const byToken = new Map(tokens.map((t) => [t.token as string, t.order_id as string]));
    for (const [token, orderId] of buyTokens)
      if (byToken.get(token) !== orderId)
        problems.push(`buy token ${token} does not point at its one order ${orderId}`);
    const extra = orders.filter((o) => !boughtOrders.has(o.id as string)).length;
    if (extra > 0)
      problems.push(`${extra} buy-now orders no buyer was answered with (doubled or lost answers)`);
    const [negative] = await client`select count(*)::int as n from listings where quantity_available < 0`;
    if (negative.n > 0) problems.push(`${negative.n} lots below zero stock`);
    try {
      await checkLedgerInvariants(db as never);
    } catch (error) {
      problems.push((error as Error).message);
    }
    await sleep(2_000);
    for (const [i, s] of seen.entries())
      if (s.after === 0) problems.push(`live stream ${i} of the killed web process did not reconnect`);
      else if (s.after < s.before)
        problems.push(`live stream ${i} reconnected behind (${s.after} < ${s.before})`);
    for (const stop of stops) stop();

    // The figures.
    const seconds = (Date.now() - started) / 1000;
    for (const [kind, list] of latencies) {
      const sorted = [...list].sort((a, b) => a - b);
      console.log(
        JSON.stringify({
          bench: 'soak',
          kind,
          requests: list.length,
          rps: Math.round((list.length / seconds) * 10) / 10,
          p50_ms: Math.round(percentile(sorted, 50)),
          p99_ms: Math.round(percentile(sorted, 99)),
          errors: errors.get(kind) ?? 0,
        }),
      );
    }
    for (const proc of processes)
      console.log(
        JSON.stringify({ bench: 'soak', process: proc.name, pid: proc.child.pid, peak_rss_mb: proc.peakRss }),
      );
    console.log(
      JSON.stringify({
        bench: 'soak',
        minutes,
        orders: boughtOrders.size,
        failedJobs: failed,
        problems: problems.length,
      }),
    );
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
    await client.end({ timeout: 5 });
    if (problems.length > 0) {
      for (const problem of problems) say(`PROBLEM: ${problem}`);
      process.exitCode = 1;
    } else say('all checks passed');
  } finally {
    proxy?.close();
    // Every process the soak started has exited before the cluster and the databases go: a worker still closing its
    // connections when Redis vanished would retry for ever (and hold the caller's output open), so a graceful stop
    // gets 10 s and then SIGKILL.
    await Promise.all(processes.map((proc) => terminate(proc.child)));
    await redisCluster.stop();
    await pair.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(process.exitCode ?? 0);
