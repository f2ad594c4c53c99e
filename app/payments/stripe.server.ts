// The Stripe provider: PaymentIntents for buyers, Connect Transfers to sellers, refunds, webhooks, and seller onboarding.
import { UnrecoverableError } from 'bullmq';
import { and, eq, exists, inArray, isNull, not } from 'drizzle-orm';
import type Stripe from 'stripe';
import { db } from '../../db/client';
import { invoices, ledgerTransactions, orders, payoutAccounts, providerEvents } from '../../db/schema';
import type { Order } from '../../db/schema';
import { ledgerTransactionId } from '../ledger/ledger.server';
import { env } from '../lib/env.server';
import { log } from '../lib/log.server';
import { enqueue } from '../lib/outbox.server';
import { remember } from '../lib/remember.server';
import { OrderError, actOnOrder, balanceDue } from '../orders/orders.server';
import { type PaymentProvider, registerStripeProvider } from './providers.server';

/** Stripe's own default; an older signature is refused, so a captured request can't be replayed later. */
const WEBHOOK_TOLERANCE_SECONDS = 300;
/** How far ahead of our clock a signature's timestamp may be (clock drift); Stripe's library checks only the past. */
const WEBHOOK_FUTURE_SKEW_SECONDS = 60;

/** The signed timestamp (`t=`, unix seconds) of a Stripe-Signature header, or null without one. */
function signedAt(header: string): number | null {
  const t = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(header)?.[1];
  return t ? Number(t) : null;
}
/** Stripe's events are a few kilobytes; anything far larger is not from Stripe. */
export const WEBHOOK_MAX_BYTES = 512 * 1024;

/** The event types the worker acts on; every other type is stored as processed and never queued. */
const HANDLED_EVENT_TYPES = new Set(['payment_intent.succeeded', 'account.updated']);

/**
 * A payout that can't be made yet but will once the seller acts (finishes onboarding): the job retries,
 * and account.updated queues the seller's waiting payouts again when payouts become enabled.
 */
export class PayoutAccountNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayoutAccountNotReadyError';
  }
}

/** The Stripe library loads on first use (a payment, a webhook), not when the web process starts (issue #22). */
async function loadStripe(): Promise<typeof Stripe> {
  return (await import('stripe')).default;
}

/** The process's Stripe client, pointed at STRIPE_API_BASE when set (the local Stripe-compatible server). */
export async function stripeClient(): Promise<Stripe> {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE, NODE_ENV } = env();
  if (!STRIPE_SECRET_KEY) throw new Error('STRIPE_SECRET_KEY is not set: the Stripe provider is off');
  const Stripe = await loadStripe();
  return remember(`stripe-client:${STRIPE_API_BASE ?? 'stripe'}`, () => {
    const base = STRIPE_API_BASE ? new URL(STRIPE_API_BASE) : null;
    const protocol = base?.protocol === 'http:' ? 'http' : 'https';
    return new Stripe(STRIPE_SECRET_KEY, {
      ...(base
        ? { host: base.hostname, port: Number(base.port || (protocol === 'http' ? 80 : 443)), protocol }
        : {}),
      // Our idempotency keys make retries safe; tests want a failure at once rather than after back-off.
      maxNetworkRetries: NODE_ENV === 'test' ? 0 : 2,
      timeout: 20_000,
      telemetry: false,
      appInfo: { name: 'Wharf' },
    });
  });
}

/** Every movement of one order's money carries this group, so Stripe's dashboard shows an order's money together. */
export function transferGroup(order: Pick<Order, 'id'>): string {
  return `order_${order.id}`;
}

/** The PaymentIntent's key: one per order for ever, so a retried create-payment job finds the same intent. */
export function paymentIntentKey(order: Pick<Order, 'id'>): string {
  return ledgerTransactionId(`order:${order.id}:payment-intent`);
}

async function createPayment(order: Order): Promise<{ reference: string }> {
  const paymentIntent = await (await stripeClient()).paymentIntents.create(
    {
      amount: balanceDue(order),
      currency: order.currency.toLowerCase(),
      // Card or bank transfer, whichever the buyer's account offers (payment_method_types is gone).
      automatic_payment_methods: { enabled: true },
      transfer_group: transferGroup(order),
      description: `Wharf order ${order.id}`,
      metadata: { order_id: order.id },
    },
    { idempotencyKey: paymentIntentKey(order) },
  );
  return { reference: paymentIntent.id };
}

/** The charge that paid the order, so a transfer can draw on it before the funds reach the available balance. */
async function paidCharge(order: Order): Promise<string | null> {
  if (!order.providerRef) return null;
  const paymentIntent = await (await stripeClient()).paymentIntents.retrieve(order.providerRef);
  if (paymentIntent.status !== 'succeeded' || !paymentIntent.latest_charge) return null;
  return typeof paymentIntent.latest_charge === 'string'
    ? paymentIntent.latest_charge
    : paymentIntent.latest_charge.id;
}

