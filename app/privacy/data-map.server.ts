// The data map: every table with a column naming a person, and how to find one user's rows in it (ADR 0042).
// The export (./export.server.ts) reads it, and tests/integration/privacy-export.test.ts fails when a table of the
// live schema has a person-like column this map does not cover. A new table with such a column gets one entry here
// and a label `privacy.table.<name>` in app/lib/i18n/privacy.ts (the privacy page lists the tables by it).
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';

/** How a column names the subject: by user id, as an array of user ids, or by the account's e-mail address. */
type Match = 'user' | 'users' | 'email';

export type DataMapEntry = {
  /** Columns that find the user's rows; a row matching any of them is the user's. */
  match: Record<string, Match>;
  /** Further person-like columns of those rows (they come along with the row; nothing to match on). */
  holds?: string[];
  /** Columns left out of the export, each with why (secrets that would only put the account at risk). */
  omit?: Record<string, string>;
};

/** One entry per table, by its SQL name. Keep the keys sorted. */
export const DATA_MAP: Record<string, DataMapEntry> = {
  auction_bids: { match: { user_id: 'user' } },
  auctions: { match: { created_by: 'user' } },
  audit_log: { match: { actor_user_id: 'user' } },
  // The personal part of an audit entry (the e-mail and name a registration or invitation recorded), ADR 0043.
  audit_personal: { match: { user_id: 'user' }, omit: { salt: 'the salt of the audit chain’s digest' } },
  banned_words: { match: { created_by: 'user' } },
  bookings: { match: { requested_by: 'user' } },
  // Certificates the user issued or uploaded for the seller (ADR 0044): what was printed, as printed.
  // Repeat buying (#18, ADR 0054): the checkouts, requisition lists and standing orders the user made.
  checkouts: { match: { created_by: 'user' } },
  compliance_certificates: { match: { created_by: 'user' }, holds: ['promising_party', 'contact_phone'] },
  demands: { match: { created_by: 'user' } },
  dev_mailbox: { match: { user_id: 'user' }, holds: ['to_address'] },
  // Order farming (ADR 0050): the plans, versions, posts and pre-orders the user wrote.
  harvest_plans: { match: { created_by: 'user' } },
  disputes: { match: { opened_by: 'user', resolved_by: 'user' } },
  exchange_orders: { match: { user_id: 'user' } },
  // Trade fairs (#19, ADR 0049): booth applications, meeting slots and bookings, visitor badges, captured leads.
  fair_applications: { match: { applied_by: 'user', decided_by: 'user' } },
  fair_appointments: { match: { booked_by: 'user' } },
  fair_badges: {
    match: { user_id: 'user' },
    omit: { token: 'the badge’s secret, which lets an exhibitor record a lead' },
  },
  fair_leads: { match: { captured_by: 'user' } },
  fair_slots: { match: { created_by: 'user' } },
  fairs: { match: { created_by: 'user' } },
  handovers: { match: { recorded_by: 'user' } },
  // Invitations sent to the user's address (before or after the account existed), and those the user sent.
  invitations: { match: { email: 'email', invited_by: 'user', accepted_by: 'user' } },
  ledger_transactions: { match: { created_by: 'user' } },
  listing_events: { match: { actor_user_id: 'user' } },
  listings: { match: { created_by: 'user' } },
  plan_posts: { match: { author_user_id: 'user' } },
  plan_versions: { match: { changed_by: 'user' } },
  pre_orders: { match: { created_by: 'user' } },
  market_settings: { match: { updated_by: 'user' } },
  // Spending limits set on a member (ADR 0052): the member's own and those the user set.
  member_spending_limits: { match: { user_id: 'user', updated_by: 'user' } },
  memberships: { match: { user_id: 'user' } },
  notification_deliveries: { match: { user_id: 'user' }, holds: ['recipient'] },
  notification_digest_items: { match: { user_id: 'user' } },
  notification_digests: { match: { user_id: 'user' } },
  notification_events: { match: { user_ids: 'users' } },
  notification_preferences: { match: { user_id: 'user' } },
  notifications: { match: { user_id: 'user' } },
  order_events: { match: { actor_user_id: 'user' } },
  orders: { match: { created_by: 'user' } },
  org_webhooks: {
    match: { updated_by: 'user' },
    omit: { secret: 'the signing secret of the org’s webhook' },
  },
  // Seller price lists (#18, ADR 0051): the lists the user created.
  price_lists: { match: { created_by: 'user' } },
  privacy_exports: { match: { user_id: 'user' } },
  privacy_requests: { match: { subject_user_id: 'user', requested_by: 'user' } },
  quote_messages: { match: { author_user_id: 'user' } },
  quote_versions: { match: { author_user_id: 'user' } },
  quotes: { match: { created_by: 'user' } },
  ratings: { match: { rated_by: 'user' } },
  reports: { match: { reporter_user_id: 'user', resolved_by: 'user' } },
  requisition_lists: { match: { created_by: 'user' } },
  sanctions: { match: { created_by: 'user', lifted_by: 'user' } },
  screening_flags: { match: { resolved_by: 'user' } },
  // Files an operator kept on a seller (ADR 0045): the operator's export shows which files they updated, not the
  // seller's contact's personal data, which is a third party's.
  seller_files: {
    match: { updated_by: 'user' },
    omit: {
      legal_name: 'the seller’s name, a third party’s data',
      contact_name: 'the seller’s contact, a third party’s data',
      contact_phone: 'the seller’s contact, a third party’s data',
      id_number: 'the seller’s ID number, a third party’s data',
      address: 'the seller’s address, a third party’s data',
    },
  },
  sessions: {
    match: { user_id: 'user' },
    holds: ['user_agent'],
    omit: { id: 'the hash of the sign-in token' },
  },
  credit_terms: { match: { granted_by: 'user' } },
  standing_orders: { match: { created_by: 'user' } },
  user_consents: { match: { user_id: 'user' } },
  users: { match: { id: 'user' }, holds: ['email', 'name'], omit: { password_hash: 'the password’s hash' } },
  verification_applications: {
    match: { submitted_by: 'user', decided_by: 'user' },
    holds: ['legal_name', 'address'],
  },
};

