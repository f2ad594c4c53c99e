// Market data (#15): one trade row per completed order sold by weight, and per-day aggregates the quotes board reads.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { organisations } from './identity';
import { categories } from './listings';

/**
 * A completed trade as the price index counts it, derived from its order by the market-data job (ADR 0036).
 * No foreign key to orders: the row is derived data the job writes and removes; orders are never deleted.
 */
export const marketTrades = pgTable(
  'market_trades',
  {
    orderId: text('order_id').primaryKey(),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    /** The lot's grade attribute (spec.grade, else spec.count, spec.size), or 'ungraded'. */
    grade: text('grade').notNull(),
    /** The lot's origin region (province), as the seller entered it. */
    origin: text('origin').notNull(),
    /** The market day (Asia/Shanghai) the order completed on. */
    day: date('day', { mode: 'string' }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    /** The agreed price per kg. */
    priceFenPerKg: bigint('price_fen_per_kg', { mode: 'number' }).notNull(),
    /** The weight that changed hands: the weighed quantity where there is one, else the ordered one. */
    weightGrams: bigint('weight_grams', { mode: 'number' }).notNull(),
    /** The money the buyer paid for the goods (final total after weighing, else the subtotal). */
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    /** buy_now, quote, auction, or whatever later order sources add (text, so a new source needs no migration). */
    source: text('source').notNull(),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    currency: text('currency').notNull().default('CNY'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('market_trades_price_positive', sql`${t.priceFenPerKg} > 0`),
    check('market_trades_weight_positive', sql`${t.weightGrams} > 0`),
    check('market_trades_amount_not_negative', sql`${t.amountFen} >= 0`),
    index('market_trades_group_idx').on(t.categoryId, t.grade, t.origin, t.day),
    index('market_trades_day_idx').on(t.day),
    index('market_trades_seller_idx').on(t.sellerOrgId, t.day),
    index('market_trades_buyer_idx').on(t.buyerOrgId, t.day),
  ],
);

/**
 * One category × grade × origin × market day: what the board and the charts read. Kept by the market-data job,
 * a delta on each new trade and a recount of that one group-day when a trade leaves (ADR 0036).
 * VWAP = valueMilliFen / weightGrams, half-up: valueMilliFen sums price per kg × grams, so no per-trade rounding.
 */
export const marketDayAggregates = pgTable(
  'market_day_aggregates',
  {
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    grade: text('grade').notNull(),
    origin: text('origin').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    /** Σ price_fen_per_kg × weight_grams (thousandths of a fen). */
    valueMilliFen: bigint('value_milli_fen', { mode: 'number' }).notNull(),
    /** Σ amount_fen: the money paid, for reports. */
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    weightGrams: bigint('weight_grams', { mode: 'number' }).notNull(),
    lowFenPerKg: bigint('low_fen_per_kg', { mode: 'number' }).notNull(),
    highFenPerKg: bigint('high_fen_per_kg', { mode: 'number' }).notNull(),
    trades: integer('trades').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.categoryId, t.grade, t.origin, t.day] }),
    check('market_day_aggregates_trades_positive', sql`${t.trades} > 0`),
    check('market_day_aggregates_weight_positive', sql`${t.weightGrams} > 0`),
    check('market_day_aggregates_low_high', sql`${t.lowFenPerKg} <= ${t.highFenPerKg}`),
    // Covering, and in day order: the board reads its 15 days (the day and the reference window) from the index alone.
    index('market_day_aggregates_day_idx').on(
      t.day,
      t.categoryId,
      t.grade,
      t.origin,
      t.valueMilliFen,
      t.weightGrams,
      t.lowFenPerKg,
      t.highFenPerKg,
      t.trades,
    ),
    // Covering: a series and the reference price read a category × grade's days from the index alone.
    index('market_day_aggregates_category_grade_idx').on(
      t.categoryId,
      t.grade,
      t.day,
      t.origin,
      t.valueMilliFen,
      t.weightGrams,
      t.lowFenPerKg,
      t.highFenPerKg,
      t.trades,
    ),
  ],
);

export type MarketTrade = typeof marketTrades.$inferSelect;
export type MarketDayAggregate = typeof marketDayAggregates.$inferSelect;
