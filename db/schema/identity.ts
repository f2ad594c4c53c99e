// Users, organisations, memberships with roles, sessions and invitations.
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

export const orgKind = pgEnum('org_kind', ['seller', 'buyer', 'both', 'carrier', 'operator']);
export const verificationStatus = pgEnum('verification_status', [
  'unverified',
  'pending',
  'verified',
  'rejected',
]);
export const memberRole = pgEnum('member_role', ['owner', 'admin', 'trader', 'viewer']);
export const locale = pgEnum('locale', ['zh-CN', 'en']);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** Null once the account is erased: nothing can sign in as it. */
    passwordHash: text('password_hash'),
    locale: locale('locale'),
    /** Set when the person asked for erasure: name and e-mail are then a pseudonym (app/privacy/erasure.server.ts). */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    check('users_email_shape', sql`${t.email} ~ '^[^@\\s]+@[^@\\s]+$'`),
  ],
);

export const organisations = pgTable(
  'organisations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: orgKind('kind').notNull(),
    verification: verificationStatus('verification').notNull().default('unverified'),
    city: text('city'),
    /** 0–100, recomputed from deliveries, disputes, cancellations, non-payment and ratings (operator issue). */
    creditScore: integer('credit_score').notNull().default(70),
    /** A/B/C by the share of deliveries with justified complaints over eight weeks. */
    qualityClass: text('quality_class').notNull().default('B'),
    /** While in the future, the org may not list, quote, bid or buy. */
    suspendedUntil: timestamp('suspended_until', { withTimezone: true }),
    bannedAt: timestamp('banned_at', { withTimezone: true }),
    /** Set when the org left the market: no members remain; its invoices and ledger stay. */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    check('organisations_name_present', sql`length(trim(${t.name})) > 0`),
    check('organisations_credit_range', sql`${t.creditScore} between 0 and 100`),
    check('organisations_quality_class', sql`${t.qualityClass} in ('A', 'B', 'C')`),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/** Server-side sessions. `id` is the SHA-256 of the cookie's token, never the token itself. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    activeOrgId: text('active_org_id').references(() => organisations.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: memberRole('role').notNull(),
    invitedBy: text('invited_by')
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: text('accepted_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('invitations_org_idx').on(t.orgId),
    index('invitations_email_idx').on(t.email),
    check('invitations_role_not_owner', sql`${t.role} <> 'owner'`),
  ],
);

export type User = typeof users.$inferSelect;
export type Organisation = typeof organisations.$inferSelect;
export type OrgKind = (typeof orgKind.enumValues)[number];
export type MemberRole = (typeof memberRole.enumValues)[number];
export type Locale = (typeof locale.enumValues)[number];
export type Membership = typeof memberships.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
