// What the order, balance and payments pages read and accept: page queries, views shaped for them, form schemas.
import { tiersAt } from '../fairs/fairs.server';
import { and, asc, count, eq, inArray, notExists, or, sql } from 'drizzle-orm';
import { type SelectedFields, alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import {
  type Order,
  categories,
  disputes,
  invoices,
  listings,
  orderEvents,
  orders,
  organisations,
  priceTiers,
  users,
} from '../../db/schema';
import { escrowReleaseSplit } from '../ledger/ledger.server';
import { type OrgMembership, roleAtLeast } from '../lib/auth.server';
import { sanctionState } from '../trust/sanction-state.server';
import type { Currency } from '../lib/money';
import { type BaseUnit, type QuantityUnit, unitsFor } from '../lib/units';
import { weigh } from './catch-weight';
import type { DisputePhoto } from './dispute-files.server';
import type { OrderAction, OrderStatus } from './lifecycle';
import { ORDER_PAGE_SIZE, type ActionInput, listOrders, orderTimeline } from './orders.server';
import { withdrawnAmong } from '../privacy/consents.server';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'awaiting_approval',
  'pending_payment',
  'paid',
  'shipping',
  'delivered',
  'disputed',
  'completed',
  'resolved',
  'cancelled',
];
const CLOSED: readonly OrderStatus[] = ['completed', 'resolved', 'cancelled'];

export type OrderSide = 'buying' | 'selling';
export type OrderFilter = 'open' | 'all' | OrderStatus;

/** The sides an organisation trades on: a buyer buys, a seller sells, an org of kind both does both. */
export function sidesOf(kind: OrgMembership['kind']): OrderSide[] {
  if (kind === 'buyer') return ['buying'];
  if (kind === 'seller') return ['selling'];
  if (kind === 'both') return ['buying', 'selling'];
  return [];
}

