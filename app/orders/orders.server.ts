// Orders: buy now with stock reserved in the same step, then every step of the lifecycle with its ledger postings.
import { and, desc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { tiersAt } from '../fairs/fairs.server';
import { priceListOrigin, tiersForBuyer } from '../b2b/price-lists.server';
import { z } from 'zod';
import { db, type DbOrTx, type Tx } from '../../db/client';
import {
  bookings,
  categories,
  disputes,
  handovers,
  invoices,
  ledgerTransactions,
  listings,
  orderEvents,
  orders,
  priceTiers,
  buyTokens,
} from '../../db/schema';
import type { Order } from '../../db/schema';
import { type Viewer, assertOrgMayAct, orgMayTrade } from '../lib/auth.server';
import { env } from '../lib/env.server';
import type { FieldErrors } from '../lib/forms.server';
import { type OrderEventHook, afterOrderEvent, afterOrderEventsInHand } from './hooks.server';
import { newId, newToken } from '../lib/ids';
import { parseMoney } from '../lib/money';
import { type OutboxJob, enqueue, enqueueJobs, outboxJob } from '../lib/outbox.server';
import { type QuantityUnit, toBase } from '../lib/units';
import {
  type EscrowMovement,
  LedgerError,
  ledgerTransactionId,
  postEscrowMovements,
  recordPaymentReceived,
  recordPayout,
  termsPositionOfOrder,
} from '../ledger/ledger.server';
import { ListingError, releaseStock, reserveStock } from '../listings/listings.server';
import { weigh } from './catch-weight';
import { issueInvoices } from './invoice-document.server';
import { type DisputePhoto, attachDisputePhotos, removeStoredFiles } from './dispute-files.server';
import { QUANTITY_ERRORS, quoteBuy } from './pricing';
import { approvedWithLaterDeadline, initialOrderStatus } from '../b2b/approvals.server';
import { activeTerms, drawTermsForOrder, dueDateOf } from '../b2b/terms.server';
import { PO_NUMBER_MAX, PO_NUMBER_PATTERN } from '../b2b/po-number';
import { type OrderAction, type OrderStatus, type Party, RULES, refusal } from './lifecycle';

export class OrderError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

export function paymentProviderName(): 'offline' | 'stripe' {
  return env().STRIPE_SECRET_KEY ? 'stripe' : 'offline';
}

/** Optional: blank is none; anything else must fit the pattern (`errors.poNumber`). */
const poNumberField = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .trim()
    .max(PO_NUMBER_MAX, 'errors.poNumber')
    .regex(PO_NUMBER_PATTERN, 'errors.poNumber')
    .optional(),
);

export const buySchema = z.object({
  listingId: z.string().min(1),
  quantity: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
  unit: z.enum(['g', 'kg', 'jin', 't', 'case', 'piece'], {
    errorMap: () => ({ message: 'errors.chooseOne' }),
  }),
  tolerancePercent: z.coerce
    .number({ invalid_type_error: 'errors.notANumber' })
    .min(0, 'errors.outOfRange')
    .max(20, 'errors.outOfRange')
    .default(0),
  /** The form's one-time token (BUY_TOKEN_PATTERN): a repeat of the same post answers with the first order. */
  buyToken: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/, 'errors.invalid')
      .optional(),
  ),
  /** The buyer's own purchase-order number, carried to the invoice and the webhook (ADR 0052). */
  poNumber: poNumberField,
  /** 'terms': on the credit terms the lot's seller grants the buyer org (账期, ADR 0056) instead of paying now. */
  payment: z.enum(['now', 'terms'], { errorMap: () => ({ message: 'errors.chooseOne' }) }).optional(),
});

/** A fresh one-time token for a buy-now form, made when the form is rendered. */
export function newBuyToken(): string {
  return newToken();
}

/** The order a buyer org's token already bought, if any. */
async function orderOfBuyToken(tx: DbOrTx, buyerOrgId: string, token: string): Promise<string | null> {
  const [row] = await tx
    .select({ orderId: buyTokens.orderId })
    .from(buyTokens)
    .where(and(eq(buyTokens.buyerOrgId, buyerOrgId), eq(buyTokens.token, token)));
  return row?.orderId ?? null;
}

