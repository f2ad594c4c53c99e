// Cross-cutting tables: the outbox, the audit log, notification events, the in-app inbox and market settings.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { organisations, users } from './identity';

/**
 * Side effects of a committed business step, written in the step's own transaction and published
 * to BullMQ by the relay with `id` as the job id (docs/decisions/0002-transactional-outbox.md).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_unpublished_idx').on(t.createdAt).where(sql`${t.publishedAt} is null`)],
);

/** Append-only (a trigger refuses UPDATE and DELETE); each entry holds the hash of the one before. */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: text('actor_user_id'),
    orgId: text('org_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    detail: jsonb('detail').notNull().default({}),
    /** sha256 of the salted personal part (audit_personal), which the hash covers instead of the part itself. */
    personalDigest: text('personal_digest'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull().unique(),
  },
  (t) => [index('audit_log_subject_idx').on(t.subjectType, t.subjectId)],
);

/**
 * The personal part of an audit entry (an e-mail, a name), kept apart so that erasure can delete it while the
 * chain still verifies: the entry's hash covers only `personal_digest`, a salted digest of this row (ADR 0043).
 * `userId` is whose data it is, when that person has an account.
 */
export const auditPersonal = pgTable(
  'audit_personal',
  {
    // No foreign key: audit_log's TRUNCATE guard must stay the one that answers (its rows are never deleted).
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    userId: text('user_id'),
    salt: text('salt').notNull(),
    data: jsonb('data').$type<Record<string, string>>().notNull(),
  },
  (t) => [index('audit_personal_user_idx').on(t.userId)],
);

/** In-app inbox. `dedupeKey` makes a delivery idempotent: a job that runs twice inserts once. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: text('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    params: jsonb('params').notNull().default({}),
    link: text('link'),
    dedupeKey: text('dedupe_key').notNull().unique(),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);

/**
 * Something worth telling people about, raised by a business step in its own transaction
 * (app/notify/notify.server.ts). The notifications worker resolves recipients from it and delivers
 * per channel; jobs carry only this row's id. `dedupeKey`, when set, makes raising it idempotent
 * ("notify once, not on every edit").
 */
export const notificationEvents = pgTable(
  'notification_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Members of this org (at least `minRole`) receive it… */
    orgId: text('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
    minRole: text('min_role'),
    /** …or exactly these users. */
    userIds: text('user_ids').array(),
    params: jsonb('params').notNull().default({}),
    link: text('link'),
    /** What it is about, e.g. ('order', 'ord_…'), for grouping and evidence. */
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    dedupeKey: text('dedupe_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notification_events_subject_idx').on(t.subjectType, t.subjectId)],
);

/** Market-wide settings set by operators (validated by app/market/settings.server.ts), one row per key. */
export const marketSettings = pgTable('market_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type NotificationEvent = typeof notificationEvents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