async function payout(
  order: Order,
  input: { amountFen: number; idempotencyKey: string },
): Promise<{ reference: string }> {
  const [account] = await db
    .select()
    .from(payoutAccounts)
    .where(and(eq(payoutAccounts.orgId, order.sellerOrgId), eq(payoutAccounts.provider, 'stripe')));
  if (!account) {
    throw new PayoutAccountNotReadyError(
      `seller org ${order.sellerOrgId} has no Stripe payout account; order ${order.id} is paid out once it finishes onboarding`,
    );
  }
  if (!account.payoutsEnabled) {
    throw new PayoutAccountNotReadyError(
      `payouts are not enabled on ${account.externalId} (seller org ${order.sellerOrgId}); order ${order.id} is paid out once onboarding is complete`,
    );
  }
  const stripe = await stripeClient();
  const group = transferGroup(order);
  // Stripe forgets an idempotency key after 24 hours; the transfer's metadata is the guard that lasts.
  const earlier = await stripe.transfers.list({ transfer_group: group, limit: 100 });
  const found = earlier.data.find((t) => t.metadata?.ledger_transaction_id === input.idempotencyKey);
  if (found) return { reference: found.id };
  const source = await paidCharge(order);
  const transfer = await stripe.transfers.create(
    {
      amount: input.amountFen,
      currency: order.currency.toLowerCase(),
      destination: account.externalId,
      transfer_group: group,
      ...(source ? { source_transaction: source } : {}),
      description: `Wharf order ${order.id}`,
      metadata: { order_id: order.id, ledger_transaction_id: input.idempotencyKey },
    },
    { idempotencyKey: input.idempotencyKey },
  );
  return { reference: transfer.id };
}

async function refund(
  order: Order,
  input: { amountFen: number; idempotencyKey: string },
): Promise<{ reference: string }> {
  if (!order.providerRef) {
    // Paid by hand although placed through Stripe: the operator refunds the same way.
    throw new UnrecoverableError(`order ${order.id} has no PaymentIntent to refund; refund it by hand`);
  }
  const stripe = await stripeClient();
  const earlier = await stripe.refunds.list({ payment_intent: order.providerRef, limit: 100 });
  const found = earlier.data.find((r) => r.metadata?.ledger_transaction_id === input.idempotencyKey);
  if (found) return { reference: found.id };
  const created = await stripe.refunds.create(
    {
      payment_intent: order.providerRef,
      amount: input.amountFen,
      metadata: { order_id: order.id, ledger_transaction_id: input.idempotencyKey },
    },
    { idempotencyKey: input.idempotencyKey },
  );
  return { reference: created.id };
}

/** The buyer paid: re-read the intent from Stripe and, if it really succeeded for this order, fund the escrow. */
async function paymentSucceeded(paymentIntentId: string): Promise<Record<string, unknown>> {
  const paymentIntent = await (await stripeClient()).paymentIntents.retrieve(paymentIntentId);
  if (paymentIntent.status !== 'succeeded') return { ignored: `payment intent is ${paymentIntent.status}` };
  const orderId = paymentIntent.metadata?.order_id;
  const [order] = await db
    .select()
    .from(orders)
    .where(orderId ? eq(orders.id, orderId) : eq(orders.providerRef, paymentIntent.id));
  if (!order) {
    log.warn({ paymentIntent: paymentIntent.id }, 'a succeeded payment intent names no order of ours');
    return { ignored: 'no such order' };
  }
  // Settlement exceptions: they fail the job visibly (the operator console) rather than move money wrongly.
  if (order.providerRef && order.providerRef !== paymentIntent.id) {
    throw new UnrecoverableError(
      `order ${order.id} is paid by ${order.providerRef}, yet ${paymentIntent.id} also succeeded: refund one by hand`,
    );
  }
  if (
    paymentIntent.amount_received !== balanceDue(order) ||
    paymentIntent.currency !== order.currency.toLowerCase()
  ) {
    throw new UnrecoverableError(
      `payment intent ${paymentIntent.id} received ${paymentIntent.amount_received} ${paymentIntent.currency}; order ${order.id} costs ${balanceDue(order)} ${order.currency}`,
    );
  }
  // The webhook may beat the create-payment job to storing the reference.
  if (!order.providerRef) {
    await db
      .update(orders)
      .set({ providerRef: paymentIntent.id })
      .where(and(eq(orders.id, order.id), isNull(orders.providerRef)));
  }
  try {
    await actOnOrder(
      order.id,
      { userId: null, parties: ['system'] },
      { action: 'record_payment', reference: paymentIntent.id },
    );
    return { orderId: order.id, paid: true };
  } catch (error) {
    if (!(error instanceof OrderError) || error.messageKey !== 'orders.errors.wrongState') throw error;
    const [now] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, order.id));
    if (now?.status === 'cancelled') {
      log.error(
        { orderId: order.id, paymentIntent: paymentIntent.id },
        'payment arrived for a cancelled order: refund it by hand',
      );
      return { orderId: order.id, paid: false, exception: 'paid after cancellation' };
    }
    return { orderId: order.id, paid: false, alreadyPaid: true };
  }
}

