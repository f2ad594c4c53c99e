// Order farming (订单农业): harvest plans and their versions, pre-orders with deposits, progress posts, consumer reservations.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { categories, listings, quantityUnit } from './listings';
import { orders } from './orders';

export type PlanStatus = 'open' | 'closed' | 'harvested' | 'cancelled';
export type PlanPriceMode = 'fixed' | 'reference';
export type PlanAllocation = 'commitment' | 'pro_rata';
export type PreOrderStatus =
  | 'pending'
  | 'confirmed'
  | 'declined'
  | 'withdrawn'
  | 'filled'
  | 'released'
  | 'cancelled'
  | 'forfeited';

/** A seller's plan for a future harvest that buyers pre-order against; quantities in the category's base unit. */
export const harvestPlans = pgTable(
  'harvest_plans',
  {
    id: text('id').primaryKey(),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    title: text('title').notNull(),
    /** The grade range as the seller words it (e.g. 40/50–50/60 头). */
    grade: text('grade').notNull().default(''),
    /** The category spec the reference price is read for (app/market-data/lot-reference.server.ts). */
    spec: jsonb('spec').notNull().default({}),
    expectedMin: bigint('expected_min', { mode: 'number' }).notNull(),
    expectedMax: bigint('expected_max', { mode: 'number' }).notNull(),
    displayUnit: quantityUnit('display_unit').notNull(),
    harvestFrom: date('harvest_from', { mode: 'string' }).notNull(),
    harvestTo: date('harvest_to', { mode: 'string' }).notNull(),
    cutoffDate: date('cutoff_date', { mode: 'string' }).notNull(),
    priceMode: text('price_mode').$type<PlanPriceMode>().notNull(),
    /** Per kg (or piece): the price for 'fixed', the indicative price (and deposit basis) for 'reference'. */
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    /** 'reference': the harvest day's reference price adjusted by this many basis points (−5000…5000). */
    referenceAdjustBps: integer('reference_adjust_bps').notNull().default(0),
    minPerBuyer: bigint('min_per_buyer', { mode: 'number' }).notNull(),
    maxPerBuyer: bigint('max_per_buyer', { mode: 'number' }).notNull(),
    depositBps: integer('deposit_bps').notNull(),
    /** The share of its deposit a buyer who does not pay the balance forfeits to the seller. */
    forfeitBps: integer('forfeit_bps').notNull().default(10_000),
    /** A harvest window moved by more than this many days lets buyers withdraw. */
    materialDays: integer('material_days').notNull().default(7),
    allocation: text('allocation').$type<PlanAllocation>().notNull().default('commitment'),
    delivery: text('delivery').array().notNull().default(sql`'{pickup}'::text[]`),
    /** The pond or plot the harvest comes from: the origin of the delivered lot's trace. */
    originName: text('origin_name').notNull(),
    originRegion: text('origin_region').notNull(),
    notes: text('notes'),
    currency: text('currency').notNull().default('CNY'),
    status: text('status').$type<PlanStatus>().notNull().default('open'),
    statusReason: text('status_reason'),
    /** Sum of pending and confirmed pre-orders, kept under the plan's row lock; CHECK ≤ expected_max. */
    committed: bigint('committed', { mode: 'number' }).notNull().default(0),
    harvestedQuantity: bigint('harvested_quantity', { mode: 'number' }),
    harvestedAt: timestamp('harvested_at', { withTimezone: true }),
    /**
     * The market day the sweep found the harvest overdue by more than the plan's material days (ADR 0053): buyers
     * were told and may withdraw. Cleared when the seller moves the window forward again.
     */
    overdueSince: date('overdue_since', { mode: 'string' }),
    /** The lot the harvest became; every fill is an order on it. */
    listingId: text('listing_id').references(() => listings.id),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    check('harvest_plans_committed_within', sql`${t.committed} >= 0 and ${t.committed} <= ${t.expectedMax}`),
    index('harvest_plans_seller_idx').on(t.sellerOrgId, t.status),
    index('harvest_plans_board_idx').on(t.status, t.harvestFrom),
    index('harvest_plans_unharvested_idx')
      .on(t.harvestTo)
      .where(sql`${t.status} in ('open', 'closed') and ${t.overdueSince} is null`),
  ],
);

/** Every version of a plan as it was published, with what changed and whether it was material. */
export const planVersions = pgTable(
  'plan_versions',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => harvestPlans.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    changes: jsonb('changes').$type<string[]>().notNull().default([]),
    material: boolean('material').notNull().default(false),
    changedBy: text('changed_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.version] })],
);

export const preOrders = pgTable(
  'pre_orders',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => harvestPlans.id),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    depositFen: bigint('deposit_fen', { mode: 'number' }).notNull(),
    status: text('status').$type<PreOrderStatus>().notNull().default('pending'),
    statusReason: text('status_reason'),
    allocated: bigint('allocated', { mode: 'number' }),
    orderId: text('order_id').references(() => orders.id),
    mayWithdraw: boolean('may_withdraw').notNull().default(false),
    consumerOpen: boolean('consumer_open').notNull().default(false),
    consumerStores: text('consumer_stores').array().notNull().default(sql`'{}'::text[]`),
    reserved: bigint('reserved', { mode: 'number' }).notNull().default(0),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('pre_orders_seq_key').on(t.seq),
    uniqueIndex('pre_orders_one_live_per_buyer')
      .on(t.planId, t.buyerOrgId)
      .where(sql`${t.status} in ('pending', 'confirmed')`),
    index('pre_orders_buyer_idx').on(t.buyerOrgId, t.createdAt),
    index('pre_orders_plan_idx').on(t.planId, t.seq),
  ],
);

export const planPosts = pgTable(
  'plan_posts',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => harvestPlans.id, { onDelete: 'cascade' }),
    authorUserId: text('author_user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    photoKey: text('photo_key'),
    photoType: text('photo_type'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('plan_posts_plan_idx').on(t.planId, t.createdAt)],
);

/** A retailer's customer reserving part of its share: minimal data, visible to that retailer only. */
export const consumerReservations = pgTable(
  'consumer_reservations',
  {
    id: text('id').primaryKey(),
    preOrderId: text('pre_order_id')
      .notNull()
      .references(() => preOrders.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    pickupStore: text('pickup_store').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    pickedUpAt: timestamp('picked_up_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consumer_reservations_pre_order_idx').on(t.preOrderId, t.createdAt)],
);

export type HarvestPlan = typeof harvestPlans.$inferSelect;
export type PreOrder = typeof preOrders.$inferSelect;
