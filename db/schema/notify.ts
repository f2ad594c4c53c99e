// The notify area's tables: preferences, per-channel deliveries, org webhooks and their log, the dev mailbox, digests.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { notificationEvents } from './platform';

/**
 * What a user chose for one notification type on one channel; no row means the type's default
 * (app/notify/preferences.server.ts). Channel 'digest' is the daily e-mail of low-priority types.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    channel: text('channel').notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.type, t.channel] }),
    check('notification_preferences_channel', sql`${t.channel} in ('inbox', 'email', 'digest')`),
  ],
);

/**
 * One notification to one recipient on one channel. The unique key (event, recipient, channel) makes a
 * fan-out that runs twice create each delivery once; `status` moves pending → sent | failed, and a
 * sent delivery is never sent again. The recipient is a user id (inbox, e-mail) or a webhook id.
 * Webhook tests have no event.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id').references(() => notificationEvents.id, { onDelete: 'cascade' }),
    recipient: text('recipient').notNull(),
    channel: text('channel').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    webhookId: text('webhook_id').references(() => orgWebhooks.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * Set while a worker sends it (outside any transaction): no other worker claims it before then, and a
     * worker that died mid-send leaves it to be claimed again once it passes. Also the claim's token.
     */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    unique('notification_deliveries_once').on(t.eventId, t.recipient, t.channel),
    index('notification_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
    // A person's deliveries: the privacy page counts them, the export and erasure find them (#16).
    index('notification_deliveries_user_idx').on(t.userId, t.channel),
    check('notification_deliveries_channel', sql`${t.channel} in ('inbox', 'email', 'webhook')`),
    check('notification_deliveries_status', sql`${t.status} in ('pending', 'sent', 'failed')`),
    check('notification_deliveries_attempts', sql`${t.attempts} >= 0`),
    check('notification_deliveries_sent_at', sql`(${t.status} = 'sent') = (${t.sentAt} is not null)`),
  ],
);

/** An org's outbound webhook (SMS or WeChat gateways): one per org, signed with `secret` (HMAC-SHA256). */
export const orgWebhooks = pgTable(
  'org_webhooks',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .unique()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Needed in clear to sign; shown to the org's admins once, when it is made or rotated. */
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [check('org_webhooks_url_scheme', sql`${t.url} ~ '^https?://'`)],
);

/** The webhook delivery log: one row per HTTP attempt, readable by the org's admins. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => notificationDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    /** The receiver's HTTP status; null when no answer came (refused, timed out, blocked address). */
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('webhook_attempts_once').on(t.deliveryId, t.attempt)],
);

/** E-mails kept instead of sent when no SMTP_URL is configured (the development mailbox page). */
export const devMailbox = pgTable(
  'dev_mailbox',
  {
    id: text('id').primaryKey(),
    /** The delivery (or digest) it came from; unique, so a retried job keeps one copy. */
    sourceId: text('source_id').notNull().unique(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    locale: text('locale').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dev_mailbox_user_idx').on(t.userId, t.createdAt)],
);

/** One daily digest e-mail per user and market day; its items are the low-priority events of that day. */
export const notificationDigests = pgTable(
  'notification_digests',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('notification_digests_once').on(t.userId, t.day),
    check('notification_digests_status', sql`${t.status} in ('pending', 'sent', 'failed')`),
  ],
);

/** A low-priority event waiting for a user's daily digest; `digestId` is set when a digest takes it. */
export const notificationDigestItems = pgTable(
  'notification_digest_items',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => notificationEvents.id, { onDelete: 'cascade' }),
    digestId: text('digest_id').references(() => notificationDigests.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.eventId] }),
    index('notification_digest_items_pending_idx').on(t.userId).where(sql`${t.digestId} is null`),
  ],
);

export type NotificationPreference = typeof notificationPreferences.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
export type OrgWebhook = typeof orgWebhooks.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
export type DevMail = typeof devMailbox.$inferSelect;
export type NotificationDigest = typeof notificationDigests.$inferSelect;
