// Recomputes an org's credit score and quality class from its orders, disputes and ratings, and keeps the history.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { creditHistory, organisations, ratings } from '../../db/schema';
import { newId } from '../lib/ids';
import { type OutboxJob, enqueueJobs, outboxJob } from '../lib/outbox.server';
import type { OrderEventHook } from '../orders/hooks.server';
import { type CreditRecord, QUALITY_WINDOW_DAYS, creditScore, qualityClass } from './credit';

/** The score looks back this far: old sins fade. */
export const CREDIT_WINDOW_DAYS = 180;
/** A delivery is on time when the buyer confirms it within this many hours of paying (orders carry no promised date). */
export const DELIVERY_DUE_HOURS = 48;

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);

async function one(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<Row> {
  const rows = (await tx.execute(query)) as unknown as Row[];
  return rows[0] ?? {};
}

/** The org's trading record over the window, read from orders, their events, disputes and ratings. */
export async function creditRecord(tx: DbOrTx, orgId: string, now = new Date()): Promise<CreditRecord> {
  const since = new Date(now.getTime() - CREDIT_WINDOW_DAYS * 24 * 3600 * 1000);
  const delivery = await one(
    tx,
    sql`select count(*) as delivered,
          count(*) filter (where d.at - p.at <= make_interval(hours => ${DELIVERY_DUE_HOURS})) as on_time
        from orders o
        join lateral (select min(at) as at from order_events e where e.order_id = o.id and e.to_status = 'delivered') d on d.at is not null
        join lateral (select min(at) as at from order_events e where e.order_id = o.id and e.to_status = 'paid') p on true
        where o.seller_org_id = ${orgId} and d.at >= ${since.toISOString()}::timestamptz`,
  );
  const disputes = await one(
    tx,
    sql`select count(*) as lost from disputes x join orders o on o.id = x.order_id
        where o.seller_org_id = ${orgId} and x.status = 'resolved'
          and x.outcome in ('refund_full', 'refund_partial') and x.resolved_at >= ${since.toISOString()}::timestamptz`,
  );
  // A harvest plan the seller cancelled (crop failure) counts as a cancellation of each pre-order it had confirmed.
  const cropFailures = sql`select count(*) from pre_orders p join harvest_plans h on h.id = p.plan_id
    where h.seller_org_id = ${orgId} and p.status = 'cancelled' and p.decided_at is not null
      and p.updated_at >= ${since.toISOString()}::timestamptz`;
  const cancels = await one(
    tx,
    sql`select
          (select count(*) from orders o where (o.buyer_org_id = ${orgId} or o.seller_org_id = ${orgId}) and o.created_at >= ${since.toISOString()}::timestamptz)
            + (${cropFailures}) as orders,
          (select count(*) from order_events e join orders o on o.id = e.order_id
             where e.kind = 'cancel' and e.actor_org_id = ${orgId} and e.at >= ${since.toISOString()}::timestamptz)
            + (${cropFailures}) as cancelled,
          (select count(*) from orders o where o.buyer_org_id = ${orgId} and o.created_at >= ${since.toISOString()}::timestamptz
             and o.status <> 'pending_payment') as bought,
          (select count(*) from order_events e join orders o on o.id = e.order_id
             where e.kind = 'expire_unpaid' and o.buyer_org_id = ${orgId} and e.at >= ${since.toISOString()}::timestamptz) as unpaid,
          (select count(*) from orders o where o.buyer_org_id = ${orgId}
             and o.terms_overdue_at >= ${since.toISOString()}::timestamptz) as overdue`,
  );
  const stars = await tx
    .select({ stars: ratings.stars })
    .from(ratings)
    .where(
      and(eq(ratings.sellerOrgId, orgId), sql`${ratings.createdAt} >= ${since.toISOString()}::timestamptz`),
    );
  // An order on credit terms not paid by its due date counts as unpaid too (ADR 0056).
  const unpaid = num(cancels.unpaid) + num(cancels.overdue);
  return {
    delivered: num(delivery.delivered),
    deliveredOnTime: num(delivery.on_time),
    disputesLost: num(disputes.lost),
    orders: num(cancels.orders),
    cancelledByOrg: num(cancels.cancelled),
    // An order that expired unpaid leaves pending_payment for cancelled, so it is counted among `bought`.
    bought: num(cancels.bought),
    unpaid,
    ratings: stars.map((r) => r.stars),
  };
}

/** Deliveries in the last eight weeks and how many ended in a dispute the buyer won (a justified complaint). */
export async function qualityRecord(tx: DbOrTx, orgId: string, now = new Date()) {
  const since = new Date(now.getTime() - QUALITY_WINDOW_DAYS * 24 * 3600 * 1000);
  const row = await one(
    tx,
    sql`select count(*) as deliveries,
          count(*) filter (where x.outcome in ('refund_full', 'refund_partial')) as complaints
        from orders o
        join lateral (select min(at) as at from order_events e where e.order_id = o.id and e.to_status = 'delivered') d on d.at is not null
        left join disputes x on x.order_id = o.id and x.status = 'resolved'
        where o.seller_org_id = ${orgId} and d.at >= ${since.toISOString()}::timestamptz`,
  );
  return { deliveries: num(row.deliveries), complaints: num(row.complaints) };
}

/**
 * Recomputes and stores an org's score and class. Idempotent: the same record gives the same figures,
 * and history gets a row only when something changed.
 */
export async function recomputeCredit(tx: DbOrTx, orgId: string, trigger: string, now = new Date()) {
  const [org] = await tx
    .select({ score: organisations.creditScore, qualityClass: organisations.qualityClass })
    .from(organisations)
    .where(eq(organisations.id, orgId))
    .for('update');
  if (!org) return null;
  const record = await creditRecord(tx, orgId, now);
  const quality = await qualityRecord(tx, orgId, now);
  const breakdown = creditScore(record);
  const cls = qualityClass(quality.deliveries, quality.complaints);
  if (breakdown.score !== org.score || cls !== org.qualityClass) {
    await tx
      .update(organisations)
      .set({ creditScore: breakdown.score, qualityClass: cls })
      .where(eq(organisations.id, orgId));
    await tx.insert(creditHistory).values({
      id: newId('crh'),
      orgId,
      score: breakdown.score,
      qualityClass: cls,
      factors: { ...breakdown, ...quality, ratings: record.ratings.length, delivered: record.delivered },
      trigger,
    });
  }
  return { score: breakdown.score, qualityClass: cls, breakdown, quality, record };
}

/** Order events that change someone's record. */
const CREDIT_EVENTS = new Set([
  'confirm_delivery',
  'deliver',
  'accept',
  'complete',
  'open_dispute',
  'resolve_dispute',
  'cancel',
  'expire_unpaid',
]);

/** Called by the order hook: recompute both parties after an event that moves their record (after commit, by a job). */
export async function creditAfterOrderEvent(
  tx: DbOrTx,
  orderId: string,
  event: OrderEventHook,
): Promise<void> {
  if (!movesCredit(event)) return;
  const rows = (await tx.execute(
    sql`select buyer_org_id, seller_org_id from orders where id = ${orderId}`,
  )) as unknown as { buyer_org_id: string; seller_org_id: string }[];
  const order = rows[0];
  if (!order) return;
  await enqueueJobs(
    tx,
    creditJobs({ sellerOrgId: order.seller_org_id, buyerOrgId: order.buyer_org_id }, event),
  );
}

function movesCredit(event: OrderEventHook): boolean {
  return CREDIT_EVENTS.has(event.kind) || event.toStatus === 'delivered' || event.toStatus === 'completed';
}

/** The recomputations an event on an order calls for (for a batch of events whose orders the caller holds). */
export function creditJobs(
  order: { sellerOrgId: string; buyerOrgId: string },
  event: OrderEventHook,
): OutboxJob[] {
  if (!movesCredit(event)) return [];
  return [order.sellerOrgId, order.buyerOrgId].map((orgId) =>
    outboxJob('moderation', 'recompute-credit', { orgId, trigger: `order:${event.kind}` }),
  );
}

/** Every org that has traded, for the nightly recomputation. */
export async function tradingOrgIds(tx: DbOrTx): Promise<string[]> {
  const rows = (await tx.execute(
    sql`select id from organisations where kind <> 'operator' order by id`,
  )) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}
