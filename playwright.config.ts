// Playwright end-to-end tests: Debian's Chromium against the market started by scripts/dev.ts on port 3100.
import { defineConfig } from '@playwright/test';

// E2E_PORT / E2E_DATABASE let two runs share a machine; E2E_SKIP_STRIPE=1 starts only the offline market.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const DATABASE = process.env.E2E_DATABASE ?? 'wharf_e2e';
const withStripe = process.env.E2E_SKIP_STRIPE !== '1';
export const baseURL = `http://localhost:${PORT}`;
/** The Stripe-configured market (scripts/e2e-stripe.ts) and the control endpoint of its local Stripe server. */
export const stripeBaseURL = 'http://localhost:3102';
export const stripeControlURL = 'http://127.0.0.1:12198';

/** Launch options shared with scripts/screenshots.ts: the system Chromium, never Playwright's download. */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  workers: 2,
  // Two browsers, two markets, their workers and PostgreSQL share two cores: a flow of a dozen pages that takes
  // 20 s on a quiet machine took 32 s in one CI run, past Playwright's default 30 s. Long flows set their own.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: process.env.CI ? 1 : 0,
  reporter: 'list',
  use: {
    baseURL,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions },
    },
  ],
  webServer: [
    {
      command: `node_modules/.bin/tsx scripts/dev.ts --port ${PORT} --database ${DATABASE} --fresh --no-build --json`,
      // Ready when PostgreSQL, Redis and a worker process answer: the tests rely on jobs being processed.
      url: `${baseURL}/readyz?workers=1`,
      timeout: 120_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'pipe',
      // A 15-second inspection window, so the order flow's escrow release happens within a test, while the buyer of
      // a delivered order still has time to confirm receipt on a loaded machine (tests/e2e/receipt.spec.ts).
      // Every test registers its own accounts from 127.0.0.1: past the production limit of 10 an hour.
      env: { INSPECTION_SECONDS_OVERRIDE: '15', REGISTRATIONS_PER_IP_PER_HOUR: '10000' },
    },
    ...(withStripe
      ? [
          {
            // The same market with Stripe configured, against the local Stripe-compatible server (tests/e2e/stripe-orders.spec.ts).
            command: 'node_modules/.bin/tsx scripts/e2e-stripe.ts',
            // Ready once the market answers with a worker and the seed seller's connected account can be paid.
            url: `${stripeControlURL}/ready`,
            timeout: 180_000,
            reuseExistingServer: !process.env.CI,
            stdout: 'ignore' as const,
            stderr: 'pipe' as const,
          },
        ]
      : []),
  ],
});