/** Writes one entry of an order's timeline and tells the areas that follow orders (app/orders/hooks.server.ts). */
export async function addEvent(
  tx: DbOrTx,
  order: Pick<Order, 'id'>,
  event: {
    kind: string;
    actorUserId?: string | null;
    actorOrgId?: string | null;
    fromStatus?: OrderStatus | null;
    toStatus?: OrderStatus | null;
    reason?: string | null;
    data?: Record<string, unknown>;
  },
) {
  await tx.insert(orderEvents).values({
    id: newId('oev'),
    orderId: order.id,
    kind: event.kind,
    actorUserId: event.actorUserId ?? null,
    actorOrgId: event.actorOrgId ?? null,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    reason: event.reason ?? null,
    data: event.data ?? {},
  });
  await afterOrderEvent(tx, order.id, event);
}

export type NewOrder = {
  listingId: string;
  buyerOrgId: string;
  sellerOrgId: string;
  source: 'buy_now' | 'quote' | 'auction' | 'exchange' | 'farming';
  /** In the listing's base unit (grams or pieces). */
  quantity: number;
  unitPriceFen: number;
  perBase: number;
  subtotalFen: number;
  currency: string;
  feeBps: number;
  toleranceBps?: number;
  createdBy: string;
  /** Defaults to now + ORDER_PAYMENT_HOURS. */
  payBy?: Date;
  /** Extra data on the 'created' timeline event (the auction or quote it came from). */
  origin?: Record<string, unknown>;
  /** Already in the order's escrow when it is made (a harvest plan's deposit); the buyer pays the rest. */
  depositAppliedFen?: number;
  /** 'awaiting_approval' when over the member's spending limit (app/b2b/approvals.server.ts); its pay-by is then
   * the approver's deadline and the payment starts at approval. */
  status?: 'pending_payment' | 'awaiting_approval';
  poNumber?: string | null;
  /** On the seller's credit terms (ADR 0056): no payment is started; the order is confirmed by drawing on them. */
  onTerms?: boolean;
};

/**
 * Writes an order awaiting payment inside the caller's transaction: the row, its 'created' event, the
 * delayed unpaid-expiry job and (with Stripe) the payment job. The caller has already reserved the
 * stock (or decided the lot's stock is held another way) and checked who may buy; buy now, accepted
 * quotes and won auctions all come through here.
 */
export async function createOrderInTx(tx: DbOrTx, order: NewOrder): Promise<string> {
  const id = newId('ord');
  const payBy = order.payBy ?? new Date(Date.now() + env().ORDER_PAYMENT_HOURS * 3600 * 1000);
  await tx.insert(orders).values({
    id,
    buyerOrgId: order.buyerOrgId,
    sellerOrgId: order.sellerOrgId,
    listingId: order.listingId,
    source: order.source,
    quantity: order.quantity,
    unitPriceFen: order.unitPriceFen,
    perBase: order.perBase,
    subtotalFen: order.subtotalFen,
    currency: order.currency,
    feeBps: order.feeBps,
    toleranceBps: order.toleranceBps ?? 0,
    depositAppliedFen: order.depositAppliedFen ?? 0,
    provider: order.onTerms ? 'terms' : paymentProviderName(),
    payBy,
    createdBy: order.createdBy,
    status: order.status ?? 'pending_payment',
    poNumber: order.poNumber ?? null,
  });
  await addEvent(
    tx,
    { id },
    {
      kind: 'created',
      actorUserId: order.createdBy,
      actorOrgId: order.buyerOrgId,
      toStatus: order.status ?? 'pending_payment',
      data: order.origin ?? {},
    },
  );
  await enqueue(tx, 'orders', 'expire-unpaid', { orderId: id }, { runAt: payBy });
  if (paymentProviderName() === 'stripe' && order.status !== 'awaiting_approval' && !order.onTerms)
    await enqueue(tx, 'settlement', 'create-payment', { orderId: id });
  return id;
}

/**
 * Buy now: a buyer org's trader orders a quantity ≥ MOQ of a live fixed-price lot at its tier price.
 * The order and the stock reservation are one transaction; the stock update is a conditional write,
 * so concurrent buyers can never take the same kilogram.
 */
type BuyInput = { buyerOrgId: string; actorUserId: string; form: z.infer<typeof buySchema> };
type BuyResult = { ok: true; orderId: string } | { ok: false; errors: FieldErrors; status: number };

