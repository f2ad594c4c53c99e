// The seller payouts page with the local Stripe server: onboarding redirect, the return visit, who may use it.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_TEST_SECRET_KEY, startStripeServer } from '../support/stripe-server';

// env() is read once, on first use: configure Stripe before any app module reads it.
const stripeServer = await startStripeServer({ webhookSecret: `whsec_${randomBytes(16).toString('hex')}` });
Object.assign(process.env, {
  STRIPE_SECRET_KEY: STRIPE_TEST_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(16).toString('hex')}`,
  STRIPE_API_BASE: stripeServer.url,
});

const { db } = await import('../../db/client');
const { memberships, payoutAccounts, users } = await import('../../db/schema');
const { action: registerAction } = await import('../../app/routes/register');
const { action: payoutsAction, loader: payoutsLoader } = await import('../../app/routes/balance_.payouts');
const { call, formRequest, getRequest, sessionCookieFrom } = await import('../support/http');

const args = (request: Request) => ({ request, params: {}, context: {} });
type Page = { provider: string; state: 'none' | 'pending' | 'enabled'; returned: boolean };

let registered = 0;
/** A new organisation registered through the real form; its registrant is the owner. */
async function registerOrg(
  orgKind: 'seller' | 'buyer',
): Promise<{ cookie: string; userId: string; orgId: string }> {
  registered += 1;
  const email = `payouts-${registered}-${Date.now()}@example.test`;
  const response = await call(() =>
    registerAction(
      args(
        formRequest('/register', {
          email,
          password: 'correct horse battery',
          name: '陈收款',
          orgName: `收款测试 ${registered} ${Date.now()}`,
          orgKind,
          city: '湛江',
        }),
      ),
    ),
  );
  expect(response.status).toBe(302);
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const [membership] = await db
    .select({ orgId: memberships.orgId })
    .from(memberships)
    .where(eq(memberships.userId, user.id));
  return { cookie: sessionCookieFrom(response), userId: user.id, orgId: membership.orgId };
}

const post = (cookie: string) =>
  call(() => payoutsAction(args(formRequest('/balance/payouts', {}, { cookie }))));
const visit = (cookie: string, query = '') =>
  call(() => payoutsLoader(args(getRequest(`/balance/payouts${query}`, { cookie }))));

afterAll(async () => {
  await stripeServer.close();
});

describe('/balance/payouts with Stripe', () => {
  let owner: { cookie: string; userId: string; orgId: string };
  beforeAll(async () => {
    owner = await registerOrg('seller');
  });

  it('sends a seller owner to Stripe onboarding and records the account; the return visit shows payouts on', async () => {
    const before = (await (await visit(owner.cookie)).json()) as Page;
    expect(before).toMatchObject({ provider: 'stripe', state: 'none' });

    const response = await post(owner.cookie);
    expect(response.status).toBe(302);
    const location = response.headers.get('Location') ?? '';
    expect(location.startsWith(stripeServer.url)).toBe(true);
    const [account] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.orgId, owner.orgId));
    expect(account).toMatchObject({ provider: 'stripe', payoutsEnabled: false });
    expect(((await (await visit(owner.cookie)).json()) as Page).state).toBe('pending');

    stripeServer.actions.completeOnboarding(account.externalId);
    const back = (await (await visit(owner.cookie, '?return=1')).json()) as Page;
    expect(back).toMatchObject({ state: 'enabled', returned: true });
    const [after] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.orgId, owner.orgId));
    expect(after.payoutsEnabled).toBe(true);
  });

  it('refuses a buyer organisation with 403', async () => {
    const buyer = await registerOrg('buyer');
    expect((await visit(buyer.cookie)).status).toBe(403);
    expect((await post(buyer.cookie)).status).toBe(403);
    expect(await db.select().from(payoutAccounts).where(eq(payoutAccounts.orgId, buyer.orgId))).toEqual([]);
  });

  it('refuses a seller trader (not an admin) with 403', async () => {
    const trader = await registerOrg('seller');
    await db.update(memberships).set({ role: 'trader' }).where(eq(memberships.userId, trader.userId));
    expect((await visit(trader.cookie)).status).toBe(403);
    expect((await post(trader.cookie)).status).toBe(403);
    expect(await db.select().from(payoutAccounts).where(eq(payoutAccounts.orgId, trader.orgId))).toEqual([]);
  });
});
