// The local Stripe server, driven by the real `stripe` client: idempotency, signed webhooks, Connect, transfers, refunds.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeServer, startStripeServer } from '../support/stripe-server';

const WEBHOOK_SECRET = 'whsec_wharf_stripe_server_test';

type Received = {
  body: string;
  signature: string;
  event: Stripe.Event | null;
  error: string | null;
  status: number;
};

/** A webhook endpoint like the app's: verifies with constructEvent, 400 on a bad signature, 200 otherwise. */
type Receiver = { url: string; received: Received[]; failNext: number; close(): Promise<void> };

async function startReceiver(): Promise<Receiver> {
  const verifier = new Stripe('sk_test_unused');
  const receiver: Receiver = {
    url: '',
    received: [],
    failNext: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(request.headers['stripe-signature'] ?? '');
      let record: Received;
      if (receiver.failNext > 0) {
        receiver.failNext -= 1;
        record = { body, signature, event: null, error: 'asked to fail', status: 500 };
      } else {
        try {
          const event = verifier.webhooks.constructEvent(body, signature, WEBHOOK_SECRET);
          record = { body, signature, event, error: null, status: 200 };
        } catch (error) {
          record = { body, signature, event: null, error: (error as Error).message, status: 400 };
        }
      }
      receiver.received.push(record);
      response.writeHead(record.status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ received: record.status === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  return receiver;
}

let receiver: Receiver;
let server: StripeServer;
let stripe: Stripe;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

beforeEach(async () => {
  receiver.received = [];
  receiver.failNext = 0;
  server = await startStripeServer({ webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET });
  stripe = server.client();
});

afterEach(async () => {
  await server.close();
});

function verifiedOfType(type: string): Stripe.Event[] {
  return receiver.received.flatMap((r) => (r.event && r.event.type === type ? [r.event] : []));
}

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the Stripe call to fail');
}

/** A PaymentIntent the customer has paid, so the platform balance holds its amount. */
async function paidPaymentIntent(amount: number, transferGroup: string) {
  const paymentIntent = await stripe.paymentIntents.create({
    amount,
    currency: 'cny',
    allowed_payment_method_types: ['card'],
    transfer_group: transferGroup,
    metadata: { order_id: transferGroup },
  });
  server.actions.succeedPaymentIntent(paymentIntent.id);
  await server.settled();
  return stripe.paymentIntents.retrieve(paymentIntent.id);
}

async function onboardedSeller() {
  const account = await stripe.accounts.create({
    type: 'express',
    country: 'HK',
    email: 'seller@example.test',
    capabilities: { transfers: { requested: true } },
  });
  server.actions.completeOnboarding(account.id);
  return account;
}

describe('wire format and auth', () => {
  it('decodes nested form params and answers with Stripe-shaped objects', async () => {
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 128_000,
      currency: 'CNY',
      allowed_payment_method_types: ['card', 'customer_balance', 'wechat_pay'],
      metadata: { order_id: 'ord_1', 买家: '上海水产' },
      transfer_group: 'ord_1',
      description: '活虾 200 kg',
    });
    expect(paymentIntent).toMatchObject({
      object: 'payment_intent',
      amount: 128_000,
      currency: 'cny',
      status: 'requires_payment_method',
      amount_received: 0,
      latest_charge: null,
      // Stripe keeps only what can work: no bank transfer in CNY, and this server models no WeChat Pay.
      allowed_payment_method_types: ['card', 'customer_balance', 'wechat_pay'],
      payment_method_types: ['card'],
      automatic_payment_methods: null,
      metadata: { order_id: 'ord_1', 买家: '上海水产' },
      transfer_group: 'ord_1',
      livemode: false,
    });
    expect(paymentIntent.id).toMatch(/^pi_/);
    expect(paymentIntent.client_secret).toMatch(new RegExp(`^${paymentIntent.id}_secret_`));
    expect(await stripe.paymentIntents.retrieve(paymentIntent.id)).toEqual(paymentIntent);
  });

  it('refuses an unknown API key with 401 and an unknown parameter with parameter_unknown', async () => {
    const stranger = new Stripe('sk_test_not_wharf', server.clientConfig);
    const auth = await rejection(stranger.balance.retrieve());
    expect(auth).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(auth.statusCode).toBe(401);

    const unknown = await rejection(
      stripe.paymentIntents.create({
        amount: 100,
        currency: 'cny',
        foo: 'bar',
      } as Stripe.PaymentIntentCreateParams),
    );
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'foo' });
  });

  it('refuses payment_method_types, which API version 2026-09-30.endive removed from PaymentIntents', async () => {
    const removed = await rejection(
      stripe.paymentIntents.create({
        amount: 100,
        currency: 'cny',
        payment_method_types: ['card'],
      } as unknown as Stripe.PaymentIntentCreateParams),
    );
    expect(removed).toMatchObject({ statusCode: 400, code: 'payment_method_types_no_longer_supported' });
  });

  it('answers 404 resource_missing for an unknown id', async () => {
    const missing = await rejection(stripe.paymentIntents.retrieve('pi_does_not_exist'));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('idempotency keys', () => {
  it('replays the first response for the same key and params, and refuses the key with other params', async () => {
    const params = { amount: 5_000, currency: 'cny', metadata: { order_id: 'ord_7' } };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'ledger-tx-7' });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'ledger-tx-7' });
    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(server.state.paymentIntents).toHaveLength(1);

    const mismatch = await rejection(
      stripe.paymentIntents.create({ ...params, amount: 5_001 }, { idempotencyKey: 'ledger-tx-7' }),
    );
    expect(mismatch).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(mismatch).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    expect(server.state.paymentIntents).toHaveLength(1);

    const log = server.state.requestLog.filter((entry) => entry.idempotencyKey === 'ledger-tx-7');
    expect(log.map((entry) => [entry.status, entry.replayed, entry.keyGeneratedByClient])).toEqual([
      [200, false, false],
      [200, true, false],
      [400, false, false],
    ]);
  });

  it('does not save a request that failed validation, so the corrected retry runs', async () => {
    const invalid = await rejection(
      stripe.paymentIntents.create({ amount: 0, currency: 'cny' }, { idempotencyKey: 'ledger-tx-8' }),
    );
    expect(invalid).toMatchObject({ statusCode: 400, code: 'parameter_invalid_integer', param: 'amount' });
    const created = await stripe.paymentIntents.create(
      { amount: 800, currency: 'cny' },
      { idempotencyKey: 'ledger-tx-8' },
    );
    expect(created.amount).toBe(800);
  });

  it('marks keys stripe-node made up when the caller passed none', async () => {
    await stripe.customers.create({ email: 'buyer@example.test' });
    const [entry] = server.state.requestLog;
    expect(entry.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(entry.keyGeneratedByClient).toBe(true);
  });
});