export async function placeBuyNow(input: BuyInput): Promise<BuyResult> {
  const token = input.form.buyToken;
  if (!token) return buyNowOnce(input);
  // A repeat of a post that already bought answers with that order, even if the lot has sold out since.
  const first = await orderOfBuyToken(db, input.buyerOrgId, token);
  if (first) return { ok: true, orderId: first };
  const result = await buyNowOnce(input);
  if (result.ok) return result;
  const meanwhile = await orderOfBuyToken(db, input.buyerOrgId, token);
  return meanwhile ? { ok: true, orderId: meanwhile } : result;
}

async function buyNowOnce(input: BuyInput): Promise<BuyResult> {
  const refuse = (field: string, key: string, status = 400) => ({
    ok: false as const,
    errors: { [field]: key },
    status,
  });
  const [lot] = await db
    .select({ listing: listings, baseUnit: categories.baseUnit, feeBps: categories.feeBps })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(listings.id, input.form.listingId));
  if (!lot) return refuse('form', 'errors.notFound', 404);
  const { listing } = lot;
  if (listing.sellerOrgId === input.buyerOrgId) return refuse('form', 'orders.errors.ownLot', 403);
  if (listing.status !== 'live') return refuse('form', 'orders.errors.notOnSale', 409);
  if (listing.saleMode !== 'fixed') return refuse('form', 'orders.errors.notFixedPrice', 409);
  // During a fair the lot sells at its fair price, if its seller set one (app/fairs, ADR 0049).
  const fairTiers = await tiersAt(
    db,
    listing.id,
    await db.select().from(priceTiers).where(eq(priceTiers.listingId, listing.id)),
    new Date(),
  );
  // The seller's price list for this buyer, if one names it, lowers those (app/b2b, ADR 0051).
  const tiers = await tiersForBuyer(db, input.buyerOrgId, listing, fairTiers, new Date());
  // The same quote the buy box shows the buyer before it posts (app/orders/pricing.ts).
  const quote = quoteBuy({ ...listing, baseUnit: lot.baseUnit, tiers }, input.form.quantity, input.form.unit);
  if (!quote.ok) {
    if (quote.error === 'orders.errors.notOnSale') return refuse('form', quote.error, 409);
    return refuse('quantity', quote.error, quote.error === 'listing.errors.insufficientStock' ? 409 : 400);
  }
  const { quantity, unitPriceFen, perBase, subtotalFen } = quote;
  const onTerms = input.form.payment === 'terms';
  if (onTerms && !(await activeTerms(db, listing.sellerOrgId, input.buyerOrgId)))
    return refuse('payment', 'terms.errors.noTerms', 409);

  try {
    const orderId = await db.transaction(async (tx) => {
      // Both orgs before the lot, in the order a suspension locks them: a sanctioned buyer may not buy,
      // and a sanctioned seller's lot is not for sale (its live lots are paused, ADR 0017).
      await assertOrgMayAct(tx, input.buyerOrgId);
      if (!(await orgMayTrade(tx, listing.sellerOrgId)))
        throw new ListingError('orders.errors.notOnSale', 409);
      const token = input.form.buyToken;
      if (token) {
        // The claim waits for a concurrent claim of the same token to commit, then finds it taken.
        const claimed = await tx
          .insert(buyTokens)
          .values({ buyerOrgId: input.buyerOrgId, token })
          .onConflictDoNothing()
          .returning({ token: buyTokens.token });
        if (claimed.length === 0) {
          const first = await orderOfBuyToken(tx, input.buyerOrgId, token);
          if (first) return first;
          throw new ListingError('errors.invalid', 409);
        }
      }
      // Over the member's spending limit the order waits for an approver (ADR 0052); the limit row is locked here.
      const status = await initialOrderStatus(tx, {
        buyerOrgId: input.buyerOrgId,
        userId: input.actorUserId,
        subtotalFen,
      });
      await reserveStock(tx, listing.id, quantity);
      const id = await createOrderInTx(tx, {
        listingId: listing.id,
        buyerOrgId: input.buyerOrgId,
        sellerOrgId: listing.sellerOrgId,
        source: 'buy_now',
        quantity,
        unitPriceFen,
        perBase,
        subtotalFen,
        currency: listing.currency,
        feeBps: lot.feeBps,
        toleranceBps: Math.round(input.form.tolerancePercent * 100),
        createdBy: input.actorUserId,
        origin: priceListOrigin(tiers, quantity),
        status,
        poNumber: input.form.poNumber ?? null,
        onTerms,
      });
      // On terms the order is confirmed at once, drawing on the limit (refused over it); an order waiting for its
      // approver draws when approved (app/b2b/approvals.server.ts).
      if (onTerms && status === 'pending_payment')
        await actOnOrderInTx(
          tx,
          id,
          { userId: input.actorUserId, parties: ['system'] },
          { action: 'record_payment' },
        );
      if (token)
        await tx
          .update(buyTokens)
          .set({ orderId: id })
          .where(and(eq(buyTokens.buyerOrgId, input.buyerOrgId), eq(buyTokens.token, token)));
      return id;
    });
    return { ok: true, orderId };
  } catch (error) {
    // Someone else bought the last of it between our read and our write: the conditional update said no.
    if (error instanceof ListingError)
      return ['orders.errors.notOnSale', 'errors.invalid'].includes(error.messageKey)
        ? refuse('form', error.messageKey, 409)
        : refuse('quantity', error.messageKey, 409);
    if (error instanceof OrderError && error.messageKey.startsWith('terms.'))
      return refuse(error.field ?? 'payment', error.messageKey, error.status);
    throw error;
  }
}

