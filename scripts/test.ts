// Runs every test: finds or starts PostgreSQL, Redis and Chromium, builds the app, then vitest and Playwright.
//   npm test                 everything
//   npm test -- --unit-only  vitest only (unit and integration), no browser
import { spawnSync } from 'node:child_process';
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
  const run = (label: string, command: string, args: string[]) => {
    say(label);
    const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env });
    if (result.status !== 0) code = result.status ?? 1;
    return result.status === 0;
  };
  run('vitest: unit and integration tests', bin('vitest'), ['run']);
  if (!vitestOnly) {
    if (run('building the app for end-to-end tests', bin('remix'), ['build'])) {
      run('playwright: end-to-end tests in Chromium', bin('playwright'), ['test']);
    }
  }
} finally {
  await redis.stop();
  await pg.stop();
}
say(code === 0 ? 'all tests passed' : `tests failed (exit ${code})`);
process.exit(code);
