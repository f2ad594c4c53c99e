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
  select 'uncollected balance is negative or receivable positive',
         a.id || ' (' || a.kind || ', org ' || a.org_id || ') sums to ' || s.total
    from ledger_accounts a join (select account_id, sum(amount) as total from ledger_entries group by account_id) s
      on s.account_id = a.id
    where (a.kind = 'uncollected' and s.total < 0) or (a.kind = 'receivable' and s.total > 0)
  union all
  -- Credit terms (ADR 0056), per order: the buyer never owes less than nothing nor more than the order's total, the
  -- seller's uncollected share never goes below zero, and an order paid in full has none of it left uncollected.
  select 'an order on terms owes a wrong amount',
         t.order_id || ' owes ' || -sum(e.amount) || ' of ' || max(o.subtotal_fen)
    from ledger_entries e join ledger_accounts a on a.id = e.account_id and a.kind = 'receivable'
    join ledger_transactions t on t.id = e.transaction_id join orders o on o.id = t.order_id
    group by t.order_id having -sum(e.amount) < 0 or -sum(e.amount) > max(o.subtotal_fen)
  union all
  select 'an order on terms has its seller share wrong',
         t.order_id || ' uncollected ' || coalesce(sum(e.amount) filter (where a.kind = 'uncollected'), 0)
           || ', owed ' || -coalesce(sum(e.amount) filter (where a.kind = 'receivable'), 0)
    from ledger_entries e join ledger_accounts a on a.id = e.account_id
    join ledger_transactions t on t.id = e.transaction_id join orders o on o.id = t.order_id and o.provider = 'terms'
    group by t.order_id
    having coalesce(sum(e.amount) filter (where a.kind = 'uncollected'), 0) < 0
        or (coalesce(sum(e.amount) filter (where a.kind = 'receivable'), 0) = 0
            and coalesce(sum(e.amount) filter (where a.kind = 'uncollected'), 0) <> 0)
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
