// Runs every test: finds or starts PostgreSQL, Redis and Chromium, builds the app, then vitest and Playwright.
//   npm test                 everything
//   npm test -- --unit-only  vitest only (unit and integration), no browser
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureChromium, ensurePostgres, ensureRedis, repoRoot } from './services';

const say = (msg: string) => process.stderr.write(`\x1b[36m[test]\x1b[0m ${msg}\n`);
const bin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);
const vitestOnly = process.argv.includes('--unit-only');

const pg = await ensurePostgres(say);
const redis = await ensureRedis(say);
let code = 0;
try {
  const chromium = vitestOnly ? undefined : await ensureChromium(say);
  const env = {
    ...process.env,
    WHARF_TEST_PG_ADMIN_URL: pg.url,
    REDIS_URL: redis.url,
    ...(chromium ? { CHROMIUM_PATH: chromium } : {}),
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    NODE_ENV: 'test' as const,
  };
  // Asynchronous on purpose: this process owns the embedded PostgreSQL and must keep reading its output,
  // or PostgreSQL blocks writing its log and every backend stalls (a synchronous spawn froze a whole run).
  const run = (label: string, command: string, args: string[]) =>
    new Promise<boolean>((resolve) => {
      say(label);
      const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env });
      child.on('exit', (status, signal) => {
        if (status !== 0) code = status ?? (signal ? 1 : 0);
        resolve(status === 0);
      });
    });
  await run('vitest: unit and integration tests', bin('vitest'), ['run']);
  if (!vitestOnly) {
    if (await run('building the app for end-to-end tests', bin('remix'), ['build'])) {
      await run('playwright: end-to-end tests in Chromium', bin('playwright'), ['test']);
    }
  }
} finally {
  await redis.stop();
  await pg.stop();
}
say(code === 0 ? 'all tests passed' : `tests failed (exit ${code})`);
process.exit(code);