/** What the buyer still pays for an order: its total less a deposit already in its escrow. */
export function balanceDue(order: Pick<Order, 'subtotalFen' | 'depositAppliedFen'>): number {
  return order.subtotalFen - order.depositAppliedFen;
}

/** The parties a viewer speaks for on an order (a user may belong to both sides, or be an operator). */
export function partiesOf(viewer: Viewer, order: Pick<Order, 'buyerOrgId' | 'sellerOrgId'>): Party[] {
  const parties: Party[] = [];
  const acting = (orgId: string) => viewer.memberships.some((m) => m.orgId === orgId && m.role !== 'viewer');
  if (acting(order.buyerOrgId)) parties.push('buyer');
  if (acting(order.sellerOrgId)) parties.push('seller');
  if (viewer.isOperator) parties.push('operator');
  return parties;
}

/** Whether a viewer may see an order at all: members of either side (any role) and operators. */
export function mayView(viewer: Viewer, order: Pick<Order, 'buyerOrgId' | 'sellerOrgId'>): boolean {
  return (
    viewer.isOperator ||
    viewer.memberships.some((m) => m.orgId === order.buyerOrgId || m.orgId === order.sellerOrgId)
  );
}

export type ActionInput =
  | { action: 'cancel'; reason?: string | null }
  | { action: 'record_payment'; reference?: string | null }
  | { action: 'ship' }
  | {
      action: 'record_weight';
      quantity: string;
      unit: QuantityUnit;
      /** Set when the carrier weighs at a hand-over (the timeline says which). */
      handover?: 'pickup' | 'delivery';
    }
  | { action: 'confirm_delivery' }
  | { action: 'deliver' }
  | { action: 'accept' }
  | { action: 'open_dispute'; reason: string; photos?: DisputePhoto[] }
  | {
      action: 'resolve_dispute';
      outcome: 'refund_full' | 'refund_partial' | 'rejected';
      refund?: string;
      resolution: string;
    }
  | { action: 'complete' }
  | { action: 'expire_unpaid' };

/** Who takes a step; `orgId` names an org that acts for a party (a carrier's hand-over moves the seller's order). */
type Actor = { userId: string | null; parties: Party[]; orgId?: string };

function pickParty(action: OrderAction, status: OrderStatus, parties: Party[]): Party {
  const allowed = parties.filter((party) => RULES[action].parties.includes(party));
  if (allowed.length === 0) throw new OrderError('orders.errors.wrongParty', 403);
  const party = allowed[0];
  if (refusal(action, status, party) === 'wrongState') throw new OrderError('orders.errors.wrongState', 409);
  return party;
}

function inspectionSeconds(hours: number): number {
  return env().INSPECTION_SECONDS_OVERRIDE ?? hours * 3600;
}

/**
 * Pays out the escrow of finished orders: refund to the buyer, release to the seller, invoice, follow-up jobs.
 * The follow-up jobs go first and the ledger postings last: the seller's invoice counter and the ledger accounts
 * are the rows other settlements wait for, so they are locked as late as possible (ADR 0033). One order or many
 * (ADR 0048): each kind of write is one statement for all of them.
 */
