// Buyer organisations' purchase approvals (issue #18, part 3; ADR 0052): each member's spending limits, the
// status a buy-now order starts in, the approver's decision, the approvers' queue and who is told what.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, type DbOrTx, type Tx } from '../../db/client';
import {
  type Order,
  listings,
  memberSpendingLimits,
  memberships,
  orderEvents,
  orders,
  users,
} from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import { env } from '../lib/env.server';
import { startOfMarketDay, marketToday } from '../lib/market-time';
import { parseMoney } from '../lib/money';
import { enqueue } from '../lib/outbox.server';
import { releaseStock } from '../listings/listings.server';
import { type NotifyInput, notifyMany } from '../notify/notify.server';
import { moneyParam } from '../notify/render';
import type { OrderEventHook } from '../orders/hooks.server';
import { OrderError, actOnOrderInTx, addEvent, paymentProviderName } from '../orders/orders.server';

export type InitialStatus = 'pending_payment' | 'awaiting_approval';

/** Roles that approve orders over a member's limit (never the member who ordered). */
const APPROVER_ROLES = ['owner', 'admin'] as const;

/** The first instant of the market month `at` falls in (market time zone). */
export function marketMonthStart(at: Date = new Date()): Date {
  return startOfMarketDay(`${marketToday(undefined, at).slice(0, 7)}-01`);
}

/**
 * What a member has spent this market month without waiting for approval or after it: the orders they created for
 * the org since the month began, except cancelled ones and those still awaiting approval.
 */
