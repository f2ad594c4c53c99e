// The ledger's invariants, checked after every integration test: balanced transactions, no overdraft, true caches.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';

// Plain SQL on purpose: an oracle that shares no code with app/ledger can't share its mistakes.
const violations = sql`
  select 'transaction does not sum to zero' as problem,
         transaction_id || ' ' || currency || ' sums to ' || sum(amount) as detail
    from ledger_entries group by transaction_id, currency having sum(amount) <> 0
  union all
  select 'transaction has fewer than two entries', t.id || ' has ' || count(e.id)
    from ledger_transactions t left join ledger_entries e on e.transaction_id = t.id
    group by t.id having count(e.id) < 2
  union all
  select 'available or held balance is negative',
         a.id || ' (' || a.kind || ', org ' || coalesce(a.org_id, '-') || ', ' || a.currency || ') sums to ' || s.total
    from ledger_accounts a join (select account_id, sum(amount) as total from ledger_entries group by account_id) s
      on s.account_id = a.id
    where a.kind in ('available', 'held') and s.total < 0
  union all
  select 'cached balance differs from the sum of entries',
         a.id || ' caches ' || a.balance || ', entries sum to ' || coalesce(s.total, 0)
    from ledger_accounts a left join (select account_id, sum(amount) as total from ledger_entries group by account_id) s
      on s.account_id = a.id
    where a.balance <> coalesce(s.total, 0)
  limit 20
`;

/** Throws, listing what is wrong, if the ledger breaks any of its invariants. */
export async function checkLedgerInvariants(db: DbOrTx): Promise<void> {
  const rows = await db.execute<{ problem: string; detail: string }>(violations);
  if (rows.length === 0) return;
  const lines = [...rows].map((row) => `  ${row.problem}: ${row.detail}`);
  throw new Error(`ledger invariants broken:\n${lines.join('\n')}`);
}