async function settle(
  tx: Tx,
  items: readonly { order: Order; refundFen: number }[],
  actorUserId: string | null,
): Promise<void> {
  const jobs: OutboxJob[] = [];
  const invoiced: { order: Order; totalFen: number }[] = [];
  const movements: EscrowMovement[] = [];
  const dueDates: { id: string; dueAt: Date }[] = [];
  for (const { order, refundFen } of items) {
    const releaseFen = order.subtotalFen - refundFen;
    const refundKey = `order:${order.id}:refund`;
    const onTerms = order.provider === 'terms';
    // The ledger transaction's id is derived from its key, so the job can name it before it is posted. On terms
    // nothing was paid in, so nothing goes back through the provider: the refund lowers the buyer's debt.
    if (refundFen > 0 && !onTerms)
      jobs.push(
        outboxJob('settlement', 'refund', {
          orderId: order.id,
          ledgerTransactionId: ledgerTransactionId(refundKey),
        }),
      );
    if (releaseFen > 0 && order.provider === 'stripe')
      jobs.push(outboxJob('settlement', 'payout', { orderId: order.id }));
    if (releaseFen > 0) invoiced.push({ order, totalFen: releaseFen });
    const common = { orderId: order.id, currency: order.currency as 'CNY', createdBy: actorUserId };
    if (refundFen > 0)
      movements.push({
        kind: 'refund',
        input: {
          ...common,
          amount: refundFen,
          idempotencyKey: refundKey,
          memo: onTerms ? 'refund on terms' : 'refund to buyer',
          termsBuyerOrgId: onTerms ? order.buyerOrgId : null,
        },
      });
    if (releaseFen > 0)
      movements.push({
        kind: 'release',
        input: {
          ...common,
          sellerOrgId: order.sellerOrgId,
          feeBps: order.feeBps,
          amount: releaseFen,
          idempotencyKey: `order:${order.id}:release`,
          memo: onTerms ? 'escrow released, uncollected until the buyer pays' : 'escrow released to seller',
          onTerms,
        },
      });
    if (releaseFen > 0 && onTerms && order.termsNetDays !== null)
      dueDates.push({ id: order.id, dueAt: dueDateOf(new Date(), order.termsNetDays) });
  }
  for (const { id, dueAt } of dueDates)
    await tx
      .update(orders)
      .set({ dueAt })
      .where(and(eq(orders.id, id), isNull(orders.dueAt)));
  await enqueueJobs(tx, jobs);
  await issueInvoices(tx, invoiced);
  await postEscrowMovements(tx, movements);
}

/**
 * Completes delivered orders whose inspection window has passed — the release job's step ('complete') for up to
 * `limit` orders in one transaction, with the same writes as actOnOrder takes for one (the equality is tested in
 * tests/integration/settlement-batch.test.ts), each kind of write one statement for the whole batch. Orders another
 * transaction holds are skipped (it is settling them, or disputing them), so concurrent sweeps never wait on each
 * other's orders; counters and ledger accounts are locked in key order, as a single settlement locks them. An
 * order whose escrow is short is left out (its own job reports it) and the rest settle. Returns the ids completed.
 */
export async function completeDueOrders(options: { limit?: number } = {}): Promise<string[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.status, 'delivered'), lte(orders.inspectionEndsAt, new Date())))
      .orderBy(orders.inspectionEndsAt)
      .limit(options.limit ?? env().SETTLEMENT_BATCH_SIZE)
      .for('update', { skipLocked: true });
    let batch = due;
    while (batch.length > 0) {
      try {
        // A savepoint: a refused order's writes are undone and the batch settles without it.
        await tx.transaction((savepoint) => completeOrders(savepoint, batch));
        return batch.map((order) => order.id);
      } catch (error) {
        if (!(error instanceof LedgerError && error.code === 'insufficient_escrow' && error.orderId))
          throw error;
        const refused = error.orderId;
        batch = batch.filter((order) => order.id !== refused);
      }
    }
    return [];
  });
}

