// Which order events tell whom: the notify area's reaction to an order's timeline (app/orders/hooks.server.ts).
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { invoices, listings, orders } from '../../db/schema';
import type { NotificationType } from './catalogue';
import { notify } from './notify.server';
import { type Params, moneyParam } from './render';

type OrderEvent = {
  kind: string;
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
  const rule = RULES[event.kind];
  if (!rule) return;
  const [row] = await tx
    .select({ order: orders, titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .where(eq(orders.id, orderId));
  if (!row) return;
  const { order } = row;
  // Amounts are stored raw and formatted in each reader's language when shown (./render.ts).
  const money = (fen: number) => moneyParam(fen, order.currency);
  // The short order number people read aloud (as app/orders/pages.server.ts shortOrderId shows it).
  const params: Params = { order: order.id.slice(-8).toUpperCase() };
  switch (event.kind) {
    case 'created':
      params.listing = row.titleZh ?? row.titleEn ?? '';
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
    case 'payout_recorded': {
      const [invoice] = await tx.select().from(invoices).where(eq(invoices.orderId, order.id));
      const paid = Number(event.data?.amountFen ?? (invoice ? invoice.totalFen - invoice.feeFen : 0));
      params.amount = money(paid);
      break;
    }
  }
  for (const side of rule.to) {
    await notify(tx, {
      type: rule.type,
      orgId: side === 'buyer' ? order.buyerOrgId : order.sellerOrgId,
      minRole: 'trader',
      params,
      link: `/orders/${order.id}`,
      subject: { type: 'order', id: order.id },
      dedupeKey: `order:${order.id}:${event.kind}:${side}`,
    });
  }
}
