// Demand posts (RFQs), quote threads with their versions and messages, and the stored matches of demands and lots.
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
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { cities } from './geo';
import { organisations, users } from './identity';
import { categories, coldChainClass, listings, quantityUnit } from './listings';
import { orders } from './orders';

export const demandStatus = pgEnum('demand_status', ['open', 'closed', 'fulfilled']);
export const demandVisibility = pgEnum('demand_visibility', ['all', 'verified']);
export const quoteStatus = pgEnum('quote_status', ['open', 'accepted', 'withdrawn']);
export const quoteSide = pgEnum('quote_side', ['buyer', 'seller']);

/**
 * What a buyer org needs. `spec` holds the wanted attribute values of the category, ranges allowed:
 * an enum attribute is a list of acceptable values, a number attribute { min?, max? }, text a string.
 */
export const demands = pgTable(
  'demands',
  {
    id: text('id').primaryKey(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    title: text('title').notNull(),
    spec: jsonb('spec').notNull().default({}),
    /** In the category's base unit (grams or pieces). */
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    displayUnit: quantityUnit('display_unit').notNull(),
    /** Per kg for goods by weight, per piece otherwise; null is "open" (the buyer names no price). */
    targetPriceFen: bigint('target_price_fen', { mode: 'number' }),
    /** The unit the buyer typed the target in (kg, jin, t, piece), to show it back the same way. */
    priceUnit: text('price_unit').notNull().default('kg'),
    currency: text('currency').notNull().default('CNY'),
    deliveryCityId: text('delivery_city_id')
      .notNull()
      .references(() => cities.id),
    deliverBy: date('deliver_by', { mode: 'string' }).notNull(),
    coldChain: coldChainClass('cold_chain').notNull(),
    notes: text('notes'),
    visibility: demandVisibility('visibility').notNull().default('all'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    status: demandStatus('status').notNull().default('open'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    check('demands_quantity_positive', sql`${t.quantity} > 0`),
    check('demands_target_positive', sql`${t.targetPriceFen} is null or ${t.targetPriceFen} > 0`),
    check('demands_title_present', sql`length(trim(${t.title})) > 0`),
    check('demands_price_unit', sql`${t.priceUnit} in ('kg', 'jin', 't', 'piece')`),
    index('demands_board_idx').on(t.status, t.categoryId, t.createdAt),
    index('demands_buyer_idx').on(t.buyerOrgId, t.status),
    // The matcher's reverse search: open demands of a category, still before their expiry.
    index('demands_match_idx')
      .on(t.categoryId, t.coldChain, t.expiresAt)
      .where(sql`${t.status} = 'open'`),
  ],
);

/**
 * One seller org's negotiation on a demand. `currentVersion` is the latest offer; counters and
 * acceptance are conditional updates on it, so two replies to the same version cannot both win.
 */
export const quotes = pgTable(
  'quotes',
  {
    id: text('id').primaryKey(),
    demandId: text('demand_id')
      .notNull()
      .references(() => demands.id),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    /** The seller's live lot behind the quote; acceptance needs one (docs/decisions/0012-*). */
    listingId: text('listing_id').references(() => listings.id),
    status: quoteStatus('status').notNull().default('open'),
    currentVersion: integer('current_version').notNull().default(1),
    orderId: text('order_id').references(() => orders.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    check('quotes_version_positive', sql`${t.currentVersion} > 0`),
    check('quotes_accepted_has_order', sql`(${t.status} = 'accepted') = (${t.orderId} is not null)`),
    // One live negotiation per seller and demand; a withdrawn one may be followed by a fresh quote.
    uniqueIndex('quotes_open_per_seller_key')
      .on(t.demandId, t.sellerOrgId)
      .where(sql`${t.status} <> 'withdrawn'`),
    index('quotes_seller_idx').on(t.sellerOrgId, t.updatedAt),
  ],
);

/** Every offer on a thread, never changed: the seller's quote is version 1, each counter the next. */
export const quoteVersions = pgTable(
  'quote_versions',
  {
    quoteId: text('quote_id')
      .notNull()
      .references(() => quotes.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    side: quoteSide('side').notNull(),
    authorUserId: text('author_user_id')
      .notNull()
      .references(() => users.id),
    /** [{ minQuantity (base units), unitPriceFen (per kg or piece) }], sorted; one tier is a single price. */
    tiers: jsonb('tiers').notNull(),
    /** The price of the version's quantity (its tier), per kg or per piece. */
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    priceUnit: text('price_unit').notNull().default('kg'),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    deliverBy: date('deliver_by', { mode: 'string' }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.quoteId, t.version] }),
    check('quote_versions_price_positive', sql`${t.unitPriceFen} > 0`),
    check('quote_versions_quantity_positive', sql`${t.quantity} > 0`),
  ],
);

/** Free messages on a quote thread, for anything the offer fields do not say. */
export const quoteMessages = pgTable(
  'quote_messages',
  {
    id: text('id').primaryKey(),
    quoteId: text('quote_id')
      .notNull()
      .references(() => quotes.id, { onDelete: 'cascade' }),
    authorUserId: text('author_user_id')
      .notNull()
      .references(() => users.id),
    authorOrgId: text('author_org_id')
      .notNull()
      .references(() => organisations.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('quote_messages_body_present', sql`length(trim(${t.body})) > 0`),
    index('quote_messages_quote_idx').on(t.quoteId, t.createdAt),
  ],
);

/** A (demand, lot) pair the matcher ranked, with the parts of its score so pages can say why. */
export const matches = pgTable(
  'matches',
  {
    demandId: text('demand_id')
      .notNull()
      .references(() => demands.id, { onDelete: 'cascade' }),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    score: integer('score').notNull(),
    /** { spec, quantity, price, distance, freshness, credit }, each 0–1. */
    parts: jsonb('parts').notNull(),
    distanceKm: real('distance_km'),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.demandId, t.listingId] }),
    check('matches_score_range', sql`${t.score} between 1 and 100`),
    index('matches_demand_idx').on(t.demandId, t.score),
    index('matches_listing_idx').on(t.listingId, t.score),
  ],
);

export type Demand = typeof demands.$inferSelect;
export type DemandStatus = (typeof demandStatus.enumValues)[number];
export type Quote = typeof quotes.$inferSelect;
export type QuoteVersion = typeof quoteVersions.$inferSelect;
export type QuoteSide = (typeof quoteSide.enumValues)[number];
export type Match = typeof matches.$inferSelect;
