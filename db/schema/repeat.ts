// Repeat buying (issue #18, ADR 0054): requisition lists (常购清单) and their lines, multi-seller checkouts of a
// list, standing orders (每周定期采购) and their weekly runs, one run per standing order per market week.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { listings } from './listings';
import { orders } from './orders';

export const requisitionLists = pgTable(
  'requisition_lists',
  {
    id: text('id').primaryKey(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    index('requisition_lists_org_idx').on(t.buyerOrgId),
    check('requisition_lists_name_len', sql`char_length(${t.name}) between 1 and 60`),
  ],
);

/** A lot and the quantity as the buyer typed it (quantity text + unit), as placeBuyNow takes it. */
export const requisitionLines = pgTable(
  'requisition_lines',
  {
    id: text('id').primaryKey(),
    listId: text('list_id')
      .notNull()
      .references(() => requisitionLists.id, { onDelete: 'cascade' }),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id),
    quantity: text('quantity').notNull(),
    unit: text('unit').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('requisition_lines_lot_uq').on(t.listId, t.listingId)],
);

export type CheckoutLineResult = {
  listingId: string;
  quantity: string;
  unit: string;
  orderId: string | null;
  /** An i18n key: why the line was not bought. */
  error: string | null;
};

/** One "checkout all" of a list: the orders it made and the lines it could not buy. The token dedupes a repeated post. */
export const checkouts = pgTable(
  'checkouts',
  {
    id: text('id').primaryKey(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    listId: text('list_id').references(() => requisitionLists.id, { onDelete: 'set null' }),
    token: text('token').notNull(),
    results: jsonb('results').$type<CheckoutLineResult[]>().notNull().default(sql`'[]'::jsonb`),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('checkouts_token_uq').on(t.buyerOrgId, t.token)],
);

export const standingOrders = pgTable(
  'standing_orders',
  {
    id: text('id').primaryKey(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id),
    quantity: text('quantity').notNull(),
    unit: text('unit').notNull(),
    /** ISO weekday in market time: 1 Monday … 7 Sunday. */
    weekday: integer('weekday').notNull(),
    /** The unit price when set up, and how far above it (basis points) the buyer still buys. */
    basePriceFen: bigint('base_price_fen', { mode: 'number' }).notNull(),
    maxRiseBps: integer('max_rise_bps').notNull(),
    status: text('status', { enum: ['active', 'paused'] })
      .notNull()
      .default('active'),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    index('standing_orders_due_idx').on(t.weekday).where(sql`${t.status} = 'active'`),
    index('standing_orders_org_idx').on(t.buyerOrgId),
    check('standing_orders_weekday', sql`${t.weekday} between 1 and 7`),
    check('standing_orders_rise', sql`${t.maxRiseBps} between 0 and 10000`),
    check('standing_orders_price', sql`${t.basePriceFen} > 0`),
  ],
);

/** What a standing order did in one market week (its Monday): the unique key makes it at most once. */
export const standingOrderRuns = pgTable(
  'standing_order_runs',
  {
    id: text('id').primaryKey(),
    standingOrderId: text('standing_order_id')
      .notNull()
      .references(() => standingOrders.id, { onDelete: 'cascade' }),
    week: date('week', { mode: 'string' }).notNull(),
    outcome: text('outcome', {
      enum: ['ordered', 'skipped_stock', 'skipped_price', 'skipped_unavailable'],
    }).notNull(),
    orderId: text('order_id').references(() => orders.id),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('standing_order_runs_week_uq').on(t.standingOrderId, t.week)],
);

export type RequisitionList = typeof requisitionLists.$inferSelect;
export type StandingOrder = typeof standingOrders.$inferSelect;
