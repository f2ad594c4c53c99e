// The catalogue (categories with their spec attributes as data) and listings of lots with stock, tiers and files.
import { relations, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const baseUnit = pgEnum('base_unit', ['g', 'piece']);
export const coldChainClass = pgEnum('cold_chain_class', ['frozen', 'chilled', 'live', 'ambient']);
export const categoryGroup = pgEnum('category_group', ['seafood', 'farm']);
export const saleMode = pgEnum('sale_mode', ['fixed', 'negotiable', 'auction']);
export const quantityUnit = pgEnum('quantity_unit', ['g', 'kg', 'jin', 't', 'case', 'piece']);
export const listingStatus = pgEnum('listing_status', [
  'draft',
  'pending_review',
  'live',
  'paused',
  'sold_out',
  'expired',
  'withdrawn',
  'removed',
]);
export const listingFileKind = pgEnum('listing_file_kind', ['photo', 'certificate']);
export const certificateType = pgEnum('certificate_type', ['inspection', 'quality', 'other']);

/** A product category; `attributes` is its spec schema as data (validated by app/listings/catalogue.ts). */
export const categories = pgTable(
  'categories',
  {
    id: text('id').primaryKey(),
    group: categoryGroup('group').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    baseUnit: baseUnit('base_unit').notNull(),
    defaultColdChain: coldChainClass('default_cold_chain').notNull(),
    attributes: jsonb('attributes').notNull().default([]),
    inspectionHours: integer('inspection_hours').notNull().default(24),
    /** The market's fee on this category's trades, in basis points of the order total (set by the operator). */
    feeBps: integer('fee_bps').notNull().default(150),
    /**
     * Auction bid increments by price band, in minor units: [{ fromFen, stepFen }] sorted by fromFen,
     * the first starting at 0 (app/market/settings.server.ts validates it).
     */
    bidIncrements: jsonb('bid_increments')
      .notNull()
      .default([
        { fromFen: 0, stepFen: 10 },
        { fromFen: 1_000, stepFen: 50 },
        { fromFen: 10_000, stepFen: 100 },
        { fromFen: 100_000, stepFen: 1_000 },
      ]),
    /** A bid in the last N seconds of an English auction extends its end by N. */
    softCloseSeconds: integer('soft_close_seconds').notNull().default(60),
    /** Dutch clock: the price falls by this much per tick. */
    clockStepFen: integer('clock_step_fen').notNull().default(10),
    clockTickMs: integer('clock_tick_ms').notNull().default(1_000),
    /** Share of a bidder's open exposure held from its deposit, in basis points. */
    depositBps: integer('deposit_bps').notNull().default(1_000),
    /** How long a temperature run outside the class's band may last before it is an excursion. */
    excursionMinutes: integer('excursion_minutes').notNull().default(20),
    /** Its lots go live only with an unrevoked 承诺达标合格证 (db/schema/compliance.ts, ADR 0044). */
    certificateRequired: boolean('certificate_required').notNull().default(false),
    sort: integer('sort').notNull().default(0),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    check('categories_inspection_hours_positive', sql`${t.inspectionHours} > 0`),
    check('categories_fee_range', sql`${t.feeBps} between 0 and 5000`),
    check('categories_soft_close_range', sql`${t.softCloseSeconds} between 0 and 3600`),
    check('categories_clock_step_positive', sql`${t.clockStepFen} > 0`),
    check('categories_clock_tick_range', sql`${t.clockTickMs} between 100 and 60000`),
    check('categories_deposit_range', sql`${t.depositBps} between 0 and 10000`),
    check('categories_excursion_range', sql`${t.excursionMinutes} between 1 and 1440`),
  ],
);

export const listings = pgTable(
  'listings',
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
    titleZh: text('title_zh'),
    titleEn: text('title_en'),
    descriptionZh: text('description_zh'),
    descriptionEn: text('description_en'),
    spec: jsonb('spec').notNull().default({}),
    originName: text('origin_name').notNull(),
    originRegion: text('origin_region').notNull(),
    harvestDate: date('harvest_date', { mode: 'string' }).notNull(),
    shelfLifeDays: integer('shelf_life_days').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Quantities in the category's base unit (grams or pieces). */
    quantityTotal: bigint('quantity_total', { mode: 'number' }).notNull(),
    quantityAvailable: bigint('quantity_available', { mode: 'number' }).notNull(),
    minOrderQuantity: bigint('min_order_quantity', { mode: 'number' }).notNull(),
    displayUnit: quantityUnit('display_unit').notNull(),
    caseNetGrams: integer('case_net_grams'),
    saleMode: saleMode('sale_mode').notNull().default('fixed'),
    coldChain: coldChainClass('cold_chain').notNull(),
    pickupPlace: text('pickup_place').notNull(),
    currency: text('currency').notNull().default('CNY'),
    status: listingStatus('status').notNull().default('draft'),
    statusReason: text('status_reason'),
    searchVector: tsvector('search_vector'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    /** The version screening last found clean (or an operator approved); matching needs it to equal `version` (ADR 0034). */
    screenedVersion: integer('screened_version'),
    /** The lot this one was split or repacked from (its certificate's parent is that lot's, ADR 0046). */
    splitFrom: text('split_from').references((): AnyPgColumn => listings.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    check(
      'listings_title_present',
      sql`coalesce(length(trim(${t.titleZh})), 0) > 0 or coalesce(length(trim(${t.titleEn})), 0) > 0`,
    ),
    check('listings_available_not_negative', sql`${t.quantityAvailable} >= 0`),
    check('listings_available_within_total', sql`${t.quantityAvailable} <= ${t.quantityTotal}`),
    check('listings_total_positive', sql`${t.quantityTotal} > 0`),
    check('listings_moq_positive', sql`${t.minOrderQuantity} > 0`),
    check('listings_moq_within_total', sql`${t.minOrderQuantity} <= ${t.quantityTotal}`),
    check('listings_shelf_life_positive', sql`${t.shelfLifeDays} > 0`),
    check('listings_case_weight', sql`(${t.displayUnit} = 'case') = (${t.caseNetGrams} is not null)`),
    index('listings_search_idx').using('gin', t.searchVector),
    index('listings_market_idx').on(t.status, t.categoryId, t.publishedAt),
    // The market's default order, newest first (migration 0026).
    index('listings_live_newest_idx')
      .on(t.publishedAt.desc().nullsLast(), t.id.desc())
      .where(sql`${t.status} = 'live'`),
    index('listings_seller_idx').on(t.sellerOrgId, t.status),
    index('listings_split_from_idx').on(t.splitFrom).where(sql`${t.splitFrom} is not null`),
  ],
);

/** Price per pricing unit (per kg for goods by weight, per piece otherwise), from a minimum quantity up. */
export const priceTiers = pgTable(
  'price_tiers',
  {
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    minQuantity: bigint('min_quantity', { mode: 'number' }).notNull(),
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.listingId, t.minQuantity] }),
    check('price_tiers_price_positive', sql`${t.unitPriceFen} > 0`),
    check('price_tiers_min_positive', sql`${t.minQuantity} > 0`),
  ],
);

