// Buyer organisations' purchase approvals (issue #18, ADR 0052): each member's spending limits. Orders over a limit
// wait in `awaiting_approval` (db/schema/orders.ts) until an owner or admin approves or rejects them.
import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { memberships, users } from './identity';

/**
 * A member's limits in fen; null is no limit. The row is also the lock that serialises one member's orders while
 * the month's spend is summed (app/b2b/approvals.server.ts), so concurrent orders cannot all slip under the limit.
 */
export const memberSpendingLimits = pgTable(
  'member_spending_limits',
  {
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    perOrderFen: bigint('per_order_fen', { mode: 'number' }),
    perMonthFen: bigint('per_month_fen', { mode: 'number' }),
    updatedBy: text('updated_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    primaryKey({ name: 'member_spending_limits_pkey', columns: [t.orgId, t.userId] }),
    foreignKey({
      name: 'member_spending_limits_membership_fk',
      columns: [t.orgId, t.userId],
      foreignColumns: [memberships.orgId, memberships.userId],
    }).onDelete('cascade'),
    check('member_spending_limits_per_order_positive', sql`${t.perOrderFen} is null or ${t.perOrderFen} > 0`),
    check('member_spending_limits_per_month_positive', sql`${t.perMonthFen} is null or ${t.perMonthFen} > 0`),
  ],
);

export type MemberSpendingLimits = typeof memberSpendingLimits.$inferSelect;