/**
 * Re-reads a connected account and records whether it can be paid. When payouts become enabled, the
 * seller's finished orders that no payout has reached yet are queued again in the same transaction.
 */
export async function syncPayoutAccount(accountId: string): Promise<Record<string, unknown>> {
  const account = await (await stripeClient()).accounts.retrieve(accountId);
  const enabled = account.payouts_enabled === true && account.capabilities?.transfers === 'active';
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(payoutAccounts)
      .where(eq(payoutAccounts.externalId, account.id))
      .for('update');
    if (!before) return { ignored: 'not a payout account of ours' };
    await tx
      .update(payoutAccounts)
      .set({ payoutsEnabled: enabled })
      .where(eq(payoutAccounts.externalId, account.id));
    if (!enabled || before.payoutsEnabled) return { accountId: account.id, payoutsEnabled: enabled };
    const waiting = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(
        and(
          eq(orders.sellerOrgId, before.orgId),
          eq(orders.provider, 'stripe'),
          inArray(orders.status, ['completed', 'resolved']),
          exists(tx.select().from(invoices).where(eq(invoices.orderId, orders.id))),
          not(
            exists(
              tx
                .select()
                .from(ledgerTransactions)
                .where(and(eq(ledgerTransactions.orderId, orders.id), eq(ledgerTransactions.kind, 'payout'))),
            ),
          ),
        ),
      );
    for (const order of waiting) await enqueue(tx, 'settlement', 'payout', { orderId: order.id });
    return { accountId: account.id, payoutsEnabled: true, payoutsQueued: waiting.length };
  });
}

async function handleEvent(eventId: string): Promise<Record<string, unknown>> {
  const [event] = await db.select().from(providerEvents).where(eq(providerEvents.id, eventId));
  if (!event) throw new UnrecoverableError(`no stored provider event ${eventId}`);
  if (event.processedAt) return { eventId, skipped: 'already processed' };
  let outcome: Record<string, unknown> = { ignored: event.type };
  if (event.type === 'payment_intent.succeeded' && event.objectId)
    outcome = await paymentSucceeded(event.objectId);
  else if (event.type === 'account.updated' && event.objectId)
    outcome = await syncPayoutAccount(event.objectId);
  await db
    .update(providerEvents)
    .set({ processedAt: new Date() })
    .where(and(eq(providerEvents.id, event.id), isNull(providerEvents.processedAt)));
  return { eventId, type: event.type, ...outcome };
}

export type WebhookOutcome = { status: 200 | 400 | 413 | 503; message: string };

/**
 * A webhook delivery: verify the signature against the raw body, store the event once by id, and queue
 * it (same transaction, through the outbox) for the worker, which re-reads the object from Stripe.
 */
export async function receiveStripeWebhook(raw: string, signature: string | null): Promise<WebhookOutcome> {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  // 503 rather than 200: Stripe keeps the event and retries once the endpoint is configured.
  if (!secret) return { status: 503, message: 'Stripe webhooks are not configured' };
  if (Buffer.byteLength(raw) > WEBHOOK_MAX_BYTES) return { status: 413, message: 'payload too large' };
  if (!signature) return { status: 400, message: 'missing Stripe-Signature header' };
  let event: Stripe.Event;
  try {
    event = (await loadStripe()).webhooks.constructEvent(raw, signature, secret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'stripe webhook refused');
    return { status: 400, message: 'invalid signature' };
  }
  // A valid signature dated ahead of us is refused too: otherwise a captured delivery stays replayable for longer.
  const at = signedAt(signature);
  if (at === null || at > Math.floor(Date.now() / 1000) + WEBHOOK_FUTURE_SKEW_SECONDS) {
    log.warn({ eventId: event.id }, 'stripe webhook refused: signature timestamp in the future');
    return { status: 400, message: 'signature timestamp in the future' };
  }
  const object = event.data.object as { id?: unknown };
  const objectId = typeof object.id === 'string' ? object.id : null;
  const handled = HANDLED_EVENT_TYPES.has(event.type);
  await db.transaction(async (tx) => {
    const stored = await tx
      .insert(providerEvents)
      .values({
        id: event.id,
        provider: 'stripe',
        type: event.type,
        objectId,
        processedAt: handled ? null : new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: providerEvents.id });
    if (stored.length > 0 && handled)
      await enqueue(tx, 'settlement', 'provider-event', { eventId: event.id });
  });
  return { status: 200, message: 'ok' };
}

