// Runs every test: finds or starts PostgreSQL, Redis and Chromium, builds the app, then vitest and Playwright.
//   npm test                 everything
//   npm test -- --unit-only  vitest only (unit and integration), no browser
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureChromium, ensurePostgres, ensureRedis, redisServerBinary, repoRoot } from './services';

const say = (msg: string) => process.stderr.write(`\x1b[36m[test]\x1b[0m ${msg}\n`);
const bin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);
const vitestOnly = process.argv.includes('--unit-only');

/** The tests whose answers depend on market days, midnights and offsets: run again under other process zones. */
const DATE_SENSITIVE = [
  'tests/unit/market-time.test.ts',
  'tests/unit/market-time-module.test.ts',
  'tests/unit/coldchain.test.ts',
  'tests/integration/demand.test.ts',
  'tests/integration/invoice.test.ts',
  'tests/integration/listing-expiry.test.ts',
  'tests/integration/trace.test.ts',
  'tests/integration/market-data.test.ts',
];

const logFile = path.join(repoRoot, '.wharf/test-logs', `run-${Date.now()}.log`);

/** Personal data that must never reach a log: e-mails of the demo and test accounts, phones, hashes. */
const LEAKS: [string, RegExp][] = [
  ['an e-mail address', /[\w.+-]+@(?:wharf|example)\.test\b/],
  // Not inside an id: uuids and request ids carry runs of 11 digits between hyphens or hex letters.
  ['a phone number', /(?<![\w-])1[3-9]\d{9}(?![\w-])/],
  ['an argon2 hash', /\$argon2/],
];

/** The log lines of this run that hold personal data (first five per kind). */
function leaksInLog(): string[] {
  if (!existsSync(logFile)) return [];
  const lines = readFileSync(logFile, 'utf8').split('\n');
  return LEAKS.flatMap(([what, pattern]) =>
    lines
      .filter((line) => pattern.test(line))
      .slice(0, 5)
      .map((line) => `${what}: ${line.slice(0, 300)}`),
  );
}

const pg = await ensurePostgres(say);
const redis = await ensureRedis(say);
let code = 0;
try {
  // The scale-out test and the soak start a Redis Cluster of their own, even where a Redis already answers.
  await redisServerBinary(say);
  const chromium = vitestOnly ? undefined : await ensureChromium(say);
  const env = {
    ...process.env,
    WHARF_TEST_PG_ADMIN_URL: pg.url,
    REDIS_URL: redis.url,
    ...(chromium ? { CHROMIUM_PATH: chromium } : {}),
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    NODE_ENV: 'test' as const,
    // Every web and worker process the tests start appends its log here; grepped at the end (issue #21.7).
    WHARF_LOG_FILE: logFile,
  };
  // Asynchronous on purpose: this process owns the embedded PostgreSQL and must keep reading its output,
  // or PostgreSQL blocks writing its log and every backend stalls (a synchronous spawn froze a whole run).
  const run = (label: string, command: string, args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<boolean>((resolve) => {
      say(label);
      const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...env, ...extraEnv } });
      child.on('exit', (status, signal) => {
        if (status !== 0) code = status ?? (signal ? 1 : 0);
        resolve(status === 0);
      });
    });
  await run('vitest: unit and integration tests', bin('vitest'), [
    'run',
    '--project',
    'unit',
    '--project',
    'integration',
  ]);
  // Market time (#13.5): the date-sensitive files again with the process in other zones than the market's, so a day,
  // a midnight or an offset computed from the machine's clock (not app/lib/market-time.ts) fails here.
  // UTC only when the main run was not in UTC already (CI machines usually are): it adds about a minute per zone.
  const ownZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const tz of ['America/Los_Angeles', 'UTC'].filter(
    (zone) => zone !== ownZone && !(zone === 'UTC' && ownZone === 'Etc/UTC'),
  ))
    await run(
      `vitest: date-sensitive tests with the process in ${tz}, the market in Asia/Shanghai`,
      bin('vitest'),
      ['run', '--project', 'unit', '--project', 'integration', ...DATE_SENSITIVE],
      { TZ: tz, MARKET_TIME_ZONE: 'Asia/Shanghai' },
    );
  // The database-outage test times recoveries, so it runs alone rather than beside every other file.
  await run('vitest: the web process through database restarts', bin('vitest'), [
    'run',
    '--project',
    'outage',
  ]);
  // Scale-out (#20): the market as two web and two worker processes on a Redis Cluster and a PostgreSQL replica,
  // under a mixed load for two minutes with one web and one worker killed midway; fails on a lost or doubled order,
  // a stuck job, the ledger, negative stock or a live stream that did not reconnect (scripts/soak.ts).
  if (!vitestOnly)
    await run('soak: the scaled-out market for 2 minutes', bin('tsx'), ['scripts/soak.ts', '--minutes', '2']);
  if (!vitestOnly) {
    if (await run('building the app for end-to-end tests', bin('tsx'), ['scripts/build.ts'])) {
      await run('playwright: end-to-end tests in Chromium', bin('playwright'), ['test']);
    }
  }
  const leaks = leaksInLog();
  if (leaks.length > 0) {
    code = code || 1;
    say(`personal data in the services' logs (${logFile}):\n${leaks.join('\n')}`);
  } else say(`no personal data in the services' logs (${logFile})`);
} finally {
  await redis.stop();
  await pg.stop();
}
say(code === 0 ? 'all tests passed' : `tests failed (exit ${code})`);
process.exit(code);