export async function monthSpendFen(tx: DbOrTx, orgId: string, userId: string, now = new Date()) {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(${orders.subtotalFen}), 0)` })
    .from(orders)
    .where(
      and(
        eq(orders.buyerOrgId, orgId),
        eq(orders.createdBy, userId),
        sql`${orders.createdAt} >= ${marketMonthStart(now).toISOString()}::timestamptz`,
        sql`${orders.status}::text not in ('cancelled', 'awaiting_approval')`,
      ),
    );
  return Number(row?.total ?? 0);
}

/**
 * The status a member's new order starts in, inside the order's transaction and before its row is written. The
 * member's limits row is locked for update, so one member's orders are decided one at a time: each sums the month
 * with the orders committed before it, and twenty concurrent orders can never all slip under one limit.
 */
export async function initialOrderStatus(
  tx: DbOrTx,
  input: { buyerOrgId: string; userId: string; subtotalFen: number; now?: Date },
): Promise<InitialStatus> {
  const [limits] = await tx
    .select()
    .from(memberSpendingLimits)
    .where(
      and(eq(memberSpendingLimits.orgId, input.buyerOrgId), eq(memberSpendingLimits.userId, input.userId)),
    )
    .for('update');
  if (!limits) return 'pending_payment';
  if (limits.perOrderFen !== null && input.subtotalFen > limits.perOrderFen) return 'awaiting_approval';
  if (limits.perMonthFen !== null) {
    const spent = await monthSpendFen(tx, input.buyerOrgId, input.userId, input.now);
    if (spent + input.subtotalFen > limits.perMonthFen) return 'awaiting_approval';
  }
  return 'pending_payment';
}

/**
 * Whether the unpaid-expiry job that runs now is the one enqueued when the order was placed, though an approver
 * approved it since and gave it a fresh deadline (its own job runs then): that early job must not cancel it.
 */
export async function approvedWithLaterDeadline(tx: DbOrTx, order: Order, now: Date): Promise<boolean> {
  if (order.status !== 'pending_payment' || order.payBy <= now) return false;
  const [approved] = await tx
    .select({ id: orderEvents.id })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, order.id), eq(orderEvents.kind, 'approve')))
    .limit(1);
  return Boolean(approved);
}

// ---------------------------------------------------------------------------------------------------------------
// The approver's decision

export const decisionSchema = z.object({
  intent: z.enum(['approve', 'reject'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  note: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : value),
    z.string().max(500, 'errors.tooLong').optional(),
  ),
});

/** Whether a member with this role may approve orders of its org (the order's own requester never may). */
export function isApproverRole(role: string | null | undefined): boolean {
  return (APPROVER_ROLES as readonly string[]).includes(role ?? '');
}

/**
 * An owner or admin of the buyer org approves (the order then awaits payment, with a fresh pay-by) or rejects it
 * (cancelled, the stock back on sale), with a note that lands in the timeline. The order's row is locked first;
 * the approver's role is read from the database, and the org may not be sanctioned.
 */
export async function decideApproval(
  orderId: string,
  userId: string,
  decision: 'approve' | 'reject',
  note: string | null,
): Promise<Order> {
  const text = note?.trim() ?? '';
  if (text.length > 500) throw new OrderError('errors.tooLong', 400, 'note');
  if (decision === 'reject' && text.length < 2)
    throw new OrderError('approvals.errors.noteRequired', 400, 'note');
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order) throw new OrderError('errors.notFound', 404);
    const [member] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.orgId, order.buyerOrgId), eq(memberships.userId, userId)));
    if (!member) throw new OrderError('errors.notFound', 404);
    if (!isApproverRole(member.role)) throw new OrderError('approvals.errors.notApprover', 403);
    if (order.createdBy === userId) throw new OrderError('approvals.errors.ownOrder', 403);
    await assertOrgMayAct(tx, order.buyerOrgId);
    if (order.status !== 'awaiting_approval') throw new OrderError('orders.errors.wrongState', 409);
    return decision === 'approve' ? approve(tx, order, userId, text) : reject(tx, order, userId, text);
  });
}

async function approve(tx: Tx, order: Order, userId: string, note: string): Promise<Order> {
  // The payment clock starts now: the buyer has the whole payment window from the approval.
  const payBy = new Date(Date.now() + env().ORDER_PAYMENT_HOURS * 3600 * 1000);
  const [updated] = await tx
    .update(orders)
    .set({ status: 'pending_payment', payBy, version: sql`${orders.version} + 1` })
    .where(eq(orders.id, order.id))
    .returning();
  await addEvent(tx, order, {
    kind: 'approve',
    actorUserId: userId,
    actorOrgId: order.buyerOrgId,
    fromStatus: 'awaiting_approval',
    toStatus: 'pending_payment',
    reason: note || null,
    data: { party: 'buyer', payBy: payBy.toISOString() },
  });
  // On terms the approval confirms the order, drawing on the seller's limit (refused over it: the approval then
  // does not happen and the order keeps waiting; ADR 0056).
  if (order.provider === 'terms')
    return actOnOrderInTx(tx, order.id, { userId, parties: ['system'] }, { action: 'record_payment' });
  await enqueue(tx, 'orders', 'expire-unpaid', { orderId: order.id }, { runAt: payBy });
  if (paymentProviderName() === 'stripe')
    await enqueue(tx, 'settlement', 'create-payment', { orderId: order.id });
  return updated;
}

async function reject(tx: Tx, order: Order, userId: string, note: string): Promise<Order> {
  await releaseStock(tx, order.listingId, order.quantity);
  const [updated] = await tx
    .update(orders)
    .set({ status: 'cancelled', version: sql`${orders.version} + 1` })
    .where(eq(orders.id, order.id))
    .returning();
  await addEvent(tx, order, {
    kind: 'reject',
    actorUserId: userId,
    actorOrgId: order.buyerOrgId,
    fromStatus: 'awaiting_approval',
    toStatus: 'cancelled',
    reason: note,
    data: { party: 'buyer' },
  });
  return updated;
}

// ---------------------------------------------------------------------------------------------------------------
// Who is told (app/orders/hooks.server.ts calls this for every order event)

async function approverIds(tx: DbOrTx, orgId: string, except: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.role, [...APPROVER_ROLES])));
  return rows.map((row) => row.userId).filter((id) => id !== except);
}

/**
 * An order placed over a limit tells the org's approvers; a decision tells the member who ordered (and a rejection
 * the seller, whose stock is back). Ids and the short order number only; the note is the approver's own words.
 */
export async function approvalsAfterOrderEvent(
  tx: DbOrTx,
  orderId: string,
  event: OrderEventHook,
): Promise<void> {
  const asks = event.kind === 'created' && event.toStatus === 'awaiting_approval';
  if (!asks && event.kind !== 'approve' && event.kind !== 'reject') return;
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId));
  if (!order) return;
  const short = order.id.slice(-8).toUpperCase();
  const link = `/orders/${order.id}`;
  const subject = { type: 'order', id: order.id };
  const notices: NotifyInput[] = [];
  if (asks) {
    const approvers = await approverIds(tx, order.buyerOrgId, order.createdBy);
    if (approvers.length > 0)
      notices.push({
        type: 'order-approval-requested',
        userIds: approvers,
        params: { order: short, amount: moneyParam(order.subtotalFen, order.currency) },
        link,
        subject,
        dedupeKey: `order:${order.id}:approval-requested`,
      });
  } else if (event.kind === 'approve') {
    // The seller hears of the order now, as of any order placed (it was held back while the order waited).
    const [lot] = await tx
      .select({ titleZh: listings.titleZh, titleEn: listings.titleEn })
      .from(listings)
      .where(eq(listings.id, order.listingId));
    const params: Record<string, ReturnType<typeof moneyParam> | string> = {
      order: short,
      listing: lot?.titleZh ?? lot?.titleEn ?? '',
      amount: moneyParam(order.subtotalFen, order.currency),
    };
    if (order.poNumber) params.po = order.poNumber;
    notices.push(
      {
        type: order.provider === 'terms' ? 'order-approved-on-terms' : 'order-approved',
        userIds: [order.createdBy],
        params: { order: short },
        link,
        subject,
        dedupeKey: `order:${order.id}:approve:requester`,
      },
      {
        type: 'order-placed',
        orgId: order.sellerOrgId,
        minRole: 'trader',
        params,
        link,
        subject,
        dedupeKey: `order:${order.id}:created:seller`,
      },
    );
  } else {
    notices.push(
      {
        type: 'order-rejected',
        userIds: [order.createdBy],
        params: { order: short, reason: event.reason ?? '' },
        link,
        subject,
        dedupeKey: `order:${order.id}:reject:requester`,
      },
      {
        type: 'order-cancelled',
        orgId: order.sellerOrgId,
        minRole: 'trader',
        params: { order: short, reason: 't:notify.reason.buyerCancelled' },
        link,
        subject,
        dedupeKey: `order:${order.id}:reject:seller`,
      },
    );
  }
  await notifyMany(tx, notices);
}

/** The toast after buying: an order over the member's limit says it waits for approval. */
export async function placedToast(tx: DbOrTx, orderId: string) {
  const [row] = await tx
    .select({ status: orders.status, provider: orders.provider })
    .from(orders)
    .where(eq(orders.id, orderId));
  if (row?.status === 'awaiting_approval') return 'approvals.toast.placedAwaiting' as const;
  return row?.provider === 'terms'
    ? ('terms.toast.placedOnTerms' as const)
    : ('orders.toast.placed' as const);
}

// ---------------------------------------------------------------------------------------------------------------
// The approvers' queue

export const APPROVAL_SORTS = ['created', 'total', 'requester', 'lot'] as const;
export type ApprovalSort = (typeof APPROVAL_SORTS)[number];
export const APPROVALS_PAGE_SIZE = 20;

export async function awaitingApproval(
  tx: DbOrTx,
  orgId: string,
  options: { sort: ApprovalSort; dir: 'asc' | 'desc'; page: number },
) {
  const column = {
    created: orders.createdAt,
    total: orders.subtotalFen,
    requester: users.name,
    lot: listings.titleZh,
  }[options.sort];
  const order = options.dir === 'desc' ? desc(column) : asc(column);
  const rows = await tx
    .select({
      id: orders.id,
      createdAt: orders.createdAt,
      subtotalFen: orders.subtotalFen,
      currency: orders.currency,
      quantity: orders.quantity,
      poNumber: orders.poNumber,
      payBy: orders.payBy,
      createdBy: orders.createdBy,
      requester: users.name,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
    })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .innerJoin(users, eq(users.id, orders.createdBy))
    .where(and(eq(orders.buyerOrgId, orgId), sql`${orders.status}::text = 'awaiting_approval'`))
    .orderBy(order, asc(orders.id))
    .limit(APPROVALS_PAGE_SIZE + 1)
    .offset((options.page - 1) * APPROVALS_PAGE_SIZE);
  return { rows: rows.slice(0, APPROVALS_PAGE_SIZE), hasMore: rows.length > APPROVALS_PAGE_SIZE };
}

// ---------------------------------------------------------------------------------------------------------------
// Setting limits (the members page)

export type LimitsRow = { userId: string; perOrderFen: number | null; perMonthFen: number | null };

export async function limitsOfOrg(tx: DbOrTx, orgId: string): Promise<LimitsRow[]> {
  return tx
    .select({
      userId: memberSpendingLimits.userId,
      perOrderFen: memberSpendingLimits.perOrderFen,
      perMonthFen: memberSpendingLimits.perMonthFen,
    })
    .from(memberSpendingLimits)
    .where(eq(memberSpendingLimits.orgId, orgId));
}

const money = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() : value),
  z.string().max(20, 'errors.tooLong'),
);

export const limitsSchema = z.object({
  intent: z.literal('limits'),
  userId: z.string().min(1, 'errors.required'),
  perOrder: money.optional().default(''),
  perMonth: money.optional().default(''),
});

function limitValue(text: string): { ok: true; fen: number | null } | { ok: false } {
  if (text === '') return { ok: true, fen: null };
  const parsed = parseMoney(text);
  if (!parsed.ok || parsed.amount <= 0) return { ok: false };
  return { ok: true, fen: parsed.amount };
}

export class LimitsError extends Error {
  constructor(
    public readonly errors: Record<string, string>,
    public readonly status = 400,
  ) {
    super(Object.values(errors)[0]);
  }
}

/**
 * An owner sets the limits of admins and traders; an admin those of traders; nobody their own (a limited admin
 * could otherwise lift theirs). Blank is no limit; both blank removes the row.
 */
export async function setSpendingLimits(
  actorUserId: string,
  orgId: string,
  form: z.infer<typeof limitsSchema>,
): Promise<void> {
  const perOrder = limitValue(form.perOrder);
  const perMonth = limitValue(form.perMonth);
  const errors: Record<string, string> = {};
  if (!perOrder.ok) errors.perOrder = 'approvals.errors.limitInvalid';
  if (!perMonth.ok) errors.perMonth = 'approvals.errors.limitInvalid';
  if (!perOrder.ok || !perMonth.ok) throw new LimitsError(errors);
  if (form.userId === actorUserId) throw new LimitsError({ form: 'approvals.errors.ownLimits' }, 403);
  await db.transaction(async (tx) => {
    await assertOrgMayAct(tx, orgId);
    const rows = await tx
      .select({ userId: memberships.userId, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, [actorUserId, form.userId])));
    const actor = rows.find((row) => row.userId === actorUserId);
    const target = rows.find((row) => row.userId === form.userId);
    if (!actor || !isApproverRole(actor.role)) throw new LimitsError({ form: 'errors.forbidden' }, 403);
    if (!target) throw new LimitsError({ form: 'errors.notFound' }, 404);
    const mayLimit = target.role === 'trader' || (target.role === 'admin' && actor.role === 'owner');
    if (!mayLimit) throw new LimitsError({ form: 'approvals.errors.cannotLimit' }, 403);
    const where = and(eq(memberSpendingLimits.orgId, orgId), eq(memberSpendingLimits.userId, form.userId));
    if (perOrder.fen === null && perMonth.fen === null) {
      await tx.delete(memberSpendingLimits).where(where);
      return;
    }
    await tx
      .insert(memberSpendingLimits)
      .values({
        orgId,
        userId: form.userId,
        perOrderFen: perOrder.fen,
        perMonthFen: perMonth.fen,
        updatedBy: actorUserId,
      })
      .onConflictDoUpdate({
        target: [memberSpendingLimits.orgId, memberSpendingLimits.userId],
        set: {
          perOrderFen: perOrder.fen,
          perMonthFen: perMonth.fen,
          updatedBy: actorUserId,
          updatedAt: new Date(),
        },
      });
  });
}
