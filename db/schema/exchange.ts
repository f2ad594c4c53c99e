// The exchange (issue #14): standardized instruments, the projection of each exchange order, and the fills made orders.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  time,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { categories, listings } from './listings';
import { orders } from './orders';

export const instrumentStatus = pgEnum('instrument_status', ['active', 'halted']);
export const deliveryKind = pgEnum('delivery_kind', ['spot', 'dated']);
export const exchangeSide = pgEnum('exchange_side', ['buy', 'sell']);
export const exchangeOrderType = pgEnum('exchange_order_type', ['limit', 'market']);
export const exchangeTif = pgEnum('exchange_tif', ['gtc', 'day', 'ioc', 'fok']);
export const exchangeOrderStatus = pgEnum('exchange_order_status', [
  /** written, holds taken, not yet answered by the instrument's writer */
  'pending',
  /** in the book with remaining > 0 */
  'resting',
  'filled',
  'cancelled',
  'rejected',
]);

/**
 * A standardized grade traded on the book: a category with fixed grade attributes, a unit of trade in grams,
 * a tick, a delivery place and window, trading hours in market time and a daily price band.
 */
export const instruments = pgTable(
  'instruments',
  {
    /** A uuid: the engine's journal and advisory lock key instruments by uuid (ADR 0030). */
    id: uuid('id').primaryKey().defaultRandom(),
    /** Short upper-case code in URLs: SHRIMP-4050-LIVE. */
    code: text('code').notNull().unique(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    /** Attribute values from the category's spec schema a lot must have to back a sell order. */
    grade: jsonb('grade').notNull().default({}),
    /** One unit of trade in grams (1 case = 10 kg → 10000). */
    unitGrams: integer('unit_grams').notNull(),
    unitNameZh: text('unit_name_zh').notNull(),
    unitNameEn: text('unit_name_en').notNull(),
    tickFen: integer('tick_fen').notNull(),
    currency: text('currency').notNull().default('CNY'),
    deliveryPlace: text('delivery_place').notNull(),
    /** spot: next morning at the market; dated: on delivery_date. */
    deliveryKind: deliveryKind('delivery_kind').notNull().default('spot'),
    deliveryDate: date('delivery_date', { mode: 'string' }),
    /** Trading hours in market time: the call collects orders from call_start, the book opens at open_time. */
    callStart: time('call_start').notNull(),
    openTime: time('open_time').notNull(),
    closeTime: time('close_time').notNull(),
    /** Daily price band: ± this many basis points of the reference price. */
    bandBps: integer('band_bps').notNull(),
    /** The operator's reference price before the instrument has traded (fen per unit of trade). */
    referencePriceFen: bigint('reference_price_fen', { mode: 'number' }),
    status: instrumentStatus('status').notNull().default('active'),
    ...timestamps,
  },
  (t) => [
    check('instruments_code_format', sql`${t.code} ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'`),
    check('instruments_unit_positive', sql`${t.unitGrams} > 0`),
    check('instruments_tick_positive', sql`${t.tickFen} > 0`),
    check('instruments_band_range', sql`${t.bandBps} between 1 and 5000`),
    check('instruments_hours_order', sql`${t.callStart} < ${t.openTime} and ${t.openTime} < ${t.closeTime}`),
    check('instruments_delivery_date', sql`(${t.deliveryKind} = 'dated') = (${t.deliveryDate} is not null)`),
    check(
      'instruments_reference_on_tick',
      sql`${t.referencePriceFen} is null or (${t.referencePriceFen} > 0 and ${t.referencePriceFen} % ${t.tickFen} = 0)`,
    ),
  ],
);

/**
 * What the market knows of each exchange order (the writer's journal is the truth; this is its projection):
 * who, what, how much is left, and what backs it — deposit cover held for a buy, stock reserved from a lot
 * for a sell — until it is finished.
 */
export const exchangeOrders = pgTable(
  'exchange_orders',
  {
    /** The uuid the engine knows the order by. */
    id: text('id').primaryKey(),
    instrumentId: uuid('instrument_id')
      .notNull()
      .references(() => instruments.id),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    side: exchangeSide('side').notNull(),
    type: exchangeOrderType('type').notNull(),
    tif: exchangeTif('tif').notNull(),
    /** Fen per unit of trade; null for a market order. */
    priceFen: bigint('price_fen', { mode: 'number' }),
    /** Units of trade. */
    quantity: integer('quantity').notNull(),
    remaining: integer('remaining').notNull(),
    minQuantity: integer('min_quantity'),
    status: exchangeOrderStatus('status').notNull().default('pending'),
    /** Why it was rejected or cancelled (the engine's reason). */
    statusReason: text('status_reason'),
    /** Sell orders: the seller's lot whose stock backs the order, and how many grams of it are still reserved. */
    listingId: text('listing_id').references(() => listings.id),
    reservedGrams: bigint('reserved_grams', { mode: 'number' }).notNull().default(0),
    /** Buy orders: deposit held in the ledger as cover; its version keys the postings. */
    coverFen: bigint('cover_fen', { mode: 'number' }).notNull().default(0),
    coverVersion: integer('cover_version').notNull().default(0),
    /** The last journal entry applied to this row (the projection is idempotent by it). */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    check('exchange_orders_quantity_positive', sql`${t.quantity} > 0`),
    check('exchange_orders_remaining_range', sql`${t.remaining} between 0 and ${t.quantity}`),
    check(
      'exchange_orders_price_shape',
      sql`case ${t.type} when 'market' then ${t.priceFen} is null else ${t.priceFen} > 0 end`,
    ),
    check(
      'exchange_orders_min_quantity_range',
      sql`${t.minQuantity} is null or ${t.minQuantity} between 1 and ${t.quantity}`,
    ),
    check(
      'exchange_orders_backing_side',
      sql`case ${t.side} when 'sell' then ${t.listingId} is not null and ${t.coverFen} = 0 else ${t.listingId} is null and ${t.reservedGrams} = 0 end`,
    ),
    check('exchange_orders_reserved_not_negative', sql`${t.reservedGrams} >= 0`),
    check('exchange_orders_cover_not_negative', sql`${t.coverFen} >= 0`),
    check('exchange_orders_resting_has_remaining', sql`${t.status} <> 'resting' or ${t.remaining} > 0`),
    check('exchange_orders_filled_has_none', sql`${t.status} <> 'filled' or ${t.remaining} = 0`),
    check(
      'exchange_orders_finished_holds_nothing',
      sql`${t.status} in ('pending', 'resting') or (${t.coverFen} = 0 and ${t.reservedGrams} = 0)`,
    ),
    index('exchange_orders_org_idx').on(t.orgId, t.createdAt),
    index('exchange_orders_instrument_idx').on(t.instrumentId, t.status),
  ],
);

/** Each fill the journal reports, made one normal order (idempotent by instrument, seq and trade id). */
export const exchangeFills = pgTable(
  'exchange_fills',
  {
    instrumentId: uuid('instrument_id')
      .notNull()
      .references(() => instruments.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    tradeId: bigint('trade_id', { mode: 'number' }).notNull(),
    buyOrderId: text('buy_order_id')
      .notNull()
      .references(() => exchangeOrders.id),
    sellOrderId: text('sell_order_id')
      .notNull()
      .references(() => exchangeOrders.id),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull(),
    quantity: integer('quantity').notNull(),
    orderId: text('order_id').references(() => orders.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.instrumentId, t.tradeId] }),
    unique('exchange_fills_seq_trade_key').on(t.instrumentId, t.seq, t.tradeId),
    check('exchange_fills_price_positive', sql`${t.priceFen} > 0`),
    check('exchange_fills_quantity_positive', sql`${t.quantity} > 0`),
    index('exchange_fills_time_idx').on(t.instrumentId, t.createdAt),
  ],
);

/** How far the fills consumer has read each instrument's journal. */
export const exchangeCursors = pgTable('exchange_cursors', {
  instrumentId: uuid('instrument_id')
    .primaryKey()
    .references(() => instruments.id),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Instrument = typeof instruments.$inferSelect;
export type ExchangeOrder = typeof exchangeOrders.$inferSelect;
