// Personal-data rights (PIPL arts. 44–50): every request a user or org admin makes, and how it ended.
import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { organisations } from './identity';

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