export const listingFiles = pgTable(
  'listing_files',
  {
    id: text('id').primaryKey(),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    kind: listingFileKind('kind').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbKey: text('thumb_key'),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    position: integer('position').notNull().default(0),
    certificateType: certificateType('certificate_type'),
    certificateNumber: text('certificate_number'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('listing_files_listing_idx').on(t.listingId, t.kind, t.position)],
);

/** Every change of a listing's state, with who and why. */
export const listingEvents = pgTable(
  'listing_events',
  {
    id: text('id').primaryKey(),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: text('actor_user_id').references(() => users.id),
    fromStatus: listingStatus('from_status'),
    toStatus: listingStatus('to_status').notNull(),
    reason: text('reason'),
  },
  (t) => [index('listing_events_listing_idx').on(t.listingId, t.at)],
);

// The one relational query (db.query) left: tests/integration/seed.test.ts reads lots with their tiers and events.
export const listingsRelations = relations(listings, ({ one, many }) => ({
  seller: one(organisations, { fields: [listings.sellerOrgId], references: [organisations.id] }),
  category: one(categories, { fields: [listings.categoryId], references: [categories.id] }),
  tiers: many(priceTiers),
  files: many(listingFiles),
  events: many(listingEvents),
}));
export const priceTiersRelations = relations(priceTiers, ({ one }) => ({
  listing: one(listings, { fields: [priceTiers.listingId], references: [listings.id] }),
}));
export const listingFilesRelations = relations(listingFiles, ({ one }) => ({
  listing: one(listings, { fields: [listingFiles.listingId], references: [listings.id] }),
}));
export const listingEventsRelations = relations(listingEvents, ({ one }) => ({
  listing: one(listings, { fields: [listingEvents.listingId], references: [listings.id] }),
}));

export type Category = typeof categories.$inferSelect;
export type Listing = typeof listings.$inferSelect;
export type ListingStatus = (typeof listingStatus.enumValues)[number];
export type ColdChainClass = (typeof coldChainClass.enumValues)[number];
export type SaleMode = (typeof saleMode.enumValues)[number];
export type PriceTier = typeof priceTiers.$inferSelect;
export type ListingFile = typeof listingFiles.$inferSelect;
