// Which order events tell whom: the notify area's reaction to an order's timeline (app/orders/hooks.server.ts).
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type Order, invoices, listings, orders } from '../../db/schema';
import type { NotificationType } from './catalogue';
import { type NotifyInput, notifyMany } from './notify.server';
import { type Params, moneyParam } from './render';

type OrderEvent = {
  kind: string;
  toStatus?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
};

type Side = 'buyer' | 'seller';

/** The event kinds that raise a notification, the type raised and the sides told. */
const RULES: Record<string, { type: NotificationType; to: Side[] }> = {
  created: { type: 'order-placed', to: ['seller'] },
  record_payment: { type: 'order-paid', to: ['seller', 'buyer'] },
  ship: { type: 'order-shipped', to: ['buyer'] },
  record_weight: { type: 'catch-weight-adjusted', to: ['buyer'] },
  confirm_delivery: { type: 'order-delivered', to: ['buyer', 'seller'] },
  deliver: { type: 'order-delivered', to: ['buyer', 'seller'] },
  open_dispute: { type: 'dispute-opened', to: ['seller'] },
  resolve_dispute: { type: 'dispute-resolved', to: ['buyer', 'seller'] },
  complete: { type: 'order-completed', to: ['seller', 'buyer'] },
  accept: { type: 'order-completed', to: ['seller', 'buyer'] },
  cancel: { type: 'order-cancelled', to: ['buyer', 'seller'] },
  expire_unpaid: { type: 'order-cancelled', to: ['buyer', 'seller'] },
  payout_recorded: { type: 'payout-sent', to: ['seller'] },
};

/**
 * Raises the notification an order event calls for, inside the event's transaction. Dedupe keys are
 * per order, kind and side, so an event written twice (a retried job) tells nobody twice.
 */
export async function notifyOrderEvent(tx: DbOrTx, orderId: string, event: OrderEvent): Promise<void> {
  if (!RULES[event.kind]) return;
  // An order over its buyer's spending limit is news to the seller once approved (app/b2b/approvals.server.ts).
  if (event.kind === 'created' && event.toStatus === 'awaiting_approval') return;
  const [row] = await tx
    .select({ order: orders, titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .where(eq(orders.id, orderId));
  if (!row) return;
  let paidFen: number | undefined;
  if (event.kind === 'payout_recorded') {
    const [invoice] = await tx.select().from(invoices).where(eq(invoices.orderId, orderId));
    paidFen = Number(event.data?.amountFen ?? (invoice ? invoice.totalFen - invoice.feeFen : 0));
  }
  await notifyMany(tx, notices(row.order, event, { listing: row.titleZh ?? row.titleEn ?? '', paidFen }));
}

/**
 * The same for many events whose orders the caller holds (as they stand after the events): one statement for all
 * of them, except the kinds whose notices read more than the order (the lot's title, the invoice).
 */
export async function notifyOrderEventsInHand(
  tx: DbOrTx,
  items: readonly { order: Order; event: OrderEvent }[],
): Promise<void> {
  const readsMore = (kind: string) => kind === 'created' || kind === 'payout_recorded';
  for (const { order, event } of items)
    if (readsMore(event.kind)) await notifyOrderEvent(tx, order.id, event);
  await notifyMany(
    tx,
    items
      .filter(({ event }) => !readsMore(event.kind))
      .flatMap(({ order, event }) => notices(order, event, {})),
  );
}

/** The notices an event raises: one per side its rule tells, with the parameters its type shows. */
function notices(
  order: Order,
  event: OrderEvent,
  more: { listing?: string; paidFen?: number },
): NotifyInput[] {
  const rule = RULES[event.kind];
  if (!rule) return [];
  // Amounts are stored raw and formatted in each reader's language when shown (./render.ts).
  const money = (fen: number) => moneyParam(fen, order.currency);
  // The short order number people read aloud (as app/orders/pages.server.ts shortOrderId shows it).
  const params: Params = { order: order.id.slice(-8).toUpperCase() };
  // The buyer's purchase-order number rides along, so an ERP receiving the webhook can match it (ADR 0052).
  if (order.poNumber) params.po = order.poNumber;
  switch (event.kind) {
    case 'created':
      params.listing = more.listing ?? '';
      params.amount = money(order.subtotalFen);
      break;
    case 'record_payment':
      params.amount = money(order.subtotalFen);
      break;
    case 'record_weight':
    case 'accept':
    case 'complete':
      params.amount = money(Number(event.data?.finalTotalFen ?? order.finalTotalFen ?? order.subtotalFen));
      break;
    case 'cancel':
    case 'expire_unpaid':
      params.reason =
        event.kind === 'expire_unpaid'
          ? 't:notify.reason.unpaid'
          : event.reason?.trim() || 't:notify.reason.buyerCancelled';
      break;
    case 'resolve_dispute':
      params.outcome = `t:notify.outcome.${String(event.data?.outcome ?? 'rejected')}`;
      break;
    case 'payout_recorded':
      params.amount = money(more.paidFen ?? 0);
      break;
  }
  return rule.to.map((side) => ({
    type: rule.type,
    orgId: side === 'buyer' ? order.buyerOrgId : order.sellerOrgId,
    minRole: 'trader',
    params,
    link: `/orders/${order.id}`,
    subject: { type: 'order', id: order.id },
    dedupeKey: `order:${order.id}:${event.kind}:${side}`,
  }));
}