async function completeOrders(tx: Tx, due: readonly Order[]): Promise<void> {
  const completed = 'completed' as const;
  const updated = await tx
    .update(orders)
    .set({ status: completed, version: sql`${orders.version} + 1` })
    .where(
      inArray(
        orders.id,
        due.map((order) => order.id),
      ),
    )
    .returning();
  const events = due.map((order) => ({
    order,
    event: {
      kind: 'complete',
      actorUserId: null,
      actorOrgId: null,
      fromStatus: order.status,
      toStatus: completed,
      reason: null,
      data: { finalTotalFen: order.finalTotalFen ?? order.subtotalFen, party: 'system' },
    } satisfies OrderEventHook,
  }));
  await tx
    .insert(orderEvents)
    .values(events.map(({ order, event }) => ({ id: newId('oev'), orderId: order.id, ...event })));
  const after = new Map(updated.map((order) => [order.id, order]));
  await afterOrderEventsInHand(
    tx,
    events.map(({ order, event }) => ({ order: after.get(order.id) ?? order, event })),
  );
  await settle(
    tx,
    due.map((order) => ({
      order,
      refundFen: order.subtotalFen - (order.finalTotalFen ?? order.subtotalFen),
    })),
    null,
  );
}

/**
 * Takes one step of an order's lifecycle for a party, in one transaction with its ledger postings and
 * follow-up jobs. The row is locked first, so two steps on one order never interleave.
 */
export async function actOnOrder(orderId: string, actor: Actor, input: ActionInput): Promise<Order> {
  // Files written inside the transaction; removed again if it does not commit, so a refused step leaves none.
  const written: string[] = [];
  try {
    return await stepInTransaction(orderId, actor, input, written);
  } catch (error) {
    await removeStoredFiles(written);
    throw error;
  }
}

/**
 * Takes one step inside the caller's transaction (a carrier's hand-over writes its record and the order's steps
 * together); the order's row is locked here if the caller does not hold it yet.
 */
export function actOnOrderInTx(tx: Tx, orderId: string, actor: Actor, input: ActionInput): Promise<Order> {
  return stepInTransaction(orderId, actor, input, [], tx);
}

