// Stripe end to end with the real client and the local Stripe server: intents, signed webhooks, transfers, refunds.
import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  invoices,
  ledgerTransactions,
  orderEvents,
  orders,
  payoutAccounts,
  providerEvents,
} from '../../db/schema';
import { escrowHeldForOrder, ledgerTransactionId } from '../../app/ledger/ledger.server';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import {
  paymentIntentKey,
  startSellerOnboarding,
  stripeProvider,
  transferGroup,
} from '../../app/payments/stripe.server';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { action as orderAction } from '../../app/routes/orders.$orderId';
import { action } from '../../app/routes/webhooks.stripe';
import { startWorkers } from '../../workers/index';
import { processSettlementJob } from '../../workers/settlement';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { call, formRequest } from '../support/http';
import { waitFor } from '../support/worker-process';
import { STRIPE_TEST_SECRET_KEY, startStripeServer } from '../support/stripe-server';

// env() is read once, on first use: configure Stripe before any test touches the app.
const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const stripeServer = await startStripeServer({ webhookSecret: WEBHOOK_SECRET });
Object.assign(process.env, {
  STRIPE_SECRET_KEY: STRIPE_TEST_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: stripeServer.url,
  // Short enough for the release job to run within a test, long enough to open a dispute first.
  INSPECTION_SECONDS_OVERRIDE: '2',
  DATABASE_POOL_MAX: '12',
});

/** The app's webhook route behind a bare HTTP listener, so the local server POSTs to the real action. */
async function startWebhookListener(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      });
      try {
        const response = await action({ request, params: {}, context: {} });
        res.writeHead(response.status, { 'Content-Type': 'text/plain' });
        res.end(await response.text());
      } catch (error) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const orderRow = async (id: string) => (await db.select().from(orders).where(eq(orders.id, id)))[0];

const ledgerKinds = async (orderId: string, kind: string) =>
  db
    .select()
    .from(ledgerTransactions)
    .where(and(eq(ledgerTransactions.orderId, orderId), eq(ledgerTransactions.kind, kind)));

const eventsOf = async (orderId: string, kind: string) =>
  db
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.kind, kind)));

/** A seller whose Express onboarding is finished, as Stripe's account.updated webhook tells the app. */
async function onboardedSeller(): Promise<Seller> {
  const seller = await verifiedSeller(db);
  const { accountId } = await startSellerOnboarding(seller.orgId, {
    returnUrl: 'http://127.0.0.1/balance/payouts?done=1',
    refreshUrl: 'http://127.0.0.1/balance/payouts?again=1',
  });
  stripeServer.actions.completeOnboarding(accountId);
  await waitFor('payouts enabled', async () => {
    const [account] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.orgId, seller.orgId));
    return account?.payoutsEnabled;
  });
  return seller;
}

/** Buys 10 kg (¥420.00) and waits for the create-payment job to make the PaymentIntent. */
async function placeOrder(seller: Seller) {
  // Each order its own batch: the same title twice from one seller is screened as a duplicate listing.
  const lot = await liveShrimpLot(db, seller, '100', {
    titleZh: `南美白对虾 40/50 头 鲜活 批次 ${randomBytes(3).toString('hex')}`,
  });
  const buyer = await buyerOrg();
  const placed = await placeBuyNow({
    buyerOrgId: buyer.orgId,
    actorUserId: buyer.userId,
    form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 0 },
  });
  if (!placed.ok) throw new Error(`buy failed: ${JSON.stringify(placed.errors)}`);
  const order = await waitFor('the PaymentIntent', async () => {
    const row = await orderRow(placed.orderId);
    return row?.providerRef ? row : undefined;
  });
  return { order, buyer, paymentIntentId: order.providerRef ?? '' };
}

async function placeAndPay(seller: Seller) {
  const placed = await placeOrder(seller);
  stripeServer.actions.succeedPaymentIntent(placed.paymentIntentId);
  await waitFor('the order paid', async () => (await orderRow(placed.order.id))?.status === 'paid');
  return placed;
}

const sellerParty = (s: Seller) => ({ userId: s.userId, parties: ['seller' as const] });
const buyerParty = (b: Seller) => ({ userId: b.userId, parties: ['buyer' as const] });
const operator = { userId: null, parties: ['operator' as const] };

