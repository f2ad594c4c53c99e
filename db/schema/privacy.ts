// Personal-data rights (PIPL arts. 44–50): every request a user or org admin makes, and how it ended.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { organisations, users } from './identity';

/**
 * One request about personal data and its outcome. `subject_user_id` is a plain id, not a foreign key:
 * the log outlives the account it is about (after erasure the id names nobody; the pseudonym stays).
 * `reason` says why a request was refused or failed, as an i18n key the page reads in the viewer's language.
 */
export const privacyRequests = pgTable(
  'privacy_requests',
  {
    id: text('id').primaryKey(),
    subjectUserId: text('subject_user_id'),
    orgId: text('org_id').references(() => organisations.id, { onDelete: 'set null' }),
    requestedBy: text('requested_by'),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('privacy_requests_subject_idx').on(t.subjectUserId, t.requestedAt),
    index('privacy_requests_org_idx').on(t.orgId, t.requestedAt),
    check(
      'privacy_requests_kind',
      sql`${t.kind} in ('view', 'export', 'correct', 'consent', 'delete_account', 'delete_org', 'retention')`,
    ),
    check('privacy_requests_status', sql`${t.status} in ('pending', 'done', 'refused', 'failed')`),
  ],
);

export type PrivacyRequest = typeof privacyRequests.$inferSelect;
export type PrivacyRequestKind =
  | 'view'
  | 'export'
  | 'correct'
  | 'consent'
  | 'delete_account'
  | 'delete_org'
  | 'retention';
export type PrivacyRequestStatus = 'pending' | 'done' | 'refused' | 'failed';

/**
 * A user's optional consents (PIPL art. 14): one row per consent the user has changed. A consent with no row
 * is at its default (app/privacy/consents.server.ts says which default each key has).
 */
export const userConsents = pgTable(
  'user_consents',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    consentKey: text('consent_key').notNull(),
    granted: boolean('granted').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.consentKey] })],
);

/**
 * A copy of everything the market holds about a user (PIPL art. 45), built by the privacy worker into a zip
 * in file storage. `file_key` is set once it is ready; the sweep deletes the file after `expires_at`.
 */
export const privacyExports = pgTable(
  'privacy_exports',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    requestId: text('request_id').references(() => privacyRequests.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('queued'),
    fileKey: text('file_key'),
    bytes: integer('bytes'),
    /** Rows per table of the data map in the built file: what the privacy page shows without counting again. */
    counts: jsonb('counts').$type<Record<string, number>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    index('privacy_exports_user_idx').on(t.userId, t.createdAt),
    index('privacy_exports_expiry_idx').on(t.expiresAt).where(sql`${t.fileKey} is not null`),
    check('privacy_exports_status', sql`${t.status} in ('queued', 'ready', 'failed', 'expired')`),
  ],
);

export type UserConsent = typeof userConsents.$inferSelect;
export type PrivacyExport = typeof privacyExports.$inferSelect;
export type PrivacyExportStatus = 'queued' | 'ready' | 'failed' | 'expired';
