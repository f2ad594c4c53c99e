// Limits that must hold under concurrency, against real Redis and PostgreSQL (issues #21.3, #21.6, #22):
// 30 parallel wrong logins check at most the limit's passwords; a stranger cannot lock an account's owner
// out; registration is throttled per address and does not tell a taken e-mail apart; 20 parallel payout
// submissions give one ledger posting and one timeline event.
import { beforeAll, describe, expect, it } from 'vitest';

// env() is read once, on first use: this file's limits before any app module reads them.
Object.assign(process.env, {
  LOGIN_ATTEMPTS_PER_MINUTE: '5',
  LOGIN_ATTEMPTS_PER_EMAIL_PER_HOUR: '8',
  REGISTRATIONS_PER_IP_PER_HOUR: '3',
  DATABASE_POOL_MAX: '24',
});

const { and, eq, sql } = await import('drizzle-orm');
const { db } = await import('../../db/client');
const { ledgerTransactions, orderEvents, orders, users } = await import('../../db/schema');
const { passwordChecksSoFar } = await import('../../app/identity/accounts.server');
const { actOnOrder, placeBuyNow } = await import('../../app/orders/orders.server');
const { processSettlementJob } = await import('../../workers/settlement');
const { action: loginAction } = await import('../../app/routes/login');
const { action: registerAction } = await import('../../app/routes/register');
const { action: paymentsAction } = await import('../../app/routes/operator.payments');
const { seedDemoMarket } = await import('../../db/seed');
const { buyerOrg, liveShrimpLot, verifiedSeller } = await import('../support/listings');
const { call, formRequest, logInAs } = await import('../support/http');

const args = (request: Request) => ({ request, params: {}, context: {} });
const stamp = Date.now();
let n = 0;

async function registerAccount(ip: string, email = `guard-${stamp}-${++n}@example.test`) {
  const response = await call(() =>
    registerAction(
      args(
        formRequest(
          '/register',
          {
            email,
            password: 'correct horse battery',
            name: '王小明',
            orgName: `限流测试水产 ${stamp} ${n}`,
            orgKind: 'buyer',
            city: '湛江',
          },
          { ip },
        ),
      ),
    ),
  );
  return { response, email };
}

const login = (email: string, password: string, ip: string) =>
  call(() => loginAction(args(formRequest('/login', { email, password }, { ip }))));

const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
});

describe('login limits', () => {
  it('checks at most 5 passwords of 30 parallel wrong logins for one e-mail from one address', async () => {
    const { email } = await registerAccount('192.0.2.1');
    const before = passwordChecksSoFar();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(email, `wrong-${i}`, '198.51.100.30')),
    );
    const checked = passwordChecksSoFar() - before;
    const statuses = answers.map((a) => a.status);
    expect(checked).toBe(5);
    expect(statuses.filter((s) => s === 400)).toHaveLength(checked);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - checked);
    // Even the right password is refused from that address for the rest of the minute, unchecked.
    const right = await login(email, PASSWORD, '198.51.100.30');
    expect(right.status).toBe(429);
    expect(passwordChecksSoFar() - before).toBe(checked);
  });

  it('does not let a stranger lock the owner out: the owner signs in from another address', async () => {
    const { email } = await registerAccount('192.0.2.2');
    for (let i = 0; i < 6; i++) await login(email, `wrong-${i}`, '198.51.100.40');
    expect((await login(email, PASSWORD, '198.51.100.40')).status).toBe(429);
    expect((await login(email, PASSWORD, '198.51.100.41')).status).toBe(302);
  });

  it('stops guesses spread over addresses at 8 an hour per e-mail, except from an address it signed in from', async () => {
    const { email } = await registerAccount('192.0.2.3');
    // The owner signed in from 198.51.100.50 before: that address is known to this e-mail.
    expect((await login(email, PASSWORD, '198.51.100.50')).status).toBe(302);
    const spread = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(email, `wrong-${i}`, `203.0.113.${100 + i}`)),
    );
    expect(spread.filter((a) => a.status === 400)).toHaveLength(8);
    expect(spread.filter((a) => a.status === 429)).toHaveLength(4);
    // A new address is refused even with the right password; the known one is let in.
    expect((await login(email, PASSWORD, '203.0.113.200')).status).toBe(429);
    expect((await login(email, PASSWORD, '198.51.100.50')).status).toBe(302);
  });
});

describe('registration', () => {
  it('answers a taken e-mail like any refused form (400, no 409, nothing that says "registered") and counts it', async () => {
    const taken = await registerAccount('192.0.2.20', 'shrimp@wharf.test');
    expect(taken.response.status).toBe(400);
    const body = (await taken.response.json()) as { errors: Record<string, string> };
    expect(body.errors).toEqual({ email: 'errors.emailUnavailable' });
  });

  it('allows 3 registrations an hour from one address, in parallel too, then 429 without creating anything', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => registerAccount('192.0.2.21')));
    expect(answers.filter((a) => a.response.status === 302)).toHaveLength(3);
    const refused = answers.filter((a) => a.response.status === 429);
    expect(refused).toHaveLength(3);
    for (const { email, response } of refused) {
      expect(((await response.json()) as { errors: Record<string, string> }).errors.form).toBe(
        'errors.tooManyRegistrations',
      );
      expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
    }
    // Another address is not affected.
    expect((await registerAccount('192.0.2.22')).response.status).toBe(302);
  });
});

describe('recording a payout', () => {
  it('20 parallel submissions: one ledger posting, one payout_recorded event, 409 for the other 19', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '1000');
    const buyer = await buyerOrg();
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lot, quantity: '100', unit: 'kg', tolerancePercent: 3 },
    });
    if (!placed.ok) throw new Error('buy failed');
    const id = placed.orderId;
    await actOnOrder(
      id,
      { userId: null, parties: ['operator'] },
      { action: 'record_payment', reference: 'P1' },
    );
    await actOnOrder(id, { userId: seller.userId, parties: ['seller'] }, { action: 'ship' });
    await actOnOrder(
      id,
      { userId: seller.userId, parties: ['seller'] },
      { action: 'record_weight', quantity: '100', unit: 'kg' },
    );
    await actOnOrder(id, { userId: buyer.userId, parties: ['buyer'] }, { action: 'confirm_delivery' });
    await db
      .update(orders)
      .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
      .where(eq(orders.id, id));
    expect(await processSettlementJob({ name: 'release-escrow', data: { orderId: id } })).toEqual({
      completed: true,
    });

    const operator = await logInAs('operator@wharf.test');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(() =>
          paymentsAction(
            args(
              formRequest(
                '/operator/payments',
                { intent: 'record_payout', orderId: id, reference: 'BOC 20261205-7' },
                { cookie: operator },
              ),
            ),
          ),
        ),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const refused = answers.find((a) => a.status === 409);
    expect(((await refused?.json()) as { errors: Record<string, string> }).errors.form).toBe(
      'orders.errors.payoutAlreadyRecorded',
    );
    const postings = await db
      .select()
      .from(ledgerTransactions)
      .where(and(eq(ledgerTransactions.orderId, id), eq(ledgerTransactions.kind, 'payout')));
    expect(postings).toHaveLength(1);
    const events = await db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, id), eq(orderEvents.kind, 'payout_recorded')));
    expect(events).toHaveLength(1);
  });
});