let listener: Awaited<ReturnType<typeof startWebhookListener>>;
let stopWorkers: () => Promise<void>;
let seller: Seller;

beforeAll(async () => {
  listener = await startWebhookListener();
  stripeServer.setWebhookUrl(listener.url);
  stopWorkers = await startWorkers();
  seller = await onboardedSeller();
});

afterAll(async () => {
  await stripeServer.close();
  await listener.close();
  await stopWorkers();
});

/** A logged-in session cookie (`name=value`) for a user acting for an org. */
async function cookieFor(party: Seller): Promise<string> {
  const token = await createSession(db, { userId: party.userId, activeOrgId: party.orgId });
  return (await commitSessionCookie(token)).split(';')[0] ?? '';
}

/** The order page's "Pay online" button, pressed by a member of `party`. */
async function payOnline(orderId: string, party: Seller): Promise<Response> {
  const cookie = await cookieFor(party);
  return call(() =>
    orderAction({
      request: formRequest(`/orders/${orderId}`, { intent: 'pay_online' }, { cookie }),
      params: { orderId },
      context: {},
    }),
  );
}

describe('paying for an order through Stripe', () => {
  it('creates one PaymentIntent per order, under our idempotency key', async () => {
    const { order, paymentIntentId } = await placeOrder(seller);
    const intent = stripeServer.state.paymentIntents.find((pi) => pi.id === paymentIntentId);
    expect(intent).toMatchObject({
      amount: 42_000,
      currency: 'cny',
      transfer_group: transferGroup(order),
      metadata: { order_id: order.id },
      status: 'requires_payment_method',
    });
    const creates = stripeServer.state.requestLog.filter(
      (entry) => entry.method === 'POST' && entry.path === '/v1/payment_intents',
    );
    const ours = creates.filter((entry) => entry.idempotencyKey === paymentIntentKey(order));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ keyGeneratedByClient: false, status: 200 });

    // A retried job: the worker skips an order with a reference, and the provider replays the same intent.
    expect(await processSettlementJob({ name: 'create-payment', data: { orderId: order.id } })).toEqual({
      skipped: true,
    });
    expect(await stripeProvider.createPayment(order)).toEqual({ reference: paymentIntentId });
    expect(stripeServer.state.paymentIntents.filter((pi) => pi.metadata.order_id === order.id)).toHaveLength(
      1,
    );
  });

  it('marks the order paid and funds the escrow when the signed payment_intent.succeeded arrives', async () => {
    const { order, paymentIntentId } = await placeOrder(seller);
    const succeeded = stripeServer.actions.succeedPaymentIntent(paymentIntentId);
    const paid = await waitFor('the order paid', async () => {
      const row = await orderRow(order.id);
      return row?.status === 'paid' ? row : undefined;
    });
    expect(paid.providerRef).toBe(paymentIntentId);
    const stored = await waitFor('the event processed', async () => {
      const [row] = await db.select().from(providerEvents).where(eq(providerEvents.id, succeeded.id));
      return row?.processedAt ? row : undefined;
    });
    expect(stored).toMatchObject({
      provider: 'stripe',
      type: 'payment_intent.succeeded',
      objectId: paymentIntentId,
    });
    expect(await ledgerKinds(order.id, 'payment_received')).toHaveLength(1);
    expect(await escrowHeldForOrder(db, order.id)).toBe(42_000);
    const [recorded] = await eventsOf(order.id, 'record_payment');
    expect(recorded.data).toMatchObject({ reference: paymentIntentId, party: 'system' });
  });

  it('finds the order by the intent’s metadata when the webhook beats the stored reference', async () => {
    const { order, paymentIntentId } = await placeOrder(seller);
    await db.update(orders).set({ providerRef: null }).where(eq(orders.id, order.id));
    stripeServer.actions.succeedPaymentIntent(paymentIntentId);
    const paid = await waitFor('the order paid', async () => {
      const row = await orderRow(order.id);
      return row?.status === 'paid' ? row : undefined;
    });
    expect(paid.providerRef).toBe(paymentIntentId);
  });

  it('changes the order once when the same event arrives three times at once and out of order', async () => {
    const { order, paymentIntentId } = await placeOrder(seller);
    await stripeServer.settled();
    // Hold the automatic deliveries back, so every copy below is one the test sends.
    stripeServer.setWebhookUrl(undefined);
    const succeeded = stripeServer.actions.succeedPaymentIntent(paymentIntentId);
    // The intent's own events and its charge's, as Stripe would send them: created, charge, succeeded.
    const related = stripeServer.state.events
      .filter((event) => {
        const object = event.data.object as { id?: string; payment_intent?: string };
        return object.id === paymentIntentId || object.payment_intent === paymentIntentId;
      })
      .map((event) => event.id);
    expect(related.length).toBeGreaterThanOrEqual(3);
    stripeServer.setWebhookUrl(listener.url);

    const [racing, outOfOrder] = await Promise.all([
      stripeServer.actions.deliverEvent(succeeded.id, { times: 3 }),
      stripeServer.actions.redeliverOutOfOrder(related),
    ]);
    for (const outcome of [...racing, ...outOfOrder]) expect(outcome.delivered).toBe(true);
    await waitFor('the order paid', async () => (await orderRow(order.id))?.status === 'paid');
    await waitFor('the event processed', async () => {
      const [row] = await db.select().from(providerEvents).where(eq(providerEvents.id, succeeded.id));
      return row?.processedAt;
    });
    // Let any straggling job finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(await db.select().from(providerEvents).where(eq(providerEvents.id, succeeded.id))).toHaveLength(1);
    expect(await ledgerKinds(order.id, 'payment_received')).toHaveLength(1);
    expect(await eventsOf(order.id, 'record_payment')).toHaveLength(1);
    expect(await escrowHeldForOrder(db, order.id)).toBe(42_000);
    // Processing it again (a re-run job) is a no-op too.
    expect(await stripeProvider.handleEvent(succeeded.id)).toMatchObject({ skipped: 'already processed' });
    await db.update(providerEvents).set({ processedAt: null }).where(eq(providerEvents.id, succeeded.id));
    expect(await stripeProvider.handleEvent(succeeded.id)).toMatchObject({ alreadyPaid: true });
    expect(await ledgerKinds(order.id, 'payment_received')).toHaveLength(1);
  });

  it('refuses an old, future-dated, tampered or foreign signature with a 400 and stores nothing', async () => {
    await stripeServer.settled();
    stripeServer.setWebhookUrl(undefined);
    const account = await stripeServer.client().accounts.create({ type: 'express' });
    const event = stripeServer.actions.completeOnboarding(account.id);
    stripeServer.setWebhookUrl(listener.url);
    const now = Math.floor(Date.now() / 1000);
    const stored = async () => db.select().from(providerEvents).where(eq(providerEvents.id, event.id));

    const refused = await Promise.all([
      stripeServer.actions.deliverEvent(event.id, { signedAt: now - 301, retries: 0 }),
      // Ten minutes ahead of our clock: Stripe's library checks only the past, the app the future too.
      stripeServer.actions.deliverEvent(event.id, { signedAt: now + 600, retries: 0 }),
      stripeServer.actions.deliverEvent(event.id, {
        retries: 0,
        mutateBody: (body) => body.replace('"payouts_enabled": true', '"payouts_enabled": false'),
      }),
      stripeServer.actions.deliverEvent(event.id, { retries: 0, secret: 'whsec_someone_else' }),
    ]);
    for (const [outcome] of refused) expect(outcome.attempts.map((a) => a.status)).toEqual([400]);
    expect(await stored()).toHaveLength(0);

    const unsigned = await action({
      request: new Request('http://127.0.0.1/webhooks/stripe', { method: 'POST', body: '{"id":"evt_x"}' }),
      params: {},
      context: {},
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toMatch(/Stripe-Signature/);
    expect(await db.select().from(providerEvents).where(eq(providerEvents.id, 'evt_x'))).toHaveLength(0);

    // The same event, signed four minutes ago, is within the five-minute tolerance.
    const [accepted] = await stripeServer.actions.deliverEvent(event.id, { signedAt: now - 240, retries: 0 });
    expect(accepted.attempts.map((a) => a.status)).toEqual([200]);
    expect(await stored()).toHaveLength(1);
  });

  it('sends the buyer to Stripe Checkout from the order page, and refuses the seller', async () => {
    const { order, buyer, paymentIntentId: jobIntent } = await placeOrder(seller);
    expect((await payOnline(order.id, seller)).status).toBe(403);

    const response = await payOnline(order.id, buyer);
    expect(response.status).toBe(302);
    const [session] = stripeServer.state.checkoutSessions.filter((s) => s.metadata?.order_id === order.id);
    expect(response.headers.get('Location')).toBe(session?.url);
    expect(session).toMatchObject({
      status: 'open',
      amount_total: 42_000,
      currency: 'cny',
      success_url: `http://localhost:3000/orders/${order.id}?paid=1`,
      cancel_url: `http://localhost:3000/orders/${order.id}`,
    });
    // Checkout's own intent becomes the order's; the create-payment job's can no longer be paid.
    expect((await orderRow(order.id))?.providerRef).toBe(session?.payment_intent);
    expect(stripeServer.state.paymentIntents.find((pi) => pi.id === jobIntent)?.status).toBe('canceled');
    expect(stripeServer.state.paymentIntents.find((pi) => pi.id === session?.payment_intent)).toMatchObject({
      amount: 42_000,
      metadata: { order_id: order.id },
      transfer_group: transferGroup(order),
    });

    // A second click while the session is open goes to the same page.
    const again = await payOnline(order.id, buyer);
    expect(again.headers.get('Location')).toBe(session?.url);
    expect(stripeServer.state.checkoutSessions.filter((s) => s.metadata?.order_id === order.id)).toHaveLength(
      1,
    );

    stripeServer.actions.completeCheckoutSession(session?.id ?? '');
    await waitFor('the order paid', async () => (await orderRow(order.id))?.status === 'paid');
    expect(await escrowHeldForOrder(db, order.id)).toBe(42_000);
    // Paid: the button is gone, and pressing it anyway is refused rather than charging twice.
    expect((await payOnline(order.id, buyer)).status).toBe(409);
  });

  it('makes a new session once the last one expired, never reviving its intent', async () => {
    const { order, buyer } = await placeOrder(seller);
    await payOnline(order.id, buyer);
    const [first] = stripeServer.state.checkoutSessions.filter((s) => s.metadata?.order_id === order.id);
    stripeServer.actions.expireCheckoutSession(first?.id ?? '');
    const response = await payOnline(order.id, buyer);
    const sessions = stripeServer.state.checkoutSessions.filter((s) => s.metadata?.order_id === order.id);
    expect(sessions.map((s) => s.status)).toEqual(['expired', 'open']);
    expect(response.headers.get('Location')).toBe(sessions[1]?.url);
    expect((await orderRow(order.id))?.providerRef).toBe(sessions[1]?.payment_intent);
  });
});

