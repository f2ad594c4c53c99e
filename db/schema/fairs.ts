// Trade fairs (issue #19): fairs, booths, booth applications, fair-only prices, meeting slots and appointments,
// visitor badges, leads and booth visits. Constraints that only SQL can say (exclusion on time ranges, the
// consent trigger) are in db/migrations/0036_fairs.sql; ADR 0049.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { listings } from './listings';

/** A PostgreSQL tstzrange, read and written as its text form: `["2026-12-07 02:00:00+00","2026-12-07 02:30:00+00")`. */
const tstzrange = customType<{ data: string }>({ dataType: () => 'tstzrange' });

export const fairs = pgTable(
  'fairs',
  {
    id: text('id').primaryKey(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** Market days (ADR 0029), first and last, both included. */
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    hall: text('hall').notNull(),
    /** The online fair's hours each day, HH:MM in market time. */
    onlineOpens: text('online_opens').notNull().default('08:00'),
    onlineCloses: text('online_closes').notNull().default('20:00'),
    featuredCategoryIds: text('featured_category_ids').array().notNull().default(sql`'{}'`),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    check('fairs_dates_ordered', sql`${t.endsOn} >= ${t.startsOn}`),
    index('fairs_dates_idx').on(t.startsOn, t.endsOn),
  ],
);

export const fairBooths = pgTable(
  'fair_booths',
  {
    id: text('id').primaryKey(),
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    zone: text('zone').notNull(),
    widthM: integer('width_m').notNull(),
    depthM: integer('depth_m').notNull(),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull(),
    /** Where the booth stands on the hall map's grid. */
    gridRow: integer('grid_row').notNull(),
    gridCol: integer('grid_col').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('fair_booths_number_key').on(t.fairId, t.number),
    uniqueIndex('fair_booths_grid_key').on(t.fairId, t.gridRow, t.gridCol),
  ],
);

export const fairApplications = pgTable(
  'fair_applications',
  {
    id: text('id').primaryKey(),
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    wantedZone: text('wanted_zone'),
    pitch: text('pitch').notNull().default(''),
    /** pending → allocated (with a booth) or rejected; the seller may withdraw a pending one. */
    status: text('status').notNull().default('pending'),
    boothId: text('booth_id').references(() => fairBooths.id),
    feeLedgerTxId: text('fee_ledger_tx_id'),
    appliedBy: text('applied_by')
      .notNull()
      .references(() => users.id),
    decidedBy: text('decided_by').references(() => users.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('fair_applications_booth_key').on(t.boothId).where(sql`${t.status} = 'allocated'`),
    uniqueIndex('fair_applications_org_key')
      .on(t.fairId, t.orgId)
      .where(sql`${t.status} in ('pending', 'allocated')`),
  ],
);

export const fairPrices = pgTable(
  'fair_prices',
  {
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    /** Per kg for goods by weight, per piece otherwise, like a price tier. */
    priceFen: bigint('price_fen', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.fairId, t.listingId] }), index('fair_prices_listing_idx').on(t.listingId)],
);

export const fairSlots = pgTable('fair_slots', {
  id: text('id').primaryKey(),
  fairId: text('fair_id')
    .notNull()
    .references(() => fairs.id, { onDelete: 'cascade' }),
  orgId: text('org_id')
    .notNull()
    .references(() => organisations.id),
  during: tstzrange('during').notNull(),
  /** hall, video or either: how the exhibitor offers to meet. */
  mode: text('mode').notNull(),
  createdBy: text('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const fairAppointments = pgTable(
  'fair_appointments',
  {
    id: text('id').primaryKey(),
    slotId: text('slot_id')
      .notNull()
      .references(() => fairSlots.id),
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    exhibitorOrgId: text('exhibitor_org_id')
      .notNull()
      .references(() => organisations.id),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    bookedBy: text('booked_by')
      .notNull()
      .references(() => users.id),
    during: tstzrange('during').notNull(),
    mode: text('mode').notNull(),
    status: text('status').notNull().default('booked'),
    cancelledByOrgId: text('cancelled_by_org_id').references(() => organisations.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('fair_appointments_slot_key').on(t.slotId).where(sql`${t.status} = 'booked'`),
    index('fair_appointments_exhibitor_idx').on(t.fairId, t.exhibitorOrgId),
    index('fair_appointments_buyer_idx').on(t.buyerOrgId),
  ],
);

export const fairBadges = pgTable(
  'fair_badges',
  {
    token: text('token').primaryKey(),
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    /** Null: the visitor has not agreed (or has withdrawn) to exhibitors recording its org as a lead. */
    consentedAt: timestamp('consented_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fair_badges_user_key').on(t.fairId, t.userId, t.orgId)],
);

export const fairLeads = pgTable(
  'fair_leads',
  {
    id: text('id').primaryKey(),
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    exhibitorOrgId: text('exhibitor_org_id')
      .notNull()
      .references(() => organisations.id),
    visitorOrgId: text('visitor_org_id')
      .notNull()
      .references(() => organisations.id),
    badgeToken: text('badge_token')
      .notNull()
      .references(() => fairBadges.token, { onDelete: 'cascade' }),
    capturedBy: text('captured_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fair_leads_once_key').on(t.fairId, t.exhibitorOrgId, t.visitorOrgId)],
);

export const fairVisits = pgTable(
  'fair_visits',
  {
    id: text('id').primaryKey(),
    fairId: text('fair_id')
      .notNull()
      .references(() => fairs.id, { onDelete: 'cascade' }),
    boothId: text('booth_id')
      .notNull()
      .references(() => fairBooths.id, { onDelete: 'cascade' }),
    visitorOrgId: text('visitor_org_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('fair_visits_booth_idx').on(t.fairId, t.boothId)],
);

export type Fair = typeof fairs.$inferSelect;
export type FairBooth = typeof fairBooths.$inferSelect;
