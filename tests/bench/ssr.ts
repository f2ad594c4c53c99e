// Benchmarks of pages under load (issue #22): the production build served by server.ts, autocannon at 50
// connections, on the seeded demo market plus 50,000 generated lots.
//   npm run bench -- ssr                       (--n 50000 --duration 20 --connections 50)
// ssr-market (a market search) and ssr-lot (a lot page) are compared with /bench/static, a bare Remix route in the
// same build and server: ratio = page req/s / bare req/s. The root layout's loader runs for all three (included
// consistently). rss-web / rss-worker: resident memory after the load, against the same process idle after start.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { seedDemoMarket } from '../../db/seed';
import { nodeArgs } from '../../scripts/build';
import { repoRoot } from '../../scripts/services';
import { ensureAppBuild } from '../support/app-build';
import type { BenchContext, BenchResult } from './run';
import { insertGeneratedLots } from './search';
import { freshBenchDatabase, positiveInt, round } from './support';
import { freePort } from '../../scripts/cluster';

const DATABASE = 'wharf_bench_ssr';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process in MB (Linux /proc). */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? round(Number(match[1]) / 1024, 1) : Number.NaN;
}

type Load = {
  /** 2xx answers per second: a 503 or an error page is not a page served. */
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
};

async function load(url: string, connections: number, duration: number): Promise<Load> {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, connections, duration });
  return {
    reqPerSec: round(result['2xx'] / result.duration, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n ?? process.env.BENCH_SSR_N, 50_000, '--n', 1_000_000);
  const duration = positiveInt(options.duration ?? process.env.BENCH_SSR_DURATION, 20, '--duration', 600);
  const connections = positiveInt(options.connections, 50, '--connections', 1000);
  ensureAppBuild();

  const { pg, url } = await freshBenchDatabase(DATABASE, log);
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_MAX = '4';
  const { db, closeDb } = await import('../../db/client');
  const children: ChildProcess[] = [];
  try {
    log('seeding the demo market…');
    await db.transaction((tx) => seedDemoMarket(tx));
    await insertGeneratedLots(db, n, log);
    await db.execute(sql`analyze`);
    const [lot] = await db.execute<{ id: string }>(
      sql`select id from listings where status = 'live' and expires_at > now() and id like 'lst_bench%' order by id limit 1`,
    );
    await closeDb();

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      SESSION_SECRET: process.env.SESSION_SECRET ?? 'bench-ssr-session-secret-0123456789',
      DATABASE_URL: url,
      PORT: String(port),
      QUEUE_PREFIX: 'bench-ssr',
      LOG_LEVEL: 'warn',
    };
    // The processes' own default pool size, as in production.
    delete env.DATABASE_POOL_MAX;
    // As the launcher runs them: plain node on the bundles (ADR 0047).
    const start = (name: 'web' | 'worker') => {
      const child = spawn(process.execPath, nodeArgs(name), {
        cwd: repoRoot,
        env: { ...env, WHARF_SERVICE: name },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const web = start('web');
    const worker = start('worker');
    const base = `http://127.0.0.1:${port}`;
    // Generous: on a shared machine under load, starting both processes through tsx can take over a minute.
    for (const deadline = Date.now() + 180_000; ; ) {
      const ok = await fetch(`${base}/readyz?workers=1`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('web or worker did not become ready in 180 s');
      await sleep(300);
    }
    await sleep(2_000);
    const idle = { web: rssMb(web.pid ?? 0), worker: rssMb(worker.pid ?? 0) };
    log(`idle RSS: web ${idle.web} MB, worker ${idle.worker} MB`);

    const pages = {
      bare: `${base}/bench/static`,
      market: `${base}/market?q=${encodeURIComponent('石斑鱼')}`,
      lot: `${base}/market/${lot?.id}`,
    };
    for (const [name, page] of Object.entries(pages)) {
      const status = (await fetch(page)).status;
      if (status !== 200) throw new Error(`${name} page ${page} answered ${status}`);
    }
    log('warming up…');
    for (const page of Object.values(pages)) await load(page, 10, 3);

    log(`loading each page for ${duration} s at ${connections} connections…`);
    const bare = await load(pages.bare, connections, duration);
    log(`bare route: ${JSON.stringify(bare)}`);
    for (const [bench, page] of [
      ['ssr-market', pages.market],
      ['ssr-lot', pages.lot],
    ] as const) {
      const result = await load(page, connections, duration);
      log(`${bench}: ${JSON.stringify(result)}`);
      const line: BenchResult = {
        bench,
        metric: `2xx req/s at ${connections} connections (higher is better; ratio = value / baseline_value)`,
        value: result.reqPerSec,
        baseline: 'bare Remix route /bench/static (root layout included), same build and server',
        baseline_value: bare.reqPerSec,
        ratio: round(result.reqPerSec / bare.reqPerSec, 3),
        p50_ms: result.p50,
        p99_ms: result.p99,
        baseline_p99_ms: bare.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        duration_s: duration,
        n,
      };
      emit(line);
    }
    for (const [name, child] of [
      ['web', web],
      ['worker', worker],
    ] as const) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the ${name} process exited during the load (${child.exitCode ?? child.signalCode})`);
    }
    const after = { web: rssMb(web.pid ?? 0), worker: rssMb(worker.pid ?? 0) };
    for (const [name, value, baseline] of [
      ['rss-web', after.web, idle.web],
      ['rss-worker', after.worker, idle.worker],
    ] as const) {
      emit({
        bench: name,
        metric: 'RSS MB after the load (lower is better; ratio = value / baseline_value)',
        value,
        baseline: 'the same process idle right after start',
        baseline_value: baseline,
        ratio: round(value / baseline, 2),
        n,
      });
    }
  } finally {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(12_000)]);
    }
    await closeDb();
    await pg.stop();
  }
}
