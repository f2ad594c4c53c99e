// B2B buying (issue #18): seller price lists per buyer, their rules, and the buyer groups a seller keeps.
// The checks that only SQL can say (a rule's lot belongs to the list's seller) are in
// db/migrations/0038_price_lists.sql; ADR 0051.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { categories, listings } from './listings';

export const priceLists = pgTable(
  'price_lists',
  {
    id: text('id').primaryKey(),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    /** Market days (ADR 0029), both included; null: open on that side. */
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    active: boolean('active').notNull().default(true),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    check('price_lists_name_present', sql`length(trim(${t.name})) between 1 and 80`),
    check(
      'price_lists_valid_ordered',
      sql`${t.validFrom} IS NULL OR ${t.validTo} IS NULL OR ${t.validTo} >= ${t.validFrom}`,
    ),
    unique('price_lists_id_seller_key').on(t.id, t.sellerOrgId),
    index('price_lists_seller_idx').on(t.sellerOrgId, t.createdAt),
  ],
);

export const priceListBuyers = pgTable(
  'price_list_buyers',
  {
    priceListId: text('price_list_id').notNull(),
    sellerOrgId: text('seller_org_id').notNull(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'price_list_buyers_pkey', columns: [t.priceListId, t.buyerOrgId] }),
    foreignKey({
      name: 'price_list_buyers_list_fk',
      columns: [t.priceListId, t.sellerOrgId],
      foreignColumns: [priceLists.id, priceLists.sellerOrgId],
    }).onDelete('cascade'),
    check('price_list_buyers_not_self', sql`${t.buyerOrgId} <> ${t.sellerOrgId}`),
    index('price_list_buyers_buyer_idx').on(t.buyerOrgId, t.sellerOrgId),
  ],
);

export const priceListRules = pgTable(
  'price_list_rules',
  {
    id: text('id').primaryKey(),
    priceListId: text('price_list_id').notNull(),
    sellerOrgId: text('seller_org_id').notNull(),
    /** Exactly one of category and lot. */
    categoryId: text('category_id').references(() => categories.id),
    listingId: text('listing_id').references(() => listings.id, { onDelete: 'cascade' }),
    /** 'fixed' (priceFen per kg or piece), 'tier_pct' or 'reference_pct' (adjustBps, -5 % = -500). */
    kind: text('kind', { enum: ['fixed', 'tier_pct', 'reference_pct'] }).notNull(),
    priceFen: bigint('price_fen', { mode: 'number' }),
    adjustBps: integer('adjust_bps'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'price_list_rules_list_fk',
      columns: [t.priceListId, t.sellerOrgId],
      foreignColumns: [priceLists.id, priceLists.sellerOrgId],
    }).onDelete('cascade'),
    check('price_list_rules_one_scope', sql`(${t.categoryId} IS NULL) <> (${t.listingId} IS NULL)`),
    check('price_list_rules_kind', sql`${t.kind} in ('fixed', 'tier_pct', 'reference_pct')`),
    uniqueIndex('price_list_rules_lot_key')
      .on(t.priceListId, t.listingId)
      .where(sql`${t.listingId} IS NOT NULL`),
    uniqueIndex('price_list_rules_category_key')
      .on(t.priceListId, t.categoryId)
      .where(sql`${t.categoryId} IS NOT NULL`),
    index('price_list_rules_listing_idx').on(t.listingId).where(sql`${t.listingId} IS NOT NULL`),
  ],
);

export const buyerGroups = pgTable(
  'buyer_groups',
  {
    id: text('id').primaryKey(),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('buyer_groups_name_present', sql`length(trim(${t.name})) between 1 and 80`),
    unique('buyer_groups_id_seller_key').on(t.id, t.sellerOrgId),
    uniqueIndex('buyer_groups_name_key').on(t.sellerOrgId, sql`lower(${t.name})`),
  ],
);

export const buyerGroupMembers = pgTable(
  'buyer_group_members',
  {
    groupId: text('group_id').notNull(),
    sellerOrgId: text('seller_org_id').notNull(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
  },
  (t) => [
    primaryKey({ name: 'buyer_group_members_pkey', columns: [t.groupId, t.buyerOrgId] }),
    foreignKey({
      name: 'buyer_group_members_group_fk',
      columns: [t.groupId, t.sellerOrgId],
      foreignColumns: [buyerGroups.id, buyerGroups.sellerOrgId],
    }).onDelete('cascade'),
    check('buyer_group_members_not_self', sql`${t.buyerOrgId} <> ${t.sellerOrgId}`),
  ],
);
