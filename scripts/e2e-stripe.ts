// The market with Stripe configured, for tests/e2e/stripe-orders.spec.ts: the local Stripe-compatible server
// in-process, a small control endpoint for the test, and scripts/dev.ts as a child pointed at both.
//   tsx scripts/e2e-stripe.ts      (playwright.config.ts starts it; ready when GET :12198/ready answers 200)
// Control endpoint (127.0.0.1:12198):
//   GET  /ready                       200 once the market answers with a worker and the seed seller can be paid out
//   GET  /state                       payment intents, transfers and refunds the Stripe server holds
//   POST /succeed/:paymentIntentId    the buyer pays (payment_intent.succeeded, sent to the market's webhook)
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import postgres from 'postgres';
import { startStripeServer } from '../tests/support/stripe-server';
import { databaseUrl } from './databases';
import { ensurePostgres, repoRoot } from './services';

export const STRIPE_E2E = {
  appPort: 3102,
  stripePort: 12199,
  controlPort: 12198,
  database: 'wharf_e2e_stripe',
  webhookSecret: 'whsec_wharf_e2e_stripe_fixed_secret',
  queuePrefix: 'e2e-stripe',
  /** The seed seller whose lots the test buys (db/seed.ts). */
  sellerOrgId: 'org_haixing',
} as const;

const say = (msg: string) => process.stderr.write(`\x1b[35m[e2e-stripe]\x1b[0m ${msg}\n`);
const appUrl = `http://localhost:${STRIPE_E2E.appPort}`;

const stripe = await startStripeServer({
  port: STRIPE_E2E.stripePort,
  webhookSecret: STRIPE_E2E.webhookSecret,
  webhookUrl: `${appUrl}/webhooks/stripe`,
});
say(`local Stripe-compatible server at ${stripe.url}`);

let ready = false;
const control = createServer((request, response) => {
  const send = (status: number, body: unknown) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  try {
    const url = new URL(request.url ?? '/', 'http://control');
    const succeed = /^\/succeed\/([\w-]+)$/.exec(url.pathname);
    if (request.method === 'GET' && url.pathname === '/ready') {
      return send(ready ? 200 : 503, { ready });
    }
    if (request.method === 'GET' && url.pathname === '/state') {
      const { paymentIntents, transfers, refunds, accounts } = stripe.state;
      return send(200, {
        paymentIntents: paymentIntents.map((pi) => ({
          id: pi.id,
          amount: pi.amount,
          amount_received: pi.amount_received,
          currency: pi.currency,
          status: pi.status,
          transfer_group: pi.transfer_group,
          metadata: pi.metadata,
        })),
        transfers: transfers.map((t) => ({
          id: t.id,
          amount: t.amount,
          currency: t.currency,
          destination: t.destination,
          transfer_group: t.transfer_group,
          source_transaction: t.source_transaction,
          metadata: t.metadata,
        })),
        refunds: refunds.map((r) => ({
          id: r.id,
          amount: r.amount,
          status: r.status,
          payment_intent: r.payment_intent,
          metadata: r.metadata,
        })),
        accounts: accounts.map((a) => ({
          id: a.id,
          payouts_enabled: a.payouts_enabled,
          metadata: a.metadata,
        })),
      });
    }
    if (request.method === 'POST' && succeed) {
      const event = stripe.actions.succeedPaymentIntent(succeed[1]!);
      return send(200, { event: event.id });
    }
    return send(404, { error: `no route ${request.method} ${url.pathname}` });
  } catch (error) {
    return send(400, { error: error instanceof Error ? error.message : String(error) });
  }
});
await new Promise<void>((resolve, reject) => {
  control.once('error', reject);
  control.listen(STRIPE_E2E.controlPort, '127.0.0.1', () => resolve());
});
say(`control endpoint at http://127.0.0.1:${STRIPE_E2E.controlPort}`);

const child: ChildProcess = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    path.join(repoRoot, 'scripts/dev.ts'),
    '--port',
    String(STRIPE_E2E.appPort),
    '--database',
    STRIPE_E2E.database,
    '--fresh',
    '--no-build',
    '--json',
  ],
  {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_BASE: stripe.url,
      INSPECTION_SECONDS_OVERRIDE: '4',
      QUEUE_PREFIX: STRIPE_E2E.queuePrefix,
    },
  },
);

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
      });
    }
    control.close();
    control.closeAllConnections();
    await stripe.close();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
child.on('exit', (code, signal) => {
  if (!stopping) {
    say(`dev.ts exited (${signal ?? code}); stopping`);
    void shutdown(code ?? 1);
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (stopping) throw new Error('stopping');
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/**
 * Gives the seed seller a connected account the way a real seller gets one: the payout_accounts row as
 * startSellerOnboarding stores it, then Express onboarding completes on the Stripe server, whose
 * account.updated webhook makes the market's worker enable payouts.
 */
async function onboardSeller(): Promise<void> {
  const admin = await ensurePostgres(say);
  const url = process.env.DATABASE_URL ?? databaseUrl(admin.url, STRIPE_E2E.database);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const orgId = STRIPE_E2E.sellerOrgId;
    const [existing] = await sql<{ external_id: string; payouts_enabled: boolean }[]>`
      select external_id, payouts_enabled from payout_accounts where org_id = ${orgId} and provider = 'stripe'`;
    if (existing?.payouts_enabled) return;
    let accountId = existing?.external_id;
    if (!accountId) {
      const account = await stripe.client().accounts.create({
        type: 'express',
        capabilities: { transfers: { requested: true } },
        metadata: { org_id: orgId },
      });
      accountId = account.id;
      await sql`insert into payout_accounts (org_id, provider, external_id, payouts_enabled)
        values (${orgId}, 'stripe', ${accountId}, false)`;
    }
    stripe.actions.completeOnboarding(accountId);
    await waitFor(
      `the market to enable payouts on ${accountId} (account.updated webhook)`,
      async () =>
        (await sql`select 1 from payout_accounts where external_id = ${accountId} and payouts_enabled`)
          .length > 0,
      60_000,
    );
    say(`seller ${orgId} onboarded as ${accountId}; payouts enabled`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

try {
  await waitFor(
    'the market to answer with a worker',
    async () => (await fetch(`${appUrl}/readyz?workers=1`)).ok,
    180_000,
  );
  await onboardSeller();
  ready = true;
  say(`ready: ${appUrl} with Stripe at ${stripe.url}`);
} catch (error) {
  if (!stopping) {
    say(`could not get ready: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}
