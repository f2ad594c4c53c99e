// Market data writes (#15): an order's trade row and its day aggregate, kept in step by the market-data job (ADR 0036).
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import {
  categories,
  disputes,
  listings,
  marketDayAggregates,
  marketTrades,
  orderEvents,
  orders,
} from '../../db/schema';
import { marketDate } from '../lib/market-time';
import { type OutboxJob, enqueueJobs, outboxJob } from '../lib/outbox.server';

/** Spec attributes that grade a lot for the index, in order of preference; a lot with none is 'ungraded'. */
export const GRADE_KEYS = ['grade', 'count', 'size'] as const;
export const UNGRADED = 'ungraded';

/** The grade a lot's spec puts it in for the price index. */
export function tradeGrade(spec: unknown): string {
  const values = (spec ?? {}) as Record<string, unknown>;
  for (const key of GRADE_KEYS) {
    const value = values[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return UNGRADED;
}

type TradeRow = typeof marketTrades.$inferInsert;
type GroupKey = { categoryId: string; grade: string; origin: string; day: string };

const groupId = (key: GroupKey) => `${key.categoryId}|${key.grade}|${key.origin}|${key.day}`;

/**
 * The trade an order stands for now, or null: a completed order (or a dispute rejected, so the goods were paid in
 * full) of goods sold by weight. A cancelled order, a refunded dispute and anything not finished yet has none.
 */
async function tradeOf(tx: Tx, orderId: string): Promise<TradeRow | null> {
  const [row] = await tx
    .select({
      order: orders,
      categoryId: listings.categoryId,
      spec: listings.spec,
      origin: listings.originRegion,
      baseUnit: categories.baseUnit,
      outcome: disputes.outcome,
    })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .leftJoin(disputes, eq(disputes.orderId, orders.id))
    .where(eq(orders.id, orderId));
  if (!row) return null;
  const { order } = row;
  const counts = order.status === 'completed' || (order.status === 'resolved' && row.outcome === 'rejected');
  // Pieces have no price per kg; the index is of goods sold by weight.
  if (!counts || row.baseUnit !== 'g' || order.perBase !== 1000) return null;
  const [finished] = await tx
    .select({ at: sql<Date>`max(${orderEvents.at})`.mapWith((v) => new Date(v)) })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, order.id), eq(orderEvents.toStatus, order.status)));
  const completedAt = finished?.at && !Number.isNaN(finished.at.getTime()) ? finished.at : order.updatedAt;
  const weightGrams = order.deliveredQuantity ?? order.quantity;
  if (weightGrams <= 0) return null;
  return {
    orderId: order.id,
    categoryId: row.categoryId,
    grade: tradeGrade(row.spec),
    origin: row.origin,
    day: marketDate(completedAt),
    completedAt,
    priceFenPerKg: order.unitPriceFen,
    weightGrams,
    amountFen: order.finalTotalFen ?? order.subtotalFen,
    source: order.source,
    sellerOrgId: order.sellerOrgId,
    buyerOrgId: order.buyerOrgId,
    currency: order.currency,
  };
}

function sameTrade(a: TradeRow, b: TradeRow): boolean {
  return (
    groupId(a) === groupId(b) &&
    a.priceFenPerKg === b.priceFenPerKg &&
    a.weightGrams === b.weightGrams &&
    a.amountFen === b.amountFen &&
    a.completedAt?.getTime() === b.completedAt?.getTime()
  );
}

/** Adds one trade to its group-day: a delta, so a new trade never reads other trades. */
async function addToAggregate(tx: Tx, trade: TradeRow) {
  const value = trade.priceFenPerKg * trade.weightGrams;
  await tx
    .insert(marketDayAggregates)
    .values({
      categoryId: trade.categoryId,
      grade: trade.grade,
      origin: trade.origin,
      day: trade.day,
      valueMilliFen: value,
      amountFen: trade.amountFen,
      weightGrams: trade.weightGrams,
      lowFenPerKg: trade.priceFenPerKg,
      highFenPerKg: trade.priceFenPerKg,
      trades: 1,
    })
    .onConflictDoUpdate({
      target: [
        marketDayAggregates.categoryId,
        marketDayAggregates.grade,
        marketDayAggregates.origin,
        marketDayAggregates.day,
      ],
      set: {
        valueMilliFen: sql`${marketDayAggregates.valueMilliFen} + excluded.value_milli_fen`,
        amountFen: sql`${marketDayAggregates.amountFen} + excluded.amount_fen`,
        weightGrams: sql`${marketDayAggregates.weightGrams} + excluded.weight_grams`,
        lowFenPerKg: sql`least(${marketDayAggregates.lowFenPerKg}, excluded.low_fen_per_kg)`,
        highFenPerKg: sql`greatest(${marketDayAggregates.highFenPerKg}, excluded.high_fen_per_kg)`,
        trades: sql`${marketDayAggregates.trades} + 1`,
        updatedAt: sql`now()`,
      },
    });
}