function stepInTransaction(orderId: string, actor: Actor, input: ActionInput, written: string[], outer?: Tx) {
  const inTransaction = (step: (tx: Tx) => Promise<Order>) => (outer ? step(outer) : db.transaction(step));
  return inTransaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order) throw new OrderError('errors.notFound', 404);
    const party = pickParty(input.action, order.status, actor.parties);
    // The org that takes the step (a carrier for its hand-over, else the party's side) may not be sanctioned now.
    const actingOrgId =
      actor.orgId ?? (party === 'buyer' ? order.buyerOrgId : party === 'seller' ? order.sellerOrgId : null);
    if (actingOrgId) await assertOrgMayAct(tx, actingOrgId);
    const rule = RULES[input.action];
    const patch: Partial<typeof orders.$inferInsert> = {};
    let reason: string | null = null;
    const data: Record<string, unknown> = {};
    const now = new Date();
    // Paying out the escrow runs last, after the order's update, its event and the hooks: its postings lock the
    // seller's invoice counter and ledger accounts, and those locks are then held only until the commit (ADR 0033).
    let settlement: (() => Promise<void>) | null = null;

    switch (input.action) {
      case 'cancel':
      case 'expire_unpaid':
        // The job enqueued at ordering is early for an order approved since: its fresh deadline has its own job.
        if (input.action === 'expire_unpaid' && (await approvedWithLaterDeadline(tx, order, now)))
          throw new OrderError('orders.errors.wrongState', 409);
        await releaseStock(tx, order.listingId, order.quantity);
        reason = input.action === 'cancel' ? (input.reason ?? null) : 'unpaid by the deadline';
        break;
      case 'record_payment':
        // On terms nothing is paid now: the buyer's receivable funds the escrow, within the limit (ADR 0056).
        if (order.provider === 'terms') {
          patch.termsNetDays = await drawTermsForOrder(tx, order, actor.userId);
          data.termsNetDays = patch.termsNetDays;
        }
        // A deposit applied when the order was made is in escrow already: the payment is the balance.
        else if (order.subtotalFen > order.depositAppliedFen)
          await recordPaymentReceived(tx, {
            orderId: order.id,
            amount: balanceDue(order),
            currency: order.currency as 'CNY',
            idempotencyKey: `order:${order.id}:payment`,
            createdBy: actor.userId,
            memo: input.reference ? `bank transfer ${input.reference}` : 'payment received',
          });
        if (input.reference) data.reference = input.reference.slice(0, 80);
        break;
      case 'record_weight': {
        // Once the carrier has weighed at a hand-over, its scale settles the order (ADR 0028), not the seller's.
        if (party === 'seller') {
          const [carrierWeighed] = await tx
            .select({ id: handovers.id })
            .from(handovers)
            .innerJoin(bookings, eq(bookings.id, handovers.bookingId))
            .where(and(eq(bookings.orderId, order.id), isNotNull(handovers.weightGrams)))
            .limit(1);
          if (carrierWeighed) throw new OrderError('orders.errors.carrierWeighed', 409);
        }
        const [listing] = await tx
          .select({ caseNetGrams: listings.caseNetGrams, baseUnit: categories.baseUnit })
          .from(listings)
          .innerJoin(categories, eq(categories.id, listings.categoryId))
          .where(eq(listings.id, order.listingId));
        const weighed = toBase(input.quantity, input.unit, {
          caseNetGrams: listing?.caseNetGrams ?? undefined,
          base: listing?.baseUnit,
        });
        if (!weighed.ok)
          throw new OrderError(QUANTITY_ERRORS[weighed.error] ?? 'errors.invalid', 400, 'quantity');
        const result = weigh({ ...order, deliveredQuantity: weighed.value });
        // Over-weight is not charged: the order total never exceeds what the buyer put in escrow.
        patch.deliveredQuantity = weighed.value;
        patch.finalTotalFen = Math.min(result.finalTotalFen, order.subtotalFen);
        Object.assign(data, {
          deliveredQuantity: weighed.value,
          finalTotalFen: patch.finalTotalFen,
          withinTolerance: result.withinTolerance,
          deviationBps: result.deviationBps,
        });
        if (input.handover) data.handover = input.handover;
        break;
      }
      case 'deliver':
      case 'confirm_delivery': {
        const [category] = await tx
          .select({ hours: categories.inspectionHours })
          .from(listings)
          .innerJoin(categories, eq(categories.id, listings.categoryId))
          .where(eq(listings.id, order.listingId));
        patch.inspectionEndsAt = new Date(now.getTime() + inspectionSeconds(category?.hours ?? 24) * 1000);
        await enqueue(
          tx,
          'settlement',
          'release-escrow',
          { orderId: order.id },
          { runAt: patch.inspectionEndsAt },
        );
        break;
      }
      case 'open_dispute': {
        if (order.inspectionEndsAt && order.inspectionEndsAt <= now)
          throw new OrderError('orders.errors.windowClosed', 409);
        const text = input.reason.trim();
        if (text.length < 5) throw new OrderError('orders.errors.reasonRequired', 400, 'reason');
        const disputeId = newId('dsp');
        await tx.insert(disputes).values({
          id: disputeId,
          orderId: order.id,
          openedBy: actor.userId ?? 'system',
          reason: text.slice(0, 2000),
        });
        await attachDisputePhotos(tx, disputeId, input.photos ?? [], written);
        if (input.photos?.length) data.photos = input.photos.length;
        reason = text.slice(0, 500);
        break;
      }
      case 'resolve_dispute': {
        const escrowed = order.finalTotalFen ?? order.subtotalFen;
        let refundFen = 0;
        if (input.outcome === 'refund_full') refundFen = order.subtotalFen;
        else if (input.outcome === 'refund_partial') {
          const parsed = parseMoney(input.refund ?? '');
          if (!parsed.ok || parsed.amount <= 0 || parsed.amount > escrowed)
            throw new OrderError('orders.errors.refundInvalid', 400, 'refund');
          refundFen = parsed.amount + (order.subtotalFen - escrowed);
        } else refundFen = order.subtotalFen - escrowed;
        const resolution = input.resolution.trim();
        if (resolution.length < 5) throw new OrderError('orders.errors.reasonRequired', 400, 'resolution');
        await tx
          .update(disputes)
          .set({
            status: 'resolved',
            outcome: input.outcome,
            refundFen,
            resolution: resolution.slice(0, 2000),
            resolvedBy: actor.userId,
            resolvedAt: now,
          })
          .where(eq(disputes.orderId, order.id));
        settlement = () => settle(tx, [{ order, refundFen }], actor.userId);
        reason = resolution.slice(0, 500);
        Object.assign(data, { outcome: input.outcome, refundFen });
        break;
      }
      case 'accept':
      case 'complete': {
        // The release job may run early or twice; only a delivered order whose window has passed completes.
        // The buyer may accept before then (确认收货); the job then finds the order completed and does nothing.
        if (input.action === 'complete' && (!order.inspectionEndsAt || order.inspectionEndsAt > now))
          throw new OrderError('orders.errors.windowOpen', 409);
        const finalTotal = order.finalTotalFen ?? order.subtotalFen;
        settlement = () => settle(tx, [{ order, refundFen: order.subtotalFen - finalTotal }], actor.userId);
        Object.assign(data, { finalTotalFen: finalTotal });
        break;
      }
      case 'ship':
        break;
    }

    if (rule.to) patch.status = rule.to;
    const [updated] = await tx
      .update(orders)
      .set({ ...patch, version: sql`${orders.version} + 1` })
      .where(eq(orders.id, order.id))
      .returning();
    await addEvent(tx, order, {
      kind: input.action,
      actorUserId: actor.userId,
      actorOrgId:
        actor.orgId ?? (party === 'buyer' ? order.buyerOrgId : party === 'seller' ? order.sellerOrgId : null),
      fromStatus: rule.to ? order.status : null,
      toStatus: rule.to,
      reason,
      data: { ...data, party },
    });
    if (settlement) await settlement();
    return updated;
  });
}

