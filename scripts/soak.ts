// The scaled-out market on one machine under a mixed load (issue #20): a PostgreSQL primary with a streaming replica,
// a three-master Redis Cluster, two web processes behind a small round-robin proxy and two workers; midway one web
// and one worker process are killed (SIGKILL) and started again. The load is 70 % browsing (search, lot pages,
// prices), 10 % buy-now, 10 % bids, 5 % quotes (a buyer asks a seller's lot for a quote, the seller answers) and 5 %
// cold-chain bookings (the operator records an order's bank transfer, the buyer asks for transport). Beside the mix,
// the market floor carries booked orders on: the seller weighs and ships, the buyer confirms delivery, and either
// accepts the goods (the escrow is released in the web request) or leaves the inspection window (10 s here) to run
// out, so the workers' release-escrow jobs settle them, across the kill. At the end: no order, quote, booking,
// payment, settlement or e-mail lost or doubled, every delivered order settled once, every job terminal, the
// ledger's invariants, no stock below zero, and live auction streams of the killed web process reconnected through
// the proxy and caught up. Prints one JSON line per request kind and per process.
//
//   npm run soak -- --minutes 10      (the full run; CI runs --minutes 2)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { and, eq, inArray, sql } from 'drizzle-orm';
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

type Kind = 'search' | 'lot' | 'prices' | 'buy' | 'bid' | 'quote' | 'booking' | 'delivery';
const MIX: [Exclude<Kind, 'delivery'>, number][] = [
  ['search', 40],
  ['lot', 20],
  ['prices', 10],
  ['buy', 10],
  ['bid', 10],
  ['quote', 5],
  ['booking', 5],
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

/**
 * Round robin over the web processes that answer; a refused connection is retried on the next one. A POST is
 * retried only when its connection was refused: once it may have reached the app (a reset after connecting, the
 * process killed mid-request) a retry could place an order twice, so the client gets the 502 instead.
 */
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
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          const neverReached = error.code === 'ECONNREFUSED';
          const idempotent = req.method === 'GET' || req.method === 'HEAD';
          if (res.headersSent) res.destroy();
          else if ((neverReached || idempotent) && attempt + 1 < ports.length) tryOne(attempt + 1);
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
      // Delivered orders complete 10 s after delivery, so the workers settle some while the load runs.
      INSPECTION_SECONDS_OVERRIDE: '10',
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

    // Who does what: the two demo buyers trade, the sellers (their owners) answer requests for quotes and ship, the
    // operator records bank transfers; lots and auctions come from the seed.
    const signIn = async (userId: string, orgId: string) =>
      (await commitSessionCookie(await createSession(db as never, { userId, activeOrgId: orgId }))).split(
        ';',
      )[0];
    const cookies = await Promise.all([
      signIn('usr_yuewei', 'org_yuewei'),
      signIn('usr_xianfeng', 'org_xianfeng'),
    ]);
    const operatorCookie = await signIn('usr_operator', 'org_operator');
    const lots = await db
      .select({
        id: schema.listings.id,
        title: schema.listings.titleZh,
        moq: schema.listings.minOrderQuantity,
        sellerOrgId: schema.listings.sellerOrgId,
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
    const owners = await db
      .select({ orgId: schema.memberships.orgId, userId: schema.memberships.userId })
      .from(schema.memberships)
      .where(
        and(
          eq(schema.memberships.role, 'owner'),
          inArray(schema.memberships.orgId, [...new Set(lots.map((lot) => lot.sellerOrgId))]),
        ),
      );
    const sellerCookies = new Map<string, string>(
      await Promise.all(owners.map(async (o) => [o.orgId, await signIn(o.userId, o.orgId)] as const)),
    );
    const quotableLots = lots.filter((lot) => sellerCookies.has(lot.sellerOrgId));
    if (quotableLots.length === 0) throw new Error('the seed has no live lots of the demo sellers');

    // The mix, and the floor's deliveries beside it (one figure per order carried from paid to delivered).
    const kinds: Kind[] = [...MIX.map(([kind]) => kind), 'delivery'];
    const latencies = new Map<Kind, number[]>(kinds.map((kind) => [kind, []]));
    const errors = new Map<Kind, number>(kinds.map((kind) => [kind, 0]));
    const refused = new Map<Kind, number>(kinds.map((kind) => [kind, 0]));
    let buyResubmits = 0;
    const boughtOrders = new Set<string>();
    const buyTokens = new Map<string, string>();
    // Per buyer, its answered orders not yet taken for a booking (oldest first).
    type Bought = { orderId: string; lot: (typeof lots)[number] };
    const toBook: Bought[][] = cookies.map(() => []);
    // Paid and booked orders the floor carries on to delivery, and what became of them.
    const toDeliver: (Bought & { buyer: number })[] = [];
    const deliveredOrders = new Set<string>();
    const acceptedOrders = new Set<string>();
    const paidOrders = new Set<string>();
    const bookedOrders = new Set<string>();
    const askedDemands = new Set<string>();
    const answeredQuotes = new Map<string, { demandId: string; sellerOrgId: string }>();
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
    // A step of a several-request kind: a 5xx fails the whole step (the user loop counts it); its body is read.
    const answered = async (response: Response) => {
      if (response.status >= 500) throw new Error(`${response.status} from ${response.url}`);
      return response;
    };
    // A loader's data as the page's client-side navigation fetches it (Remix's `_data` request), or null on a 4xx.
    const loaderData = async <T>(url: string, routeId: string, cookie: string): Promise<T | null> => {
      const separator = url.includes('?') ? '&' : '?';
      const response = await answered(
        await fetch(`${base}${url}${separator}_data=${encodeURIComponent(routeId)}`, {
          headers: { cookie },
          redirect: 'manual',
        }),
      );
      if (response.status !== 200) {
        await response.arrayBuffer().catch(() => undefined);
        return null;
      }
      return (await response.json()) as T;
    };
    const once = async (kind: Kind, user: number) => {
      const buyer = user % cookies.length;
      const cookie = cookies[buyer];
      const form = (fields: Record<string, string>, as = cookie) => ({
        method: 'POST',
        headers: { cookie: as, 'content-type': 'application/x-www-form-urlencoded' },
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
          // No answer (the web process died mid-request: the proxy answers 502, it never resends a POST) and the
          // buyer presses 购买 again: the form's one-time token makes the repeat answer with the order the first
          // post may have placed, never a second one.
          const token = randomBytes(16).toString('hex');
          const post = () =>
            fetch(
              `${base}/orders/new?listingId=${lot.id}`,
              form({ listingId: lot.id, quantity: String(lot.moq / 1000), unit: 'kg', buyToken: token }),
            );
          let response = await post().catch(() => null);
          for (let again = 0; again < 2 && (!response || response.status >= 500); again++) {
            await response?.arrayBuffer().catch(() => undefined);
            buyResubmits++;
            await sleep(500);
            response = await post().catch(() => null);
          }
          if (!response) throw new Error('buy: no answer after resubmitting');
          const orderId = /\/orders\/(ord_\w+)/.exec(response.headers.get('location') ?? '')?.[1];
          if (response.status === 302 && orderId) {
            boughtOrders.add(orderId);
            buyTokens.set(token, orderId);
            toBook[buyer].push({ orderId, lot });
          }
          return response;
        }
        case 'quote': {
          // 询价 → 报价: the buyer's "ask the seller for a quote" on a lot posts a demand shaped after the lot (the
          // form's values from the page's loader, the quantity typed in), then the lot's seller quotes on it.
          const asked = pick(quotableLots);
          const page = await loaderData<{
            category: { id: string; baseUnit: string } | null;
            initial: Record<string, string>;
          }>(`/demands/new?listing=${asked.id}`, 'routes/demands.new', cookie);
          if (!page?.category) return null;
          const posted = await answered(
            await fetch(
              `${base}/demands/new`,
              form({
                ...page.initial,
                categoryId: page.category.id,
                quantity: page.category.baseUnit === 'piece' ? '1000' : '1',
              }),
            ),
          );
          await posted.arrayBuffer().catch(() => undefined);
          const demandId = /\/demands\/(dmd_\w+)/.exec(posted.headers.get('location') ?? '')?.[1];
          if (posted.status !== 302 || !demandId) return posted;
          askedDemands.add(demandId);
          const sellerCookie = sellerCookies.get(asked.sellerOrgId) as string;
          const demand = await loaderData<{ offerDefaults: Record<string, string> }>(
            `/demands/${demandId}`,
            'routes/demands.$demandId',
            sellerCookie,
          );
          if (!demand) return posted;
          const quoted = await fetch(
            `${base}/demands/${demandId}`,
            form(
              { ...demand.offerDefaults, intent: 'quote', listingId: asked.id, price: '20', note: '' },
              sellerCookie,
            ),
          );
          const quoteId = /\/quotes\/(quo_\w+)/.exec(quoted.headers.get('location') ?? '')?.[1];
          if (quoted.status === 302 && quoteId)
            answeredQuotes.set(quoteId, { demandId, sellerOrgId: asked.sellerOrgId });
          return quoted;
        }
        case 'booking': {
          // 申请冷链运输 for one of the buyer's orders: an offline order is paid once the operator records the bank
          // transfer (record_payment), then the buyer asks for transport with the booking page's own defaults.
          const bought = toBook[buyer].shift();
          if (!bought) return fetch(`${base}/orders`, { headers: { cookie } });
          const { orderId } = bought;
          const paid = await answered(
            await fetch(
              `${base}/orders/${orderId}`,
              form({ intent: 'record_payment', reference: `soak-${orderId.slice(-6)}` }, operatorCookie),
            ),
          );
          await paid.arrayBuffer().catch(() => undefined);
          if (paid.status === 302) paidOrders.add(orderId);
          const page = await loaderData<{ defaults: Record<string, string> }>(
            `/orders/${orderId}/booking`,
            'routes/orders_.$orderId.booking',
            cookie,
          );
          if (!page) return paid;
          const booked = await fetch(`${base}/orders/${orderId}/booking`, form(page.defaults));
          if (booked.status === 302) bookedOrders.add(orderId);
          if (booked.status === 302 && paidOrders.has(orderId)) toDeliver.push({ ...bought, buyer });
          return booked;
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
          // Null: nothing to do this turn (no lot to ask about); not a request that failed.
          const status = response === null ? 200 : (response?.status ?? 0);
          // A refused bid (outbid meanwhile), a sold-out lot or an already quoted demand is the market answering,
          // not an error.
          if (status >= 500 || status === 0) errors.set(kind, (errors.get(kind) ?? 0) + 1);
          else if (status >= 400) refused.set(kind, (refused.get(kind) ?? 0) + 1);
        } catch {
          errors.set(kind, (errors.get(kind) ?? 0) + 1);
        }
        latencies.get(kind)?.push(performance.now() - t0);
      }
    });
    // The market floor: two hands carry booked orders on. The seller weighs (the scale reads 2 % under the order: the
    // difference goes back to the buyer at settlement) and ships, the buyer confirms delivery; every other order the
    // buyer accepts at once (确认收货, settled in the web request), the rest wait out the window for a worker's
    // release-escrow job. Each step is the party's own form post; a step whose answer was lost is not resent (no
    // token makes it safe), and its order stays where it stood.
    const carryOn = async ({ orderId, lot, buyer }: Bought & { buyer: number }): Promise<number> => {
      const sellerCookie = sellerCookies.get(lot.sellerOrgId);
      if (!sellerCookie) return 200;
      const step = async (fields: Record<string, string>, as: string) => {
        const response = await answered(
          await fetch(`${base}/orders/${orderId}`, {
            method: 'POST',
            headers: { cookie: as, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(fields),
            redirect: 'manual',
          }),
        );
        await response.arrayBuffer().catch(() => undefined);
        return response.status;
      };
      const weighed = ((lot.moq * 0.98) / 1000).toFixed(3);
      for (const [fields, as] of [
        [{ intent: 'record_weight', quantity: weighed, unit: 'kg' }, sellerCookie],
        [{ intent: 'ship' }, sellerCookie],
        [{ intent: 'confirm_delivery' }, cookies[buyer]],
      ] as const) {
        const status = await step(fields, as);
        if (status !== 302) return status;
      }
      deliveredOrders.add(orderId);
      if (deliveredOrders.size % 2 === 0) return 302;
      const status = await step({ intent: 'accept' }, cookies[buyer]);
      if (status === 302) acceptedOrders.add(orderId);
      return status;
    };
    const floor = Array.from({ length: 2 }, async () => {
      while (Date.now() - started < durationMs) {
        const next = toDeliver.shift();
        if (!next) {
          await sleep(250);
          continue;
        }
        const t0 = performance.now();
        try {
          if ((await carryOn(next)) >= 400) refused.set('delivery', (refused.get('delivery') ?? 0) + 1);
        } catch {
          errors.set('delivery', (errors.get('delivery') ?? 0) + 1);
        }
        latencies.get('delivery')?.push(performance.now() - t0);
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
    await Promise.all([...users, ...floor, drill]);
    // Rates are over the load's own time: the drain after it (minutes, when it waits out a lease) is not load.
    const seconds = (Date.now() - started) / 1000;
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
    const stillPending = async () => {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')));
      // The release-escrow jobs of the last deliveries wait out their 10-s window as delayed jobs.
      const [releases] = await client`
        select count(*)::int as n from orders where id = any(${[...deliveredOrders]}::text[]) and status = 'delivered'`;
      const [outbox] = await client`select count(*)::int as n from outbox where published_at is null`;
      const [deliveries] = await client`
        select count(*)::int as n, max(lease_until) as until from notification_deliveries where status = 'pending'`;
      const jobs = counts.reduce((sum, c) => sum + c.waiting + c.active + c.prioritized, 0) + releases.n;
      return {
        jobs,
        outbox: outbox.n as number,
        deliveries: deliveries.n as number,
        leaseUntil: deliveries.until as Date | null,
        total: jobs + outbox.n + deliveries.n,
      };
    };
    let pending = await stillPending();
    for (let i = 0; i < 120 && pending.total !== 0; i++) {
      await sleep(1000);
      pending = await stillPending();
    }
    // A delivery a killed worker was sending stays leased to it (DELIVERY_LEASE_MS, 5 min): a delayed job looks again
    // once the lease passes and another worker sends it. Wait for that too, rather than call it stuck.
    if (pending.total === pending.deliveries && pending.leaseUntil) {
      const until = Math.min(new Date(pending.leaseUntil).getTime() + 30_000, Date.now() + 6 * 60_000);
      say(
        `${pending.deliveries} notification deliveries leased to the killed worker; waiting for their lease`,
      );
      while (pending.total !== 0 && Date.now() < until) {
        await sleep(2000);
        pending = await stillPending();
      }
    }
    const failedCounts = await Promise.all(queues.map((q) => q.getJobCounts('failed')));
    const failed = failedCounts.reduce((s, c) => s + c.failed, 0);
    const failedSettlement = failedCounts[queueNames.indexOf('settlement')]?.failed ?? 0;

    say(
      `drained (${pending.jobs} jobs, ${pending.outbox} outbox rows, ${pending.deliveries} deliveries pending); checking`,
    );
    say(
      `${boughtOrders.size} orders, ${askedDemands.size} requests for quotes, ${answeredQuotes.size} quotes, ${paidOrders.size} payments recorded, ${bookedOrders.size} bookings answered, ${deliveredOrders.size} delivered`,
    );
    // The checks.
    const problems: string[] = [];
    if (pending.total !== 0)
      problems.push(
        `still pending after the drain: ${pending.jobs} jobs, ${pending.outbox} outbox rows, ${pending.deliveries} notification deliveries`,
      );
    if (failedSettlement > 0) problems.push(`${failedSettlement} settlement jobs failed`);
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
    // Quotes: the requests for quotes (demands) and the quotes answered exist once; nothing else appeared on them.
    const demandRows =
      await client`select id from demands where created_at >= ${new Date(started).toISOString()}::timestamptz`;
    const demandIds = new Set(demandRows.map((d) => d.id as string));
    for (const id of askedDemands)
      if (!demandIds.has(id)) problems.push(`demand ${id} answered to a buyer is missing`);
    // A request for quotes, a quote or a booking whose answer was lost (5xx, no answer) may have committed; no
    // token makes their repeat safe, so the soak does not resend them, and allows one unanswered row per such
    // request. More than that would be a doubling.
    const unanswered = (kind: Kind) => errors.get(kind) ?? 0;
    const strayDemands = demandRows.filter((d) => !askedDemands.has(d.id as string)).length;
    const quoteRows =
      await client`select id, demand_id, seller_org_id from quotes where demand_id = any(${[...askedDemands]}::text[])`;
    const quoteIds = new Map(quoteRows.map((q) => [q.id as string, q]));
    for (const [id, asked] of answeredQuotes) {
      const row = quoteIds.get(id);
      if (!row || row.demand_id !== asked.demandId || row.seller_org_id !== asked.sellerOrgId)
        problems.push(`quote ${id} answered to a seller is missing or not on its demand`);
    }
    const strayQuotes = quoteRows.filter((q) => !answeredQuotes.has(q.id as string)).length;
    if (strayDemands + strayQuotes > unanswered('quote'))
      problems.push(
        `${strayDemands} demands and ${strayQuotes} quotes no one was answered with, ${unanswered('quote')} unanswered requests`,
      );
    // Bookings: one per order, and one for each booking answered to a buyer.
    const bookingRows = await client`select order_id, count(*)::int as n from bookings group by order_id`;
    const bookingsByOrder = new Map(bookingRows.map((b) => [b.order_id as string, b.n as number]));
    for (const orderId of bookedOrders)
      if (bookingsByOrder.get(orderId) !== 1)
        problems.push(`order ${orderId} has ${bookingsByOrder.get(orderId) ?? 0} bookings, answered once`);
    const strayBookings = [...bookingsByOrder.keys()].filter(
      (id) => boughtOrders.has(id) && !bookedOrders.has(id),
    );
    if (strayBookings.length > unanswered('booking'))
      problems.push(
        `${strayBookings.length} bookings no buyer was answered with, ${unanswered('booking')} unanswered requests`,
      );
    for (const b of bookingRows)
      if ((b.n as number) > 1) problems.push(`order ${b.order_id} has ${b.n} bookings`);
    // Money: each order paid at most once and released (settled) at most once; each recorded payment is in the
    // ledger once and the order is paid or past it.
    const doubledMoney = await client`
      select order_id, kind, count(*)::int as n from ledger_transactions
      where kind in ('payment_received', 'escrow_released', 'payout') and order_id is not null
      group by order_id, kind having count(*) > 1`;
    for (const row of doubledMoney)
      problems.push(`order ${row.order_id}: ${row.n} ${row.kind} ledger transactions`);
    const payments = await client`
      select o.id, o.status, count(t.id)::int as n from orders o
      left join ledger_transactions t on t.order_id = o.id and t.kind = 'payment_received'
      where o.id = any(${[...paidOrders]}::text[]) group by o.id, o.status`;
    const paymentsByOrder = new Map(payments.map((p) => [p.id as string, p]));
    for (const orderId of paidOrders) {
      const row = paymentsByOrder.get(orderId);
      if (!row || row.n !== 1 || ['pending_payment', 'cancelled'].includes(row.status as string))
        problems.push(`order ${orderId} recorded as paid has ${row?.n ?? 0} payments and is ${row?.status}`);
    }
    // E-mail and the other channels: each event reaches a recipient at most once per channel, and every e-mail
    // marked sent was kept once (the soak has no SMTP server: the development mailbox is the outgoing mail).
    const [doubledDeliveries] = await client`
      select count(*)::int as n from (select 1 from notification_deliveries
      group by event_id, recipient, channel having count(*) > 1) d`;
    if (doubledDeliveries.n > 0)
      problems.push(`${doubledDeliveries.n} (event, recipient, channel) with more than one delivery`);
    const [mail] = await client`
      select count(*) filter (where d.channel = 'email' and d.status = 'sent')::int as sent,
             count(*) filter (where d.channel = 'email' and d.status = 'sent' and m.id is null)::int as unkept,
             count(*) filter (where d.status = 'failed')::int as failed
      from notification_deliveries d left join dev_mailbox m on m.source_id = d.id`;
    if (mail.unkept > 0) problems.push(`${mail.unkept} e-mails marked sent are not in the outgoing mail`);
    if (mail.failed > 0) problems.push(`${mail.failed} notification deliveries failed`);
    // Settlement: every order delivered in the run completed once, by its buyer's acceptance or by a worker's job
    // after the window, with one escrow release and one invoice.
    const settledRows = await client`
      select o.id, o.status,
        (select count(*)::int from ledger_transactions t where t.order_id = o.id and t.kind = 'escrow_released') as releases,
        (select count(*)::int from invoices i where i.order_id = o.id) as invoices,
        (select count(*)::int from order_events e where e.order_id = o.id and e.to_status = 'completed') as completions,
        exists (select 1 from order_events e where e.order_id = o.id and e.kind = 'accept') as accepted,
        (select max(e.at) from order_events e where e.order_id = o.id and e.to_status = 'completed') as completed_at
      from orders o where o.id = any(${[...deliveredOrders]}::text[])`;
    if (settledRows.length !== deliveredOrders.size)
      problems.push(`${deliveredOrders.size - settledRows.length} delivered orders are missing`);
    for (const row of settledRows)
      if (row.status !== 'completed' || row.releases !== 1 || row.invoices !== 1 || row.completions !== 1)
        problems.push(
          `delivered order ${row.id} is ${row.status} with ${row.releases} escrow releases, ${row.invoices} invoices, ${row.completions} completions`,
        );
    const acceptedByBuyers = settledRows.filter((row) => row.accepted).length;
    // Releases the workers made once one of them had been killed: the surviving and restarted ones carried on.
    const releasedAfterKill = settledRows.filter(
      (row) => !row.accepted && row.completed_at && new Date(row.completed_at).getTime() > killedAt,
    ).length;
    if (deliveredOrders.size > 0 && releasedAfterKill === 0)
      problems.push('no worker released an escrow after the kill');
    for (const orderId of acceptedOrders)
      if (!settledRows.some((row) => row.id === orderId && row.accepted))
        problems.push(`order ${orderId} accepted by its buyer has no acceptance`);
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
          refused: refused.get(kind) ?? 0,
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
        buyResubmits,
        quotes: answeredQuotes.size,
        bookings: bookedOrders.size,
        payments: paidOrders.size,
        delivered: deliveredOrders.size,
        settledOnAcceptance: acceptedByBuyers,
        settledByWorkers: settledRows.length - acceptedByBuyers,
        settledByWorkersAfterKill: releasedAfterKill,
        emails: mail.sent,
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
