// The web process: Express around Remix, with security headers, request logs, health, metrics and live events.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import client from 'prom-client';
import { closeDb, db } from './db/client';
import { dbIsUp, installDriverCrashGuard, reportDbError, startDbWatch } from './db/health';
import { OUTAGE_RETRY_SECONDS, outagePage } from './app/lib/outage-page.server';
import { sql } from 'drizzle-orm';
import { env, isProduction } from './app/lib/env.server';
import { bodyLimitFor, limitBody } from './app/lib/body-limit.server';
import { refuseBadRequestTargets } from './app/lib/request-guard.server';
import { auctionChannel, currentAuctionState } from './app/auctions/live.server';
import { exchangeChannel } from './app/exchange/orders.server';
import { closeLiveHub, subscribe, userChannel } from './app/lib/events.server';
import { liveWorkers } from './app/lib/heartbeat.server';
import { log, safeError } from './app/lib/log.server';
import { FRESH_COOKIE, isWrite } from './app/lib/read-db.server';
import { RateLimitUnavailable, withRedis } from './app/lib/rate-limit.server';
import { redis } from './app/lib/redis.server';
import { findSession, readSessionToken } from './app/lib/session.server';
import { unreadCount } from './app/notify/inbox.server';
import { BULL_BOARD_PATH, bullBoardRouter, operatorsOnly } from './app/trust/bull-board.server';
import { queue, queueNames } from './workers/queues';