describe('payments and signed webhooks', () => {
  it('delivers payment_intent.succeeded with a signature constructEvent accepts', async () => {
    const created = await stripe.paymentIntents.create(
      { amount: 12_345, currency: 'cny', transfer_group: 'ord_9' },
      { idempotencyKey: 'fund-ord_9' },
    );
    const emitted = server.actions.succeedPaymentIntent(created.id);
    await server.settled();

    const [event] = verifiedOfType('payment_intent.succeeded');
    expect(event.id).toBe(emitted.id);
    expect(event.id).toMatch(/^evt_/);
    expect(event.api_version).toBe(Stripe.API_VERSION);
    if (event.type !== 'payment_intent.succeeded') throw new Error('narrowing');
    expect(event.data.object).toMatchObject({
      id: created.id,
      status: 'succeeded',
      amount_received: 12_345,
      transfer_group: 'ord_9',
    });
    expect(event.data.object.latest_charge).toMatch(/^ch_/);
    expect(verifiedOfType('payment_intent.created')[0].request).toEqual({
      id: expect.stringMatching(/^req_/),
      idempotency_key: 'fund-ord_9',
    });

    const retrieved = await stripe.events.retrieve(event.id);
    expect(retrieved.id).toBe(event.id);
    expect(retrieved.type).toBe('payment_intent.succeeded');
    expect(retrieved.pending_webhooks).toBe(0);

    const paymentIntent = await stripe.paymentIntents.retrieve(created.id);
    expect(paymentIntent).toMatchObject({ status: 'succeeded', amount_received: 12_345 });
    const charge = await stripe.charges.retrieve(String(paymentIntent.latest_charge));
    expect(charge).toMatchObject({ status: 'succeeded', amount: 12_345, payment_intent: created.id });
  });

  it('fails verification for a tampered body, a wrong secret and a timestamp older than five minutes', async () => {
    const paymentIntent = await stripe.paymentIntents.create({ amount: 900, currency: 'cny' });
    const event = server.actions.succeedPaymentIntent(paymentIntent.id);
    await server.settled();
    const delivered = receiver.received.find((r) => r.event?.id === event.id);
    if (!delivered) throw new Error('payment_intent.succeeded was not delivered');

    const tampered = delivered.body.replace('"amount": 900', '"amount": 9000');
    expect(tampered).not.toBe(delivered.body);
    expect(() => stripe.webhooks.constructEvent(tampered, delivered.signature, WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(() =>
      stripe.webhooks.constructEvent(delivered.body, server.sign(delivered.body, old), WEBHOOK_SECRET),
    ).toThrow(/Timestamp outside the tolerance zone/);

    // The same refusals through the wire, as the app's endpoint would see them.
    receiver.received = [];
    const outcomes = [
      ...(await server.actions.deliverEvent(event.id, { signedAt: old, retries: 0 })),
      ...(await server.actions.deliverEvent(event.id, {
        mutateBody: (b) => b.replace('900', '9000'),
        retries: 0,
      })),
      ...(await server.actions.deliverEvent(event.id, { secret: 'whsec_someone_else', retries: 0 })),
    ];
    expect(outcomes.map((o) => o.delivered)).toEqual([false, false, false]);
    expect(receiver.received.map((r) => r.status)).toEqual([400, 400, 400]);
    expect(receiver.received[0].error).toMatch(/tolerance/);
    expect(receiver.received[1].error).toMatch(/No signatures found/);
  });

  it('retries with backoff while the receiver answers non-2xx', async () => {
    receiver.failNext = 2;
    const paymentIntent = await stripe.paymentIntents.create({ amount: 700, currency: 'cny' });
    await server.settled();
    const attempts = server.state.deliveries.filter((d) => d.type === 'payment_intent.created');
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(attempts[2].at - attempts[0].at).toBeGreaterThanOrEqual(140);
    expect((await stripe.events.retrieve(attempts[0].eventId)).pending_webhooks).toBe(0);
    expect(verifiedOfType('payment_intent.created')[0].data.object).toMatchObject({ id: paymentIntent.id });
  });

  it('re-sends an event as duplicates and out of order', async () => {
    const paymentIntent = await stripe.paymentIntents.create({ amount: 500, currency: 'cny' });
    const succeeded = server.actions.succeedPaymentIntent(paymentIntent.id);
    await server.settled();
    const created = server.state.events.find((e) => e.type === 'payment_intent.created');
    if (!created) throw new Error('no payment_intent.created');

    receiver.received = [];
    const copies = await server.actions.deliverEvent(succeeded.id, { times: 3 });
    expect(copies.every((c) => c.delivered)).toBe(true);
    expect(receiver.received.map((r) => r.event?.id)).toEqual([succeeded.id, succeeded.id, succeeded.id]);

    receiver.received = [];
    await server.actions.redeliverOutOfOrder([created.id, succeeded.id]);
    expect(receiver.received.map((r) => r.event?.type)).toEqual([
      'payment_intent.succeeded',
      'payment_intent.created',
    ]);
  });

  it('fails a payment and declines a test card', async () => {
    const paymentIntent = await stripe.paymentIntents.create({ amount: 300, currency: 'cny' });
    server.actions.failPaymentIntent(paymentIntent.id, { declineCode: 'insufficient_funds' });
    await server.settled();
    const [failed] = verifiedOfType('payment_intent.payment_failed');
    if (failed.type !== 'payment_intent.payment_failed') throw new Error('narrowing');
    expect(failed.data.object.last_payment_error).toMatchObject({
      type: 'card_error',
      decline_code: 'insufficient_funds',
    });

    const declined = await rejection(
      stripe.paymentIntents.confirm(paymentIntent.id, { payment_method: 'pm_card_chargeDeclined' }),
    );
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'generic_decline',
    });

    const paid = await stripe.paymentIntents.confirm(paymentIntent.id, { payment_method: 'pm_card_visa' });
    expect(paid.status).toBe('succeeded');
  });

  it('takes a bank transfer: requires_action with instructions, then succeeded when the money arrives', async () => {
    const customer = await stripe.customers.create({ email: 'buyer@example.test', name: '上海水产' });
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 2_000_000,
      currency: 'usd',
      customer: customer.id,
      allowed_payment_method_types: ['customer_balance'],
      payment_method_data: { type: 'customer_balance' },
      payment_method_options: {
        customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'us_bank_transfer' } },
      },
      confirm: true,
    });
    expect(paymentIntent.status).toBe('requires_action');
    expect(paymentIntent.next_action).toMatchObject({
      type: 'display_bank_transfer_instructions',
      display_bank_transfer_instructions: { amount_remaining: 2_000_000, currency: 'usd' },
    });
    server.actions.succeedPaymentIntent(paymentIntent.id);
    expect((await stripe.paymentIntents.retrieve(paymentIntent.id)).status).toBe('succeeded');
  });

  it('cancels an unpaid PaymentIntent and refuses to cancel a paid one', async () => {
    const unpaid = await stripe.paymentIntents.create({ amount: 100, currency: 'cny' });
    const canceled = await stripe.paymentIntents.cancel(unpaid.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });

    const paid = await paidPaymentIntent(100, 'ord_c');
    const refusal = await rejection(stripe.paymentIntents.cancel(paid.id));
    expect(refusal).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });
});

