// Runs the market: finds or starts PostgreSQL and Redis, builds, migrates, seeds, then web and workers together.
//   npm run dev                      the market at http://localhost:3000 with demo data
//   tsx scripts/dev.ts --port 3100 --database wharf_e2e --fresh --no-build   (how the e2e tests run it)
import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { buildApp, nodeArgs, processBundles } from './build';
import { ensureDatabase } from './databases';
import { ensurePostgres, ensureRedis, repoRoot } from './services';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    database: { type: 'string', default: 'wharf' },
    fresh: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    'no-workers': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const say = (msg: string) => process.stderr.write(`\x1b[36m[wharf]\x1b[0m ${msg}\n`);

const pg = await ensurePostgres(say);
const redisService = await ensureRedis(say);
const children: ChildProcess[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
        }),
    ),
  );
  await redisService.stop();
  await pg.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const databaseUrl =
    process.env.DATABASE_URL ?? (await ensureDatabase(pg.url, args.database, { fresh: args.fresh }));
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisService.url,
    PORT: args.port,
    // Two markets on one Redis (dev and e2e, say) must not take each other's jobs.
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? args.database.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
    NODE_ENV: process.env.NODE_ENV ?? 'development',
  };
  Object.assign(process.env, env);

  if (!args['no-build']) {
    say('building the app (remix build, then the web and worker bundles)…');
    await buildApp(env);
  } else {
    const missing = Object.values(processBundles).filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run npm run build first`);
  }

  say('applying migrations…');
  const { migrateDatabase } = await import('../db/migrate');
  await migrateDatabase(databaseUrl);
  if (!args['no-seed']) {
    const { db, closeDb } = await import('../db/client');
    const { seedDemoMarket, demoAccountsTable } = await import('../db/seed');
    const seeded = await db.transaction((tx) => seedDemoMarket(tx));
    await closeDb();
    say(seeded ? 'seeded the demo market' : 'database has data; seed skipped');
    process.stderr.write(`\n${demoAccountsTable()}\n\n`);
  }

  // A child that dies is restarted (with a growing pause) so one crash does not take the market down; the
  // launcher says which child died, how, and the last lines it wrote, and gives up (stopping everything, with
  // the reason) only when a child keeps dying: more than CRASH_LIMIT times within CRASH_WINDOW_MS.
  const CRASH_LIMIT = 5;
  const CRASH_WINDOW_MS = 60_000;
  const crashes = new Map<string, number[]>();
  const run = (name: 'web' | 'worker') => {
    // Plain node on the bundle (ADR 0047), so signals reach the process that owns the pools.
    const child = spawn(process.execPath, nodeArgs(name), {
      cwd: repoRoot,
      env: { ...env, WHARF_SERVICE: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // stderr is passed through, and its last lines kept to say why a child died.
    let lastErr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      lastErr = (lastErr + chunk.toString()).slice(-2_000);
    });
    if (args.json) child.stdout?.pipe(process.stdout);
    else {
      void import('pino-pretty').then(({ default: pretty }) => {
        child.stdout?.pipe(
          pretty({
            colorize: process.stdout.isTTY,
            translateTime: 'HH:MM:ss',
            ignore: 'pid,hostname',
            singleLine: true,
            messageKey: 'msg',
          }),
        );
      });
    }
    child.on('exit', (code, signal) => {
      const index = children.indexOf(child);
      if (index >= 0) children.splice(index, 1);
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const why = lastErr.trim().split('\n').slice(-5).join('\n    ');
      const now = Date.now();
      const recent = [...(crashes.get(name) ?? []).filter((t) => now - t < CRASH_WINDOW_MS), now];
      crashes.set(name, recent);
      if (why) say(`${name} exited (${how}); its last output:\n    ${why}`);
      else say(`${name} exited (${how}) without a message`);
      if (recent.length > CRASH_LIMIT) {
        say(
          `${name} died ${recent.length} times within ${CRASH_WINDOW_MS / 1000} s; stopping the market (see the output above)`,
        );
        void shutdown(code || 1);
        return;
      }
      const pauseMs = Math.min(30_000, 500 * 2 ** (recent.length - 1));
      say(
        `restarting ${name} in ${(pauseMs / 1000).toFixed(1)} s (crash ${recent.length} of ${CRASH_LIMIT} allowed per minute)`,
      );
      setTimeout(() => {
        if (!stopping) run(name);
      }, pauseMs);
    });
    children.push(child);
  };
  run('web');
  if (!args['no-workers']) run('worker');
  say(`market at http://localhost:${args.port} (Ctrl-C stops everything)`);
} catch (error) {
  say(`could not start: ${(error as Error).message}`);
  await shutdown(1);
}