/** The repository root: this file's folder when run from source, the folder above when bundled into build/web.js. */
const root = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'wharf_' });
const httpDuration = new client.Histogram({
  name: 'wharf_http_request_duration_seconds',
  help: 'HTTP request duration by method, first path segment and status',
  labelNames: ['method', 'section', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
const liveStreams = new client.Gauge({
  name: 'wharf_sse_streams',
  help: 'Open server-sent-event streams in this process',
  registers: [registry],
});

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Callers that authenticate by signature rather than cookie and come from elsewhere by design. */
const CROSS_ORIGIN_ALLOWED = [/^\/webhooks\//, /^\/api\/telemetry\//];

/** Refuses a state-changing request sent by a page of another origin (CSRF), as browsers label it. */
function sameOriginOnly(req: Request, res: Response, next: NextFunction) {
  if (!MUTATING.has(req.method) || CROSS_ORIGIN_ALLOWED.some((re) => re.test(req.path))) return next();
  const origin = req.get('origin');
  const fetchSite = req.get('sec-fetch-site');
  let allowed: boolean;
  if (fetchSite === 'same-origin' || fetchSite === 'none') {
    // The browser itself vouches for the origin (it also sends Origin: null under some referrer policies);
    // an opaque Origin is dropped so Remix's own host/origin check does not abort the action.
    allowed = true;
    if (origin === 'null') delete req.headers.origin;
  } else if (origin && origin !== 'null') {
    const expected = env().APP_ORIGIN ?? `${req.protocol}://${req.get('host')}`;
    allowed = origin === expected;
  } else {
    // No Origin at all is a non-browser client (curl, a test); an opaque or cross-site one is refused.
    allowed = origin === undefined && fetchSite === undefined;
  }
  if (!allowed) {
    log.warn({ reqId: req.id, path: req.path }, 'cross-origin request refused');
    res.status(403).type('text/plain').send('Cross-origin request refused');
    return;
  }
  next();
}

/**
 * Who may read /metrics: with METRICS_TOKEN set, a caller sending `Authorization: Bearer <token>`;
 * without it, anyone in development and tests, no one in production (404).
 */
function metricsAccess(req: Request): 'allowed' | 401 | 404 {
  const token = env().METRICS_TOKEN;
  if (!token) return isProduction() ? 404 : 'allowed';
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(req.get('authorization') ?? ''), digest(`Bearer ${token}`)) ? 'allowed' : 401;
}

/** Redis answers a ping within 1.5 s (false rather than a hang while it is down). */
async function redisAnswers(): Promise<boolean> {
  return withRedis(() => redis().ping()).then(
    () => true,
    () => false,
  );
}

async function readiness(): Promise<{ postgres: boolean; redis: boolean }> {
  const timeout = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
    ]);
  // While the database is known to be down, do not queue another query on the pool: the answer is no.
  const [pg, rd] = await Promise.allSettled([
    dbIsUp() ? timeout(db.execute(sql`select 1`)) : Promise.reject(new Error('database down')),
    timeout(redis().ping()),
  ]);
  if (pg.status === 'rejected') reportDbError(pg.reason);
  return { postgres: pg.status === 'fulfilled', redis: rd.status === 'fulfilled' };
}

/**
 * Not the live event stream (it must flush each event), and not an action's data answer — a bid's verdict or a
 * form's errors, a few hundred bytes that Remix streams without a length, so the middleware would set up a zlib
 * stream per request to save nothing (about 4 % of the CPU profile of bids over HTTP). Pages and loader data still are.
 */
function worthCompressing(req: Request): boolean {
  if (req.path === '/events') return false;
  return req.method === 'GET' || req.method === 'HEAD' || !req.url.includes('_data=');
}

export async function createApp(build: ServerBuild | (() => Promise<ServerBuild>)) {
  const app = express();
  const streams = new Set<Response>();
  app.disable('x-powered-by');
  if (process.env.TRUST_PROXY) app.set('trust proxy', process.env.TRUST_PROXY);

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
        err: safeError,
      },
    }),
  );
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ method: req.method, section: req.path.split('/')[1] || 'home' });
    res.on('finish', () => end({ status: String(res.statusCode) }));
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          upgradeInsecureRequests: isProduction() ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
      // The default no-referrer makes Chromium send `Origin: null` on plain form posts.
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      strictTransportSecurity: isProduction(),
    }),
  );
  app.use(compression({ filter: (req, res) => worthCompressing(req) && compression.filter(req, res) }));
  // A NUL or control character in the address, or a path that does not decode: 400 before any route runs.
  app.use(refuseBadRequestTargets);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const checks: Record<string, boolean | number> = await readiness();
    let ready = Boolean(checks.postgres && checks.redis);
    // ?workers=1 also asks that a worker process is beating (deploy checks and the browser tests use it).
    if (req.query.workers === '1') {
      checks.workers = checks.redis ? await liveWorkers().catch(() => 0) : 0;
      ready &&= Number(checks.workers) > 0;
    }
    res.status(ready ? 200 : 503).json(checks);
  });
  app.get('/metrics', async (req, res) => {
    const access = metricsAccess(req);
    if (access === 404) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    if (access === 401) {
      res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain').send('Bearer token required');
      return;
    }
    try {
      // Queue depths live in Redis: without it, a quick 503 instead of a scrape that hangs.
      const counts = await withRedis(() =>
        Promise.all(queueNames.map(async (name) => [name, await queue(name).getJobCounts()] as const)),
      );
      const lines = counts.flatMap(([name, c]) =>
        Object.entries(c).map(([state, n]) => `wharf_queue_jobs{queue="${name}",state="${state}"} ${n}`),
      );
      res
        .type(registry.contentType)
        .send(
          `${await registry.metrics()}\n# HELP wharf_queue_jobs Jobs per queue and state\n# TYPE wharf_queue_jobs gauge\n${lines.join('\n')}\n`,
        );
    } catch (error) {
      if (!(error instanceof RateLimitUnavailable)) throw error;
      res.status(503).type('text/plain').send('Redis is unavailable: queue metrics cannot be read');
    }
  });

  // While the database is unreachable every page and stream answers 503 at once, with a short page, instead of
  // waiting on a pool that cannot answer; db/health.ts notices the return and the next request is served.
  app.use((req, res, next) => {
    if (dbIsUp() || req.path.startsWith('/build/')) return next();
    res
      .status(503)
      .set({ 'Retry-After': String(OUTAGE_RETRY_SECONDS), 'Cache-Control': 'no-store' })
      .type('html')
      .send(outagePage(req.get('accept-language')));
  });

  // Read-your-writes over a replica (app/lib/read-db.server.ts): a write marks the browser for a few seconds, during
  // which its replica-tolerant pages read the primary. Set before the write runs, so a redirect carries it too.
  app.use((req, res, next) => {
    if (env().DATABASE_REPLICA_URL && isWrite(req.method))
      res.cookie(FRESH_COOKIE, '1', {
        maxAge: env().READ_YOUR_WRITES_SECONDS * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: '/',
      });
    next();
  });

  // Server-sent events for the signed-in user (the inbox bell), and with ?auction=<id> for one auction's
  // live page too (public, so anyone may watch an auction; the user's channel only when signed in).
  app.get('/events', async (req, res) => {
    const token = await readSessionToken(
      new globalThis.Request('http://x', { headers: { cookie: req.get('cookie') ?? '' } }),
    );
    const session = token ? await findSession(token) : null;
    const auctionId = typeof req.query.auction === 'string' ? req.query.auction : null;
    if (auctionId !== null && !/^auc_[0-9a-z]{10,40}$/.test(auctionId)) {
      res.status(400).end();
      return;
    }
    // ?exchange=<instrument uuid>: a ping after each batch the instrument's writer committed (public, as the book is).
    const exchangeId = typeof req.query.exchange === 'string' ? req.query.exchange : null;
    if (
      exchangeId !== null &&
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(exchangeId)
    ) {
      res.status(400).end();
      return;
    }
    if (!session && !auctionId && !exchangeId) {
      res.status(401).end();
      return;
    }
    // Live updates travel through Redis: without it, say so at once (the page retries) instead of hanging.
    if (!(await redisAnswers())) {
      res.status(503).set('Retry-After', '10').type('text/plain').send('Live updates are unavailable');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (type: string, data: unknown) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    const unsubscribes: (() => Promise<void>)[] = [];
    try {
      if (session) {
        send('inbox', { type: 'inbox', unread: await unreadCount(db, session.userId) });
        unsubscribes.push(
          await withRedis(() => subscribe(userChannel(session.userId), (event) => send(event.type, event))),
        );
      }
      if (auctionId) {
        unsubscribes.push(
          await withRedis(() => subscribe(auctionChannel(auctionId), (event) => send(event.type, event))),
        );
        // Subscribed first, then the state now: a page never misses a bid placed while it connected.
        const state = await currentAuctionState(auctionId);
        if (state) send('auction', state);
      }
      if (exchangeId)
        unsubscribes.push(
          await withRedis(() => subscribe(exchangeChannel(exchangeId), (event) => send(event.type, event))),
        );
    } catch {
      // Redis went away between the check and the subscription: end the stream; the page reconnects.
      for (const unsubscribe of unsubscribes) void unsubscribe().catch(() => {});
      res.end();
      return;
    }
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    streams.add(res);
    liveStreams.inc();
    req.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(res);
      liveStreams.dec();
      for (const unsubscribe of unsubscribes) void unsubscribe();
    });
  });

  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  // public/'s other files (the favicon), looked up only for their own paths: express.static stats the disk for
  // every request it sees, and most requests are pages.
  const publicDir = path.join(root, 'public');
  const servePublic = express.static(publicDir, { maxAge: '1h' });
  const publicEntries = new Set(
    existsSync(publicDir) ? readdirSync(publicDir).filter((name) => name !== 'build') : [],
  );
  app.use((req, res, next) =>
    publicEntries.has(req.path.split('/', 2)[1] ?? '') ? servePublic(req, res, next) : next(),
  );

  app.use(sameOriginOnly);
  // The queue dashboard (operator console): the session is checked before bull-board sees the request.
  app.use(BULL_BOARD_PATH, operatorsOnly, bullBoardRouter());
  const remix = createRequestHandler({
    build,
    mode: isProduction() ? 'production' : 'development',
    getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
  });
  app.all(
    '*',
    (req, _res, next) => {
      // Loaders read the client address from this header; never trust one the client sent.
      req.headers['x-wharf-client-ip'] = req.ip ?? 'unknown';
      next();
    },
    (req, res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD') return remix(req, res, next);
      // Every body is capped by its route's class while it streams in (app/lib/body-limit.server.ts, ADR 0024).
      const limited = limitBody(req, res, bodyLimitFor(req.path));
      if (limited) return remix(limited, res, next);
    },
  );

  const closeStreams = () => {
    for (const res of streams) res.end();
  };
  return { app, closeStreams };
}

export async function startServer(port = env().PORT): Promise<{ server: Server; stop: () => Promise<void> }> {
  const buildPath = pathToFileURL(path.join(root, 'build/index.js')).href;
  const build = (await import(buildPath)) as ServerBuild;
  const { app, closeStreams } = await createApp(build);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, () => resolve(s));
  });
  log.info({ port }, 'web listening');
  const stop = async () => {
    closeStreams();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([
      closeDb(),
      closeLiveHub(),
      redis().quit(),
      ...queueNames.map((n) => queue(n).close()),
    ]);
  };
  return { server, stop };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    env();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  // A database restart must not end the process: see db/health.ts and ADR 0027.
  installDriverCrashGuard();
  const stopWatch = startDbWatch();
  const { stop } = await startServer();
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'web stopping');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      stopWatch();
      await stop();
      process.exit(0);
    });
  }
}