/**
 * Person-like columns that do not name a person, by `table.column`, each with why. The coverage test reads this
 * with the map: a column it flags is either matched, held or omitted by the map, or listed here.
 */
export const NOT_A_PERSON: Record<string, string> = {
  'bookings.deliver_by': 'a deadline',
  'buyer_groups.name': 'a seller’s name for a set of buyer organisations',
  'cold_rooms.name': 'a cold room’s name',
  'compliance_certificates.product_name': 'a product’s name',
  // A retailer's customer, not a market user (no account to export to): only that retailer sees it, and retention
  // deletes it 30 days after pickup (app/farming/consumers.server.ts, ADR 0050).
  'consumer_reservations.name': 'a retailer’s customer, deleted after pickup (ADR 0050)',
  'consumer_reservations.phone': 'a retailer’s customer, deleted after pickup (ADR 0050)',
  'demands.deliver_by': 'a deadline',
  'harvest_plans.origin_name': 'a pond or plot',
  'listings.origin_name': 'a place of origin',
  'order_events.actor_org_id': 'an organisation; the person is actor_user_id',
  'orders.pay_by': 'a deadline',
  'organisations.name': 'an organisation’s name; the user’s organisations come with memberships',
  'outbox.name': 'a job name',
  'price_lists.name': 'a seller’s name for a price list',
  'requisition_lists.name': 'a buyer’s name for a list of lots it buys often',
  'quote_messages.author_org_id': 'an organisation; the person is author_user_id',
  'quote_versions.deliver_by': 'a deadline',
};

/** Whether a column's name suggests it names a person (the coverage test also flags foreign keys to users). */
export function looksPersonal(column: string): boolean {
  const parts = column.split('_');
  const last = parts[parts.length - 1];
  if (['name', 'by', 'email', 'phone', 'ip', 'address', 'agent'].includes(last)) return true;
  return parts.some((part) =>
    ['user', 'users', 'actor', 'author', 'recipient', 'reporter', 'person', 'contact', 'phone'].includes(
      part,
    ),
  );
}

type Subject = { id: string; email: string };

function condition(column: string, match: Match, subject: Subject): SQL {
  const col = sql.identifier(column);
  if (match === 'users') return sql`${subject.id} = any(${col})`;
  if (match === 'email') return sql`lower(${col}) = lower(${subject.email})`;
  return sql`${col} = ${subject.id}`;
}

export type TableRows = { table: string; columns: string[]; rows: Record<string, unknown>[] };

/** Every row of `table` naming the subject, without its omitted columns. */
export async function rowsOf(tx: DbOrTx, table: string, subject: Subject): Promise<TableRows> {
  const entry = DATA_MAP[table];
  const where = sql.join(
    Object.entries(entry.match).map(([column, match]) => condition(column, match, subject)),
    sql` or `,
  );
  const result = await tx.execute(sql`select * from ${sql.identifier(table)} where ${where}`);
  const omitted = new Set(Object.keys(entry.omit ?? {}));
  const rows = [...(result as Iterable<Record<string, unknown>>)].map((row) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => !omitted.has(column))),
  );
  // postgres.js gives the columns even when no row came back, so an empty table still has its CSV header.
  const described = (result as { columns?: { name: string }[] }).columns?.map((c) => c.name);
  const columns = (described ?? Object.keys(rows[0] ?? {})).filter((c) => !omitted.has(c));
  return { table, columns, rows };
}