/** An operator records an offline payout to the seller (bank transfer made outside Wharf). */
export async function recordOfflinePayout(
  orderId: string,
  operatorUserId: string,
  reference: string | null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order) throw new OrderError('errors.notFound', 404);
    if (order.status !== 'completed' && order.status !== 'resolved')
      throw new OrderError('orders.errors.wrongState', 409);
    const [invoice] = await tx.select().from(invoices).where(eq(invoices.orderId, order.id));
    if (!invoice) throw new OrderError('orders.errors.nothingToPay', 409);
    // Under the order's row lock: a payout already posted (by an earlier submission or the provider's
    // payout job) is refused, so the timeline gets one payout_recorded event per ledger posting.
    const [earlier] = await tx
      .select({ id: ledgerTransactions.id })
      .from(ledgerTransactions)
      .where(eq(ledgerTransactions.idempotencyKey, `order:${order.id}:payout`));
    if (earlier) throw new OrderError('orders.errors.payoutAlreadyRecorded', 409);
    // On terms the seller's share reaches its balance as the buyer pays (ADR 0056): pay out once all is paid.
    if (
      order.provider === 'terms' &&
      (await termsPositionOfOrder(tx, order.id, order.currency as 'CNY')).owedFen > 0
    )
      throw new OrderError('terms.errors.payoutBeforePaid', 409);
    await recordPayout(tx, {
      sellerOrgId: order.sellerOrgId,
      orderId: order.id,
      amount: invoice.totalFen - invoice.feeFen,
      currency: order.currency as 'CNY',
      idempotencyKey: `order:${order.id}:payout`,
      createdBy: operatorUserId,
      memo: reference ? `bank transfer ${reference.slice(0, 80)}` : 'payout',
    });
    await addEvent(tx, order, {
      kind: 'payout_recorded',
      actorUserId: operatorUserId,
      reason: reference?.slice(0, 80) ?? null,
    });
  });
}

export type OrderListFilter = {
  orgId: string;
  side: 'all' | 'buying' | 'selling';
  status?: OrderStatus | 'open';
  page: number;
};

export const ORDER_PAGE_SIZE = 20;

export async function listOrders(tx: DbOrTx, filter: OrderListFilter) {
  const side =
    filter.side === 'buying'
      ? eq(orders.buyerOrgId, filter.orgId)
      : filter.side === 'selling'
        ? eq(orders.sellerOrgId, filter.orgId)
        : or(eq(orders.buyerOrgId, filter.orgId), eq(orders.sellerOrgId, filter.orgId));
  const status =
    filter.status === 'open'
      ? sql`${orders.status} not in ('completed', 'resolved', 'cancelled')`
      : filter.status
        ? eq(orders.status, filter.status)
        : undefined;
  const rows = await tx
    .select({
      order: orders,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
    })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .where(and(side, status))
    .orderBy(desc(orders.createdAt))
    .limit(ORDER_PAGE_SIZE + 1)
    .offset((filter.page - 1) * ORDER_PAGE_SIZE);
  return { rows: rows.slice(0, ORDER_PAGE_SIZE), hasMore: rows.length > ORDER_PAGE_SIZE };
}

export async function orderTimeline(tx: DbOrTx, orderId: string) {
  return tx
    .select()
    .from(orderEvents)
    .where(eq(orderEvents.orderId, orderId))
    .orderBy(orderEvents.at, orderEvents.id);
}