/**
 * Starts (or resumes) a seller org's Stripe Express onboarding: its connected account, made once per org,
 * and a fresh single-use link to Stripe's hosted form.
 */
export async function startSellerOnboarding(
  orgId: string,
  urls: { returnUrl: string; refreshUrl: string },
): Promise<{ accountId: string; url: string }> {
  const stripe = await stripeClient();
  const existing = async () =>
    (
      await db
        .select()
        .from(payoutAccounts)
        .where(and(eq(payoutAccounts.orgId, orgId), eq(payoutAccounts.provider, 'stripe')))
    )[0];
  let account = await existing();
  if (!account) {
    const created = await stripe.accounts.create(
      {
        type: 'express',
        capabilities: { transfers: { requested: true } },
        metadata: { org_id: orgId },
      },
      // Two clicks on "connect" make one account.
      { idempotencyKey: ledgerTransactionId(`org:${orgId}:express-account`) },
    );
    await db
      .insert(payoutAccounts)
      .values({ orgId, provider: 'stripe', externalId: created.id, payoutsEnabled: false })
      .onConflictDoNothing();
    account = await existing();
    if (!account) throw new Error(`payout account of org ${orgId} could not be stored`);
  }
  const link = await stripe.accountLinks.create({
    account: account.externalId,
    type: 'account_onboarding',
    return_url: urls.returnUrl,
    refresh_url: urls.refreshUrl,
  });
  return { accountId: account.externalId, url: link.url };
}

/** PaymentIntent states nothing has been paid in yet, so canceling one cannot lose a payment. */
const UNPAID_INTENT = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

/**
 * The buyer's payment step: a Stripe Checkout Session for the order's subtotal, reused while it is open.
 * Checkout makes its own PaymentIntent, so it becomes the order's providerRef (the only intent the webhook
 * accepts), and the intent it replaces (the create-payment job's, or an expired session's) is canceled
 * first, so one order can never be charged twice.
 */
export async function startCheckout(
  orderId: string,
  urls: { successUrl: string; cancelUrl: string },
): Promise<{ url: string }> {
  const stripe = await stripeClient();
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || order.provider !== 'stripe' || order.status !== 'pending_payment') {
    throw new OrderError('orders.errors.wrongState');
  }
  const current = order.providerRef;
  if (current) {
    const sessions = await stripe.checkout.sessions.list({ payment_intent: current, limit: 10 });
    const open = sessions.data.find((session) => session.status === 'open' && session.url);
    if (open?.url) return { url: open.url };
    const earlier = await stripe.paymentIntents.retrieve(current);
    // Paid (or a bank transfer under way): the webhook is on its way; another payment would be a second one.
    if (earlier.status !== 'canceled' && !UNPAID_INTENT.has(earlier.status)) {
      throw new OrderError('orders.errors.paymentConfirming');
    }
    if (earlier.status !== 'canceled') {
      await stripe.paymentIntents.cancel(
        current,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: ledgerTransactionId(`order:${order.id}:cancel:${current}`) },
      );
    }
  }
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: order.currency.toLowerCase(),
            unit_amount: balanceDue(order),
            product_data: { name: `Wharf order ${order.id}` },
          },
        },
      ],
      payment_intent_data: {
        metadata: { order_id: order.id },
        transfer_group: transferGroup(order),
        description: `Wharf order ${order.id}`,
      },
      metadata: { order_id: order.id },
      client_reference_id: order.id,
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
    },
    // Keyed by the intent it replaces: a double click makes one session, an expired one a new one.
    { idempotencyKey: ledgerTransactionId(`order:${order.id}:checkout:${current ?? 'first'}`) },
  );
  const paymentIntentId =
    typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
  if (!paymentIntentId || !session.url)
    throw new Error(`checkout session ${session.id} has no intent or url`);
  // Compare-and-set: only the reference this session replaced may be overwritten.
  await db
    .update(orders)
    .set({ providerRef: paymentIntentId })
    .where(
      and(eq(orders.id, order.id), current ? eq(orders.providerRef, current) : isNull(orders.providerRef)),
    );
  const [now] = await db
    .select({ providerRef: orders.providerRef })
    .from(orders)
    .where(eq(orders.id, order.id));
  if (now?.providerRef !== paymentIntentId) {
    throw new OrderError('orders.errors.paymentConfirming');
  }
  return { url: session.url };
}

export const stripeProvider: PaymentProvider = {
  name: 'stripe',
  createPayment,
  payout,
  refund,
  handleEvent,
};

registerStripeProvider(() => stripeProvider);