describe('Connect: sellers, transfers, refunds', () => {
  it('onboards an Express account through an account link and its hosted page', async () => {
    const account = await stripe.accounts.create({
      type: 'express',
      country: 'HK',
      email: 'seller@example.test',
    });
    expect(account).toMatchObject({
      object: 'account',
      type: 'express',
      charges_enabled: false,
      payouts_enabled: false,
    });
    const link = await stripe.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'http://127.0.0.1:1/sell/payouts/refresh',
      return_url: 'http://127.0.0.1:1/sell/payouts/return',
    });
    expect(link.url.startsWith(`${server.url}/connect/onboarding/`)).toBe(true);

    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(account.id);
    const finished = await fetch(link.url, {
      method: 'POST',
      body: new URLSearchParams({ action: 'complete' }),
      redirect: 'manual',
    });
    expect(finished.status).toBe(303);
    expect(finished.headers.get('location')).toBe('http://127.0.0.1:1/sell/payouts/return');
    const again = await fetch(link.url, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('http://127.0.0.1:1/sell/payouts/refresh');

    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      capabilities: { transfers: 'active' },
    });
    await server.settled();
    const [updated] = verifiedOfType('account.updated');
    expect(updated.account).toBe(account.id);
  });

  it('pays sellers with transfers grouped by order, and lists them by transfer_group', async () => {
    await paidPaymentIntent(10_000, 'ord_42');
    const seller = await onboardedSeller();
    const other = await onboardedSeller();
    const goods = await stripe.transfers.create(
      { amount: 6_000, currency: 'cny', destination: seller.id, transfer_group: 'ord_42' },
      { idempotencyKey: 'payout-ord_42-goods' },
    );
    await stripe.transfers.create(
      { amount: 3_000, currency: 'cny', destination: other.id, transfer_group: 'ord_42' },
      { idempotencyKey: 'payout-ord_42-freight' },
    );
    await stripe.transfers.create({
      amount: 500,
      currency: 'cny',
      destination: seller.id,
      transfer_group: 'ord_43',
    });

    expect(goods).toMatchObject({
      object: 'transfer',
      amount: 6_000,
      destination: seller.id,
      transfer_group: 'ord_42',
    });
    expect(await stripe.transfers.retrieve(goods.id)).toEqual(goods);
    const listed = await stripe.transfers.list({ transfer_group: 'ord_42' });
    expect(listed.object).toBe('list');
    expect(listed.data.map((t) => t.amount).sort()).toEqual([3_000, 6_000]);
    expect((await stripe.balance.retrieve()).available).toEqual([
      { amount: 500, currency: 'cny', source_types: { card: 500 } },
    ]);
  });

  it('refuses a transfer to a seller who has not finished onboarding', async () => {
    await paidPaymentIntent(1_000, 'ord_50');
    const account = await stripe.accounts.create({ type: 'express', country: 'HK' });
    const refusal = await rejection(
      stripe.transfers.create({ amount: 100, currency: 'cny', destination: account.id }),
    );
    expect(refusal).toMatchObject({ statusCode: 400, code: 'insufficient_capabilities_for_transfer' });
  });

  it('refuses a transfer over the available balance with balance_insufficient, replayed for the same key', async () => {
    await paidPaymentIntent(2_000, 'ord_60');
    const seller = await onboardedSeller();
    const params = { amount: 2_001, currency: 'cny', destination: seller.id, transfer_group: 'ord_60' };
    const refusal = await rejection(stripe.transfers.create(params, { idempotencyKey: 'payout-ord_60' }));
    expect(refusal).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refusal).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });

    // Stripe saves a refusal that happened while executing: the same key answers the same error.
    const replay = await rejection(stripe.transfers.create(params, { idempotencyKey: 'payout-ord_60' }));
    expect(replay).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });
    expect(server.state.requestLog.at(-1)?.replayed).toBe(true);
    expect(server.state.transfers).toHaveLength(0);

    const exact = await stripe.transfers.create(
      { ...params, amount: 2_000 },
      { idempotencyKey: 'payout-ord_60-b' },
    );
    expect(exact.amount).toBe(2_000);
  });

  it('refunds part of a payment, then refuses a refund over what is left', async () => {
    const paymentIntent = await paidPaymentIntent(1_000, 'ord_70');
    const partial = await stripe.refunds.create(
      { payment_intent: paymentIntent.id, amount: 300, reason: 'requested_by_customer' },
      { idempotencyKey: 'dispute-ord_70-1' },
    );
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 300,
      status: 'succeeded',
      payment_intent: paymentIntent.id,
      charge: paymentIntent.latest_charge,
    });
    expect(await stripe.refunds.retrieve(partial.id)).toEqual(partial);

    const over = await rejection(stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 701 }));
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });

    const rest = await stripe.refunds.create({ payment_intent: paymentIntent.id });
    expect(rest.amount).toBe(700);
    const done = await rejection(stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 1 }));
    expect(done).toMatchObject({ code: 'charge_already_refunded' });
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(0);

    await server.settled();
    expect(verifiedOfType('refund.created')).toHaveLength(2);
    expect(verifiedOfType('charge.refunded')).toHaveLength(2);
  });

  it('can hold paid funds as pending, so only transfers tied to the charge go through', async () => {
    await server.close();
    server = await startStripeServer({ webhookSecret: WEBHOOK_SECRET, holdFundsAsPending: true });
    stripe = server.client();
    const paymentIntent = await paidPaymentIntent(5_000, 'ord_80');
    const seller = await onboardedSeller();
    const refusal = await rejection(
      stripe.transfers.create({ amount: 1_000, currency: 'cny', destination: seller.id }),
    );
    expect(refusal).toMatchObject({ code: 'balance_insufficient' });
    const tied = await stripe.transfers.create({
      amount: 5_000,
      currency: 'cny',
      destination: seller.id,
      transfer_group: 'ord_80',
      source_transaction: String(paymentIntent.latest_charge),
    });
    expect(tied.source_transaction).toBe(paymentIntent.latest_charge);
  });
});

