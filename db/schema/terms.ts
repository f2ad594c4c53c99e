// Credit terms (账期; issue #18, ADR 0056): what a seller grants a buyer org. Orders on terms carry their net days and
// due date (db/schema/orders.ts); the money is in the ledger (`receivable` and `uncollected` accounts).
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';

/**
 * One row per seller and buyer org. The row is also the lock that serialises the buyer's orders on these terms
 * while what they owe is summed (app/b2b/terms.server.ts), so concurrent orders cannot together pass the limit.
 * Revoking keeps the row (and its orders' due dates); granting again clears `revokedAt`.
 */
export const creditTerms = pgTable(
  'credit_terms',
  {
    id: text('id').primaryKey(),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    netDays: integer('net_days').notNull(),
    limitFen: bigint('limit_fen', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('CNY'),
    grantedBy: text('granted_by')
      .notNull()
      .references(() => users.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    unique('credit_terms_pair_key').on(t.sellerOrgId, t.buyerOrgId),
    check('credit_terms_parties_differ', sql`${t.sellerOrgId} <> ${t.buyerOrgId}`),
    check('credit_terms_net_days', sql`${t.netDays} in (7, 15, 30)`),
    check('credit_terms_limit_range', sql`${t.limitFen} > 0 and ${t.limitFen} <= 100000000000`),
    index('credit_terms_buyer_idx').on(t.buyerOrgId),
  ],
);

export type CreditTerms = typeof creditTerms.$inferSelect;