/** The list's side, filter and page from the URL; anything unknown falls back to the default. */
export function orderListQuery(url: URL, sides: OrderSide[]) {
  const side = url.searchParams.get('side');
  const status = url.searchParams.get('status') ?? 'open';
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return {
    side: (sides as string[]).includes(side ?? '') ? (side as OrderSide) : (sides[0] ?? 'buying'),
    status: (['open', 'all', ...ORDER_STATUSES] as string[]).includes(status)
      ? (status as OrderFilter)
      : ('open' as const),
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

/** The short form of an order id people read aloud: its random tail (the head is a timestamp). */
export function shortOrderId(id: string): string {
  return id.slice(-8).toUpperCase();
}

/** One page of an organisation's orders on one side, with the counts per status for the filter. */
export async function orderListPage(
  tx: DbOrTx,
  orgId: string,
  query: { side: OrderSide; status: OrderFilter; page: number },
) {
  const sideColumn = query.side === 'buying' ? orders.buyerOrgId : orders.sellerOrgId;
  const byStatus = await tx
    .select({ status: orders.status, n: count() })
    .from(orders)
    .where(eq(sideColumn, orgId))
    .groupBy(orders.status);
  const counts: Record<OrderFilter, number> = Object.fromEntries(
    ['open', 'all', ...ORDER_STATUSES].map((key) => [key, 0]),
  ) as Record<OrderFilter, number>;
  for (const { status, n } of byStatus) {
    counts[status] += n;
    counts.all += n;
    if (!CLOSED.includes(status)) counts.open += n;
  }
  const pages = Math.max(1, Math.ceil(counts[query.status] / ORDER_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const { rows } = await listOrders(tx, {
    orgId,
    side: query.side,
    status: query.status === 'all' ? undefined : query.status,
    page,
  });
  const counterpartyIds = [
    ...new Set(rows.map(({ order }) => (query.side === 'buying' ? order.sellerOrgId : order.buyerOrgId))),
  ];
  const names = new Map(
    counterpartyIds.length === 0
      ? []
      : (
          await tx
            .select({ id: organisations.id, name: organisations.name })
            .from(organisations)
            .where(inArray(organisations.id, counterpartyIds))
        ).map((org) => [org.id, org.name]),
  );
  return {
    counts,
    page,
    pages,
    rows: rows.map(({ order, titleZh, titleEn, displayUnit, caseNetGrams }) => ({
      id: order.id,
      shortId: shortOrderId(order.id),
      titleZh,
      titleEn,
      counterparty: names.get(query.side === 'buying' ? order.sellerOrgId : order.buyerOrgId) ?? '',
      quantity: order.deliveredQuantity ?? order.quantity,
      displayUnit,
      caseNetGrams,
      totalFen: order.finalTotalFen ?? order.subtotalFen,
      currency: order.currency as Currency,
      status: order.status,
      createdAt: order.createdAt,
    })),
  };
}

/** An order with what its page shows beside it: the lot, both organisations' names, the dispute. */
export async function findOrder(tx: DbOrTx, orderId: string) {
  const buyer = alias(organisations, 'buyer');
  const seller = alias(organisations, 'seller');
  const [row] = await tx
    .select({
      order: orders,
      lot: {
        id: listings.id,
        titleZh: listings.titleZh,
        titleEn: listings.titleEn,
        displayUnit: listings.displayUnit,
        caseNetGrams: listings.caseNetGrams,
        pickupPlace: listings.pickupPlace,
        baseUnit: categories.baseUnit,
      },
      buyerName: buyer.name,
      sellerName: seller.name,
    })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(buyer, eq(buyer.id, orders.buyerOrgId))
    .innerJoin(seller, eq(seller.id, orders.sellerOrgId))
    .where(eq(orders.id, orderId));
  if (!row) return null;
  const [[dispute], [invoice]] = await Promise.all([
    tx.select().from(disputes).where(eq(disputes.orderId, orderId)),
    tx.select({ number: invoices.number }).from(invoices).where(eq(invoices.orderId, orderId)),
  ]);
  return { ...row, dispute: dispute ?? null, hasInvoice: Boolean(invoice) };
}

/** Just the two sides of an order, for an action's permission check before it reads the form. */
export async function orderParties(tx: DbOrTx, orderId: string) {
  const [row] = await tx
    .select({ id: orders.id, buyerOrgId: orders.buyerOrgId, sellerOrgId: orders.sellerOrgId })
    .from(orders)
    .where(eq(orders.id, orderId));
  return row ?? null;
}

export type TimelineEntry = {
  id: string;
  at: Date;
  kind: string;
  actorName: string | null;
  actorOrgName: string | null;
  /** A person took the step but keeps their name from this viewer (consent withdrawn): show the organisation. */
  nameWithheld: boolean;
  party: string | null;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  reason: string | null;
  reference: string | null;
  weighing: { deliveredQuantity: number; finalTotalFen: number; deviationBps: number } | null;
  /** What the step settled to the seller (before the fee) and refunded to the buyer, where it settled. */
  settledFen: number | null;
  refundFen: number | null;
  /** The quantity short of the order that a catch-weight refund pays back, in base units. */
  shortfall: number | null;
  outcome: string | null;
  /** The hand-over a carrier's weighing was taken at ('pickup' or 'delivery'). */
  handover: string | null;
};

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The order's events in order, with who took each step by name and the figures each step recorded.
 * `viewer` says who reads it: a person who withdrew the consent `name_to_counterparties` is shown by their
 * organisation only to the other side (operators and the person's own organisation still see the name).
 */
export async function timelineOf(
  tx: DbOrTx,
  order: Order,
  viewer: { isOperator: boolean; orgIds: string[] },
): Promise<TimelineEntry[]> {
  const events = await orderTimeline(tx, order.id);
  const userIds = [...new Set(events.map((e) => e.actorUserId).filter((id) => id !== null))];
  const orgIds = [...new Set(events.map((e) => e.actorOrgId).filter((id) => id !== null))];
  const [people, orgs, nameWithheld] = await Promise.all([
    userIds.length
      ? tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds))
      : [],
    orgIds.length
      ? tx
          .select({ id: organisations.id, name: organisations.name })
          .from(organisations)
          .where(inArray(organisations.id, orgIds))
      : [],
    viewer.isOperator ? new Set<string>() : withdrawnAmong(tx, 'name_to_counterparties', userIds),
  ]);
  const personName = new Map(people.map((p) => [p.id, p.name]));
  const nameFor = (userId: string, orgId: string | null) =>
    nameWithheld.has(userId) && !(orgId && viewer.orgIds.includes(orgId))
      ? null
      : (personName.get(userId) ?? null);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  return events.map((event) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const delivered = num(data.deliveredQuantity);
    const finalTotal = num(data.finalTotalFen);
    let settledFen: number | null = null;
    let refundFen: number | null = null;
    const settles = event.kind === 'complete' || event.kind === 'accept';
    if (settles && finalTotal !== null) {
      settledFen = finalTotal;
      refundFen = order.subtotalFen - finalTotal;
    } else if (event.kind === 'resolve_dispute') {
      refundFen = num(data.refundFen);
      settledFen = refundFen === null ? null : order.subtotalFen - refundFen;
    }
    return {
      id: event.id,
      at: event.at,
      // An order on terms is confirmed by the record_payment step without a payment (ADR 0056): say so.
      kind:
        event.kind === 'record_payment' && num(data.termsNetDays) !== null ? 'terms_confirmed' : event.kind,
      actorName: event.actorUserId ? nameFor(event.actorUserId, event.actorOrgId) : null,
      nameWithheld: event.actorUserId !== null && nameFor(event.actorUserId, event.actorOrgId) === null,
      actorOrgName: event.actorOrgId ? (orgName.get(event.actorOrgId) ?? null) : null,
      party: str(data.party),
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      reason: event.reason,
      reference: str(data.reference) ?? (event.kind === 'payout_recorded' ? event.reason : null),
      weighing:
        event.kind === 'record_weight' && delivered !== null && finalTotal !== null
          ? {
              deliveredQuantity: delivered,
              finalTotalFen: finalTotal,
              deviationBps: num(data.deviationBps) ?? 0,
            }
          : null,
      settledFen,
      refundFen: refundFen !== null && refundFen > 0 ? refundFen : null,
      shortfall:
        settles && order.deliveredQuantity !== null && order.deliveredQuantity < order.quantity
          ? order.quantity - order.deliveredQuantity
          : null,
      outcome: str(data.outcome),
      handover: event.kind === 'record_weight' ? str(data.handover) : null,
    };
  });
}

/** The order page's figures: the weighing against the tolerance, and the fee the seller pays. */
export function orderFigures(order: Order) {
  const totalFen = order.finalTotalFen ?? order.subtotalFen;
  const weighing =
    order.deliveredQuantity === null ? null : weigh({ ...order, deliveredQuantity: order.deliveredQuantity });
  const { fee, toSeller } = escrowReleaseSplit(totalFen, order.feeBps);
  return {
    totalFen,
    weighing: weighing
      ? { deviationBps: weighing.deviationBps, withinTolerance: weighing.withinTolerance }
      : null,
    feeFen: fee,
    toSellerFen: toSeller,
  };
}

/** Units a weighed quantity may be entered in: those of the base unit, cases only with a declared weight. */
export function weighingUnits(baseUnit: BaseUnit, caseNetGrams: number | null): QuantityUnit[] {
  return unitsFor(baseUnit).filter((unit) => unit !== 'case' || caseNetGrams !== null);
}

/**
 * Why an organisation's member may not buy (a message key), or null if they may: the buy page shows it in
 * place of the button, and the buy action answers it with a 403 before it reads the form.
 */
export function buyerRefusal(
  org: Pick<OrgMembership, 'kind' | 'role'> & Partial<Pick<OrgMembership, 'suspendedUntil' | 'bannedAt'>>,
): string | null {
  if (org.kind !== 'buyer' && org.kind !== 'both') return 'orders.errors.buyerOnly';
  if (!roleAtLeast(org.role, 'trader')) return 'orders.errors.traderOnly';
  // A suspended or banned org may not buy (operator sanctions, app/trust).
  if (sanctionState({ suspendedUntil: org.suspendedUntil ?? null, bannedAt: org.bannedAt ?? null }).blocked)
    return 'trust.sanction.cannotTrade';
  return null;
}

/** A lot as the buy page shows it; null for a lot that does not exist or is not (or no longer) public. */
export async function lotForBuying(tx: DbOrTx, listingId: string) {
  const [lot] = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      status: listings.status,
      saleMode: listings.saleMode,
      originName: listings.originName,
      originRegion: listings.originRegion,
      pickupPlace: listings.pickupPlace,
      quantityAvailable: listings.quantityAvailable,
      minOrderQuantity: listings.minOrderQuantity,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      currency: listings.currency,
      sellerOrgId: listings.sellerOrgId,
      sellerName: organisations.name,
      categoryId: listings.categoryId,
      spec: listings.spec,
      baseUnit: categories.baseUnit,
      categoryZh: categories.nameZh,
      categoryEn: categories.nameEn,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(eq(listings.id, listingId));
  if (!lot || (lot.status !== 'live' && lot.status !== 'sold_out')) return null;
  const tiers = await tx
    .select({ minQuantity: priceTiers.minQuantity, unitPriceFen: priceTiers.unitPriceFen })
    .from(priceTiers)
    .where(eq(priceTiers.listingId, listingId))
    .orderBy(asc(priceTiers.minQuantity));
  // During a fair the lot sells at its fair price, if its seller set one (app/fairs, ADR 0049).
  return {
    ...lot,
    currency: lot.currency as Currency,
    tiers: await tiersAt(tx, listingId, tiers, new Date()),
  };
}

/** The operator's payments desk: transfers to match, payouts to make, disputes to resolve (offline provider). */
export async function paymentsDesk(tx: DbOrTx) {
  const buyer = alias(organisations, 'buyer');
  const seller = alias(organisations, 'seller');
  const parties = {
    id: orders.id,
    buyerName: buyer.name,
    sellerName: seller.name,
    titleZh: listings.titleZh,
    titleEn: listings.titleEn,
    currency: orders.currency,
  };
  const base = <T extends SelectedFields>(extra: T) =>
    tx
      .select({ ...parties, ...extra })
      .from(orders)
      .innerJoin(listings, eq(listings.id, orders.listingId))
      .innerJoin(buyer, eq(buyer.id, orders.buyerOrgId))
      .innerJoin(seller, eq(seller.id, orders.sellerOrgId));
  // What the buyer of an order on terms still owes (ADR 0056): minus its receivable entries.
  const owedOnTerms = sql<number>`(select -coalesce(sum(e.amount), 0)
      from ledger_entries e
      join ledger_accounts a on a.id = e.account_id and a.kind = 'receivable'
      join ledger_transactions t on t.id = e.transaction_id
     where t.order_id = ${orders.id})`.mapWith(Number);
  const invoiced = or(eq(orders.status, 'completed'), eq(orders.status, 'resolved'));
  const [awaiting, payouts, open, onTerms] = await Promise.all([
    base({ amountFen: orders.subtotalFen, payBy: orders.payBy })
      .where(and(eq(orders.status, 'pending_payment'), eq(orders.provider, 'offline')))
      .orderBy(asc(orders.payBy))
      .limit(100),
    base({
      amountFen: sql<number>`${invoices.totalFen} - ${invoices.feeFen}`.mapWith(Number),
      at: invoices.issuedAt,
    })
      .innerJoin(invoices, eq(invoices.orderId, orders.id))
      .where(
        and(
          invoiced,
          // An order on terms is paid out once its buyer has paid all of it.
          or(eq(orders.provider, 'offline'), and(eq(orders.provider, 'terms'), sql`${owedOnTerms} = 0`)),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(orderEvents)
              .where(and(eq(orderEvents.orderId, orders.id), eq(orderEvents.kind, 'payout_recorded'))),
          ),
        ),
      )
      .orderBy(asc(invoices.issuedAt))
      .limit(100),
    base({ amountFen: orders.subtotalFen, reason: disputes.reason, at: disputes.createdAt })
      .innerJoin(disputes, eq(disputes.orderId, orders.id))
      .where(and(eq(orders.status, 'disputed'), eq(disputes.status, 'open')))
      .orderBy(asc(disputes.createdAt))
      .limit(100),
    // Invoiced orders on terms their buyers still owe on: the operator records each bank transfer on the order.
    base({ amountFen: owedOnTerms, dueAt: orders.dueAt, overdueAt: orders.termsOverdueAt })
      .where(and(invoiced, eq(orders.provider, 'terms'), sql`${owedOnTerms} > 0`))
      .orderBy(asc(orders.dueAt))
      .limit(100),
  ]);
  const withShort = <T extends { id: string; currency: string }>(rows: T[]) =>
    rows.map((row) => ({ ...row, shortId: shortOrderId(row.id), currency: row.currency as Currency }));
  return {
    awaiting: withShort(awaiting),
    payouts: withShort(payouts),
    disputes: withShort(open),
    onTerms: withShort(onTerms),
  };
}

// Forms. Each posts `intent`; the domain (actOnOrder) checks party, state and amounts, so these check shape.

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'errors.tooLong')
    .optional()
    .transform((value) => (value ? value : null));