describe('Checkout: the hosted payment page', () => {
  const sessionParams = (orderId: string): Stripe.Checkout.SessionCreateParams => ({
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'cny', unit_amount: 42_000, product_data: { name: `Order ${orderId}` } },
      },
    ],
    payment_intent_data: { metadata: { order_id: orderId }, transfer_group: `order_${orderId}` },
    metadata: { order_id: orderId },
    client_reference_id: orderId,
    success_url: 'http://127.0.0.1:1/orders/o1?paid=1&session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:1/orders/o1',
  });

  it('creates a session with its own PaymentIntent, replayed for the same key, and pays it on the hosted page', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams('o1'), { idempotencyKey: 'co-o1' });
    const again = await stripe.checkout.sessions.create(sessionParams('o1'), { idempotencyKey: 'co-o1' });
    expect(again.id).toBe(session.id);
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 42_000,
      currency: 'cny',
      metadata: { order_id: 'o1' },
    });
    expect(session.id.startsWith('cs_')).toBe(true);
    expect(session.url?.startsWith(`${server.url}/checkout/pay/`)).toBe(true);
    const paymentIntentId = String(session.payment_intent);
    expect(await stripe.paymentIntents.retrieve(paymentIntentId)).toMatchObject({
      amount: 42_000,
      status: 'requires_payment_method',
      metadata: { order_id: 'o1' },
      transfer_group: 'order_o1',
    });
    expect(server.state.paymentIntents).toHaveLength(1);

    const page = await fetch(session.url ?? '');
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('CNY 420.00');
    expect(text).toContain('<form method="post">');
    const paid = await fetch(session.url ?? '', {
      method: 'POST',
      body: new URLSearchParams({ action: 'pay' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://127.0.0.1:1/orders/o1?paid=1&session=${session.id}`);

    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
    });
    expect(await stripe.paymentIntents.retrieve(paymentIntentId)).toMatchObject({
      status: 'succeeded',
      amount_received: 42_000,
    });
    const listed = await stripe.checkout.sessions.list({ payment_intent: paymentIntentId });
    expect(listed.data.map((s) => s.id)).toEqual([session.id]);
    await server.settled();
    expect(verifiedOfType('payment_intent.succeeded')[0]?.data.object).toMatchObject({ id: paymentIntentId });
    expect(verifiedOfType('checkout.session.completed')[0]?.data.object).toMatchObject({ id: session.id });
    // A paid session's page does not take a second payment.
    expect((await fetch(session.url ?? '')).status).toBe(410);
  });

  it('sends the customer to cancel_url without paying, and cancels the intent of an expired session', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams('o2'));
    const left = await fetch(session.url ?? '', {
      method: 'POST',
      body: new URLSearchParams({ action: 'cancel' }),
      redirect: 'manual',
    });
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe('http://127.0.0.1:1/orders/o1');
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');

    server.actions.expireCheckoutSession(session.id);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    expect((await stripe.paymentIntents.retrieve(String(session.payment_intent))).status).toBe('canceled');
    const refused = await rejection(
      stripe.checkout.sessions.create({ ...sessionParams('o3'), mode: 'setup' }),
    );
    expect(refused).toMatchObject({ param: 'mode' });
  });
});
