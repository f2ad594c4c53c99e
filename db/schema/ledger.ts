// The escrow ledger: accounts, transactions and their entries, double-entry, with its rules enforced by PostgreSQL.
//
// Sign convention: an entry's amount is what it adds to its account's balance, and every transaction
// sums to zero per currency, so the balances of all accounts sum to zero too. An org's `available`
// and `held` balances are what the market owes that org and never go negative; `escrow` is what it
// holds for unfinished orders; `platform_fees` is the market's own income. `provider_clearing` mirrors
// the payment provider and runs negative: minus its balance is the money sitting at the provider.
//
// The rules live in db/migrations/0004_ledger_rules.sql: entries and transactions are append-only;
// each transaction has at least two entries and sums to zero per currency (checked at COMMIT); and
// the cached `balance` of an account is kept by a trigger on entry insert, nothing else may write it.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  foreignKey,
  index,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { organisations } from './identity';

export const ledgerAccountKind = pgEnum('ledger_account_kind', [
  'available',
  'held',
  'escrow',
  'platform_fees',
  'provider_clearing',
  // Credit terms (ADR 0056): what a buyer org owes for orders on terms (never above 0: minus it is the debt), and a
  // seller's share of those orders not yet collected from the buyer (never below 0).
  'receivable',
  'uncollected',
]);

/**
 * One account per (org, kind, currency); `orgId` is null for the market-wide accounts (escrow,
 * platform fees, provider clearing), which are split into shards (`shard`, ADR 0033) so that postings for
 * different orders do not queue on one row: the market's balance of a kind is the sum over its shards. `balance` is a cache of SUM(ledger_entries.amount) for the
 * account, written only by the entry-insert trigger under the account's row lock: it is what lets the
 * CHECK below refuse an overdraft at the moment of posting. Reports read the sum of entries, not it.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').references(() => organisations.id),
    kind: ledgerAccountKind('kind').notNull(),
    currency: text('currency').notNull().default('CNY'),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    /** Always 0 for an org's account; 0 to 255 for the market's (app/ledger/ledger.server.ts picks it). */
    shard: smallint('shard').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // NULLS NOT DISTINCT: there is exactly one market-wide escrow account per currency and shard, not one per insert.
    unique('ledger_accounts_owner_kind_currency_key')
      .on(t.orgId, t.kind, t.currency, t.shard)
      .nullsNotDistinct(),
    check(
      'ledger_accounts_shard_range',
      sql`${t.shard} >= 0 and ${t.shard} < 256 and (${t.orgId} is null or ${t.shard} = 0)`,
    ),
    // The target of ledger_entries' (account_id, currency) foreign key: an entry's currency is its account's.
    unique('ledger_accounts_id_currency_key').on(t.id, t.currency),
    check(
      'ledger_accounts_balance_not_negative',
      sql`(${t.kind}::text not in ('available', 'held', 'uncollected') or ${t.balance} >= 0) and (${t.kind}::text <> 'receivable' or ${t.balance} <= 0)`,
    ),
    check(
      'ledger_accounts_owner_matches_kind',
      sql`(${t.orgId} is null) = (${t.kind} in ('escrow', 'platform_fees', 'provider_clearing'))`,
    ),
    check('ledger_accounts_currency_code', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * One business step that moves money. `idempotencyKey` is derived from the business key by the caller
 * (`order:<id>:release`); the id is derived from the key (app/ledger/ledger.server.ts), so a retried
 * step gets the same id and the id can serve as the payment provider's idempotency key.
 * `orderId` has no foreign key yet: the orders table comes later.
 */
export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    orderId: text('order_id'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    memo: text('memo'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Like audit_log's actor: no foreign key, so the record of who moved money outlives the user row.
    createdBy: text('created_by'),
  },
  (t) => [
    index('ledger_transactions_order_idx').on(t.orderId),
    check('ledger_transactions_kind_shape', sql`${t.kind} ~ '^[a-z][a-z_]*$'`),
  ],
);

/** A signed movement on one account; never zero, never changed, never removed. */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionId: text('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: text('account_id').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'ledger_entries_account_currency_fk',
      columns: [t.accountId, t.currency],
      foreignColumns: [ledgerAccounts.id, ledgerAccounts.currency],
    }),
    check('ledger_entries_amount_not_zero', sql`${t.amount} <> 0`),
    index('ledger_entries_transaction_idx').on(t.transactionId),
    index('ledger_entries_account_idx').on(t.accountId, t.id),
  ],
);

export type LedgerAccount = typeof ledgerAccounts.$inferSelect;
export type LedgerAccountKind = (typeof ledgerAccountKind.enumValues)[number];
export type LedgerTransaction = typeof ledgerTransactions.$inferSelect;
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