describe('paying the seller and refunding the buyer', () => {
  it('pays the seller with one Transfer for the order, under the ledger’s key, even when the job runs twice', async () => {
    const { order, buyer, paymentIntentId } = await placeAndPay(seller);
    await actOnOrder(order.id, sellerParty(seller), { action: 'ship' });
    await actOnOrder(order.id, buyerParty(buyer), { action: 'confirm_delivery' });
    // The release job runs when the (shortened) window closes; completion queues the payout.
    await waitFor('the payout in the ledger', async () => (await ledgerKinds(order.id, 'payout')).length > 0);

    const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, order.id));
    const [account] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.orgId, seller.orgId));
    const charge = stripeServer.state.paymentIntents.find((pi) => pi.id === paymentIntentId)?.latest_charge;
    const releaseKey = ledgerTransactionId(`order:${order.id}:release`);
    const group = stripeServer.state.transfers.filter((t) => t.transfer_group === transferGroup(order));
    expect(group).toHaveLength(1);
    expect(group[0]).toMatchObject({
      amount: invoice.totalFen - invoice.feeFen,
      currency: 'cny',
      destination: account.externalId,
      source_transaction: charge,
      metadata: { order_id: order.id, ledger_transaction_id: releaseKey },
    });
    const posts = stripeServer.state.requestLog.filter(
      (entry) =>
        entry.method === 'POST' && entry.path === '/v1/transfers' && entry.idempotencyKey === releaseKey,
    );
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(posts.every((entry) => !entry.keyGeneratedByClient)).toBe(true);

    // The job again, twice at once, as a retry after a crash would run it.
    await Promise.all([
      processSettlementJob({ name: 'payout', data: { orderId: order.id } }),
      processSettlementJob({ name: 'payout', data: { orderId: order.id } }),
    ]);
    expect(
      stripeServer.state.transfers.filter((t) => t.transfer_group === transferGroup(order)),
    ).toHaveLength(1);
    expect(await ledgerKinds(order.id, 'payout')).toHaveLength(1);
    expect(await eventsOf(order.id, 'payout_recorded')).toHaveLength(1);
    expect((await orderRow(order.id))?.status).toBe('completed');
  });

  it('holds a payout until the seller finishes onboarding, then pays it', async () => {
    const late = await verifiedSeller(db);
    const { order, buyer } = await placeAndPay(late);
    await actOnOrder(order.id, sellerParty(late), { action: 'ship' });
    await actOnOrder(order.id, buyerParty(buyer), { action: 'confirm_delivery' });
    await waitFor('the order completed', async () => (await orderRow(order.id))?.status === 'completed');
    await expect(processSettlementJob({ name: 'payout', data: { orderId: order.id } })).rejects.toThrow(
      /no Stripe payout account/,
    );

    const { accountId, url } = await startSellerOnboarding(late.orgId, {
      returnUrl: 'http://127.0.0.1/balance/payouts?done=1',
      refreshUrl: 'http://127.0.0.1/balance/payouts?again=1',
    });
    expect(url).toContain('/connect/onboarding/');
    await expect(processSettlementJob({ name: 'payout', data: { orderId: order.id } })).rejects.toThrow(
      /payouts are not enabled/,
    );
    // Onboarding twice (a second click) reuses the account.
    expect((await startSellerOnboarding(late.orgId, { returnUrl: url, refreshUrl: url })).accountId).toBe(
      accountId,
    );
    stripeServer.actions.completeOnboarding(accountId);
    await waitFor('the payout in the ledger', async () => (await ledgerKinds(order.id, 'payout')).length > 0);
    expect(
      stripeServer.state.transfers.filter((t) => t.transfer_group === transferGroup(order)),
    ).toHaveLength(1);
    expect(stripeServer.state.accounts.filter((a) => a.metadata?.org_id === late.orgId)).toHaveLength(1);
  });

  it('refunds part of the payment after a dispute, and pays the seller the rest', async () => {
    const { order, buyer, paymentIntentId } = await placeAndPay(seller);
    await actOnOrder(order.id, sellerParty(seller), { action: 'ship' });
    await actOnOrder(order.id, buyerParty(buyer), { action: 'confirm_delivery' });
    await actOnOrder(order.id, buyerParty(buyer), {
      action: 'open_dispute',
      reason: '到货死虾较多，约两成',
    });
    await actOnOrder(order.id, operator, {
      action: 'resolve_dispute',
      outcome: 'refund_partial',
      refund: '100.00',
      resolution: '按照照片核实，退还 100 元',
    });
    const refundKey = ledgerTransactionId(`order:${order.id}:refund`);
    const refund = await waitFor('the refund at Stripe', async () =>
      stripeServer.state.refunds.find((r) => r.payment_intent === paymentIntentId),
    );
    expect(refund).toMatchObject({ amount: 10_000, currency: 'cny', status: 'succeeded' });
    expect(refund.metadata).toMatchObject({ order_id: order.id, ledger_transaction_id: refundKey });
    const post = stripeServer.state.requestLog.find(
      (entry) =>
        entry.method === 'POST' && entry.path === '/v1/refunds' && entry.idempotencyKey === refundKey,
    );
    expect(post?.keyGeneratedByClient).toBe(false);

    await waitFor('the payout in the ledger', async () => (await ledgerKinds(order.id, 'payout')).length > 0);
    const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, order.id));
    expect(invoice.totalFen).toBe(32_000);
    const transfers = stripeServer.state.transfers.filter((t) => t.transfer_group === transferGroup(order));
    expect(transfers.map((t) => t.amount)).toEqual([invoice.totalFen - invoice.feeFen]);

    // A retried refund job finds the refund it made.
    const [refundTx] = await ledgerKinds(order.id, 'refund');
    await processSettlementJob({
      name: 'refund',
      data: { orderId: order.id, ledgerTransactionId: refundTx.id },
    });
    expect(stripeServer.state.refunds.filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(1);
    expect((await orderRow(order.id))?.status).toBe('resolved');
  });
});