/**
 * Recounts one group-day from its trades, after a trade left it (a low or a high cannot be subtracted). Reads only
 * that group's trades of that day (market_trades_group_idx); removes the aggregate when none is left.
 */
async function recountAggregate(tx: Tx, key: GroupKey) {
  const where = sql`category_id = ${key.categoryId} and grade = ${key.grade} and origin = ${key.origin} and day = ${key.day}::date`;
  const updated = (await tx.execute(sql`
    insert into market_day_aggregates
      (category_id, grade, origin, day, value_milli_fen, amount_fen, weight_grams, low_fen_per_kg, high_fen_per_kg, trades)
    select ${key.categoryId}, ${key.grade}, ${key.origin}, ${key.day}::date,
      sum(price_fen_per_kg * weight_grams), sum(amount_fen), sum(weight_grams),
      min(price_fen_per_kg), max(price_fen_per_kg), count(*)
    from market_trades where ${where}
    having count(*) > 0
    on conflict (category_id, grade, origin, day) do update set
      value_milli_fen = excluded.value_milli_fen, amount_fen = excluded.amount_fen,
      weight_grams = excluded.weight_grams, low_fen_per_kg = excluded.low_fen_per_kg,
      high_fen_per_kg = excluded.high_fen_per_kg, trades = excluded.trades, updated_at = now()
    returning 1`)) as unknown as unknown[];
  if (updated.length === 0) await tx.execute(sql`delete from market_day_aggregates where ${where}`);
}

export type TradeChange = 'recorded' | 'changed' | 'removed' | 'unchanged' | 'none';

/**
 * Brings an order's trade row and its day aggregates in line with the order (idempotent; the market-data job).
 * A completed order becomes a trade on the market day (market time) it completed; a cancelled or refunded one
 * leaves. Only the one or two group-days the order touches are written: never a scan of history.
 */
export function recordOrderTrade(db: DbOrTx, orderId: string): Promise<TradeChange> {
  return db.transaction(async (tx) => {
    // Two runs for one order (a retry beside a late duplicate) take turns.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('wharf.market_trade'), hashtext(${orderId}))`);
    const desired = await tradeOf(tx, orderId);
    const [existing] = await tx.select().from(marketTrades).where(eq(marketTrades.orderId, orderId));
    if (!existing && !desired) return 'none';
    if (existing && desired && sameTrade(existing, desired)) return 'unchanged';
    // Every writer of a group-day holds its lock, so a recount never misses a trade committed meanwhile. Sorted,
    // so two orders moving between the same groups cannot deadlock.
    const groups = [
      ...new Set([existing, desired].filter((t) => t !== null && t !== undefined).map(groupId)),
    ];
    for (const group of groups.sort())
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('wharf.market_group'), hashtext(${group}))`);
    if (existing) await tx.delete(marketTrades).where(eq(marketTrades.orderId, orderId));
    if (desired) await tx.insert(marketTrades).values(desired);
    if (existing) await recountAggregate(tx, existing);
    if (desired && (!existing || groupId(existing) !== groupId(desired))) await addToAggregate(tx, desired);
    if (!existing) return 'recorded';
    return desired ? 'changed' : 'removed';
  });
}

/**
 * Rebuilds every aggregate from the trades table: for bulk loads (the demo seed, the benchmark) and repair, never
 * on a page view. Takes an exclusive lock on the aggregates so no job's delta lands half-way through.
 */
export async function rebuildMarketAggregates(db: DbOrTx): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table market_day_aggregates in exclusive mode`);
    await tx.execute(sql`delete from market_day_aggregates`);
    const rows = (await tx.execute(sql`
      insert into market_day_aggregates
        (category_id, grade, origin, day, value_milli_fen, amount_fen, weight_grams, low_fen_per_kg, high_fen_per_kg, trades)
      select category_id, grade, origin, day, sum(price_fen_per_kg * weight_grams), sum(amount_fen),
        sum(weight_grams), min(price_fen_per_kg), max(price_fen_per_kg), count(*)
      from market_trades group by category_id, grade, origin, day
      -- In day order, as the job writes them: a day's rows share pages, so the board reads few.
      order by day, category_id, grade, origin
      returning 1`)) as unknown as unknown[];
    return rows.length;
  });
}

/** States after which an order's trade may have appeared or gone: the job re-reads the order and converges. */
const TRADE_STATES = new Set(['completed', 'resolved', 'cancelled']);

/** The order hook (app/orders/hooks.server.ts): queues the market-data job, in the transaction that wrote the event. */
export async function marketDataAfterOrderEvent(
  tx: DbOrTx,
  orderId: string,
  event: { toStatus?: string | null },
): Promise<void> {
  await enqueueJobs(tx, marketDataJobs(orderId, event));
}

/** The market-data job an order's event calls for, if any (for a batch of events written together). */
export function marketDataJobs(orderId: string, event: { toStatus?: string | null }): OutboxJob[] {
  return event.toStatus && TRADE_STATES.has(event.toStatus)
    ? [outboxJob('orders', 'record-trade', { orderId })]
    : [];
}
