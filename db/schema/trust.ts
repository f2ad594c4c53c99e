// Trust and moderation: seller verification, banned words, screening flags, reports, sanctions, ratings, credit history.
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { organisations, users } from './identity';
import { listings } from './listings';
import { orders } from './orders';

export const applicationStatus = pgEnum('application_status', ['pending', 'approved', 'rejected']);
export const screeningKind = pgEnum('screening_kind', ['banned_word', 'price_outlier', 'duplicate']);
export const reportSubject = pgEnum('report_subject', ['listing', 'org']);
export const reportStatus = pgEnum('report_status', ['open', 'upheld', 'dismissed']);
export const sanctionKind = pgEnum('sanction_kind', ['suspend', 'ban']);

/** A seller's request to be verified: its business licence (image or PDF) and details, decided by an operator. */
export const verificationApplications = pgTable(
  'verification_applications',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    status: applicationStatus('status').notNull().default('pending'),
    legalName: text('legal_name').notNull(),
    /** 统一社会信用代码, 18 characters. */
    licenceNumber: text('licence_number').notNull(),
    address: text('address').notNull(),
    licenceKey: text('licence_key').notNull(),
    licenceType: text('licence_type').notNull(),
    licenceBytes: integer('licence_bytes').notNull(),
    submittedBy: text('submitted_by')
      .notNull()
      .references(() => users.id),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One application waits at a time per org; a decided one may be followed by a new one.
    uniqueIndex('verification_one_pending_key')
      .on(t.orgId)
      .where(sql`${t.status} = 'pending'`),
    check(
      'verification_rejection_has_reason',
      sql`${t.status} <> 'rejected' or length(trim(coalesce(${t.reason}, ''))) > 0`,
    ),
    index('verification_status_idx').on(t.status, t.createdAt),
  ],
);

/** Words that flag a listing (counterfeit-suspect and the like), Chinese or English, edited by operators. */
export const bannedWords = pgTable(
  'banned_words',
  {
    id: text('id').primaryKey(),
    /** Stored normalised (NFKC, lower case, no spaces), so matching and uniqueness agree. */
    word: text('word').notNull().unique(),
    lang: text('lang').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('banned_words_lang', sql`${t.lang} in ('zh', 'en')`),
    check('banned_words_present', sql`length(${t.word}) > 0`),
  ],
);

/**
 * What screening found in one version of a listing. Unique per (listing, version, kind): a job that
 * runs twice flags once, and an approved version is not flagged again by a late re-run.
 */
export const screeningFlags = pgTable(
  'screening_flags',
  {
    id: text('id').primaryKey(),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    listingVersion: integer('listing_version').notNull(),
    kind: screeningKind('kind').notNull(),
    /** Machine-readable evidence: the words found, the median and MAD, the duplicate's id. */
    detail: jsonb('detail').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: text('resolved_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('screening_flags_version_kind_key').on(t.listingId, t.listingVersion, t.kind),
    index('screening_flags_open_idx').on(t.listingId).where(sql`${t.resolvedAt} is null`),
  ],
);

/** A signed-in user's report about a listing or an org; the reporter sees the outcome. */
export const reports = pgTable(
  'reports',
  {
    id: text('id').primaryKey(),
    reporterUserId: text('reporter_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subjectType: reportSubject('subject_type').notNull(),
    listingId: text('listing_id').references(() => listings.id, { onDelete: 'cascade' }),
    /** The org reported, or the listing's seller. */
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    status: reportStatus('status').notNull().default('open'),
    outcome: text('outcome'),
    resolvedBy: text('resolved_by').references(() => users.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('reports_reason_present', sql`length(trim(${t.reason})) > 0`),
    check('reports_listing_subject', sql`(${t.subjectType} = 'listing') = (${t.listingId} is not null)`),
    check('reports_resolved_has_outcome', sql`${t.status} = 'open' or ${t.outcome} is not null`),
    index('reports_open_idx').on(t.status, t.createdAt),
    index('reports_reporter_idx').on(t.reporterUserId, t.createdAt),
  ],
);

/** A suspension (until a time) or a ban of an org; lifting sets liftedAt. organisations holds the current state. */
export const sanctions = pgTable(
  'sanctions',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: sanctionKind('kind').notNull(),
    reason: text('reason').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull().defaultNow(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftedBy: text('lifted_by').references(() => users.id),
  },
  (t) => [
    check('sanctions_reason_present', sql`length(trim(${t.reason})) > 0`),
    check(
      'sanctions_suspension_ends',
      sql`(${t.kind} = 'suspend') = (${t.endsAt} is not null) and (${t.endsAt} is null or ${t.endsAt} > ${t.startsAt})`,
    ),
    index('sanctions_org_idx').on(t.orgId, t.startsAt),
  ],
);

/** A buyer's rating of a completed order, one per order. */
export const ratings = pgTable(
  'ratings',
  {
    orderId: text('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    stars: integer('stars').notNull(),
    comment: text('comment'),
    ratedBy: text('rated_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('ratings_stars_range', sql`${t.stars} between 1 and 5`),
    index('ratings_seller_idx').on(t.sellerOrgId, t.createdAt),
  ],
);

/** Every recomputation of an org's credit score and quality class, with the figures it came from. */
export const creditHistory = pgTable(
  'credit_history',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    score: integer('score').notNull(),
    qualityClass: text('quality_class').notNull(),
    factors: jsonb('factors').notNull().default({}),
    trigger: text('trigger').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('credit_history_score_range', sql`${t.score} between 0 and 100`),
    check('credit_history_quality_class', sql`${t.qualityClass} in ('A', 'B', 'C')`),
    index('credit_history_org_idx').on(t.orgId, t.computedAt),
  ],
);

export type VerificationApplication = typeof verificationApplications.$inferSelect;
export type BannedWord = typeof bannedWords.$inferSelect;
export type ScreeningFlag = typeof screeningFlags.$inferSelect;
export type ScreeningKind = (typeof screeningKind.enumValues)[number];
export type Report = typeof reports.$inferSelect;
export type Sanction = typeof sanctions.$inferSelect;
export type Rating = typeof ratings.$inferSelect;