const quantityUnits = ['g', 'kg', 'jin', 't', 'case', 'piece'] as const;
const chooseOne = { errorMap: () => ({ message: 'errors.chooseOne' }) };

export const orderActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('cancel'), reason: optionalText(500) }),
    z.object({ intent: z.literal('record_payment'), reference: optionalText(80) }),
    z.object({ intent: z.literal('ship') }),
    z.object({
      intent: z.literal('record_weight'),
      quantity: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
      unit: z.enum(quantityUnits, chooseOne),
    }),
    z.object({ intent: z.literal('confirm_delivery') }),
    z.object({ intent: z.literal('accept') }),
    // Too short a reason is the domain's to refuse (with its own message), so it is only capped here.
    z.object({
      intent: z.literal('open_dispute'),
      reason: z.string().max(2000, 'errors.tooLong').default(''),
    }),
    z.object({
      intent: z.literal('resolve_dispute'),
      outcome: z.enum(['refund_full', 'refund_partial', 'rejected'], chooseOne),
      refund: z.string().trim().max(32, 'errors.tooLong').optional(),
      resolution: z.string().max(2000, 'errors.tooLong').default(''),
    }),
  ],
  { errorMap: () => ({ message: 'errors.chooseOne' }) },
);

export type OrderActionForm = z.infer<typeof orderActionSchema>;

/** The domain's input for a parsed form. */
export function actionInputOf(form: OrderActionForm, photos: DisputePhoto[] = []): ActionInput {
  switch (form.intent) {
    case 'cancel':
      return { action: 'cancel', reason: form.reason };
    case 'record_payment':
      return { action: 'record_payment', reference: form.reference };
    case 'record_weight':
      return { action: 'record_weight', quantity: form.quantity, unit: form.unit };
    case 'open_dispute':
      return { action: 'open_dispute', reason: form.reason, photos };
    case 'resolve_dispute':
      return {
        action: 'resolve_dispute',
        outcome: form.outcome,
        refund: form.refund,
        resolution: form.resolution,
      };
    default:
      return { action: form.intent };
  }
}

/** The toast after each step, by action. */
export const ACTION_TOASTS = {
  cancel: 'orders.toast.cancel',
  record_payment: 'orders.toast.record_payment',
  ship: 'orders.toast.ship',
  record_weight: 'orders.toast.record_weight',
  confirm_delivery: 'orders.toast.confirm_delivery',
  accept: 'orders.toast.accept',
  open_dispute: 'orders.toast.open_dispute',
  resolve_dispute: 'orders.toast.resolve_dispute',
} as const satisfies Partial<Record<OrderAction, string>>;

export const paymentsSchema = z.object({
  intent: z.enum(['record_payment', 'record_payout'], chooseOne),
  orderId: z.string().min(1, 'errors.required').max(64, 'errors.invalid'),
  // A bank reference ties the ledger to the bank statement, so the desk asks for it every time.
  reference: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(80, 'errors.tooLong'),
});

/** Balance page paging. */
export const STATEMENT_PAGE_SIZE = 25;

export function pageParam(url: URL): number {
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return Number.isSafeInteger(page) && page > 0 ? page : 1;
}
