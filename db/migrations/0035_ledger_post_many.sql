-- Many postings in one call (settlement in batches, ADR 0048): the same checks and writes as ledger_post (0021)
-- for each posting, in the order given, but the transactions, the accounts' locks and the entries as one statement
-- each, so the entry trigger moves each account's balance once per batch instead of once per posting.
-- p_postings: [{ id, kind, order_id, key, memo, created_by, lines: [{ org, kind, currency, shard, amount, open }],
--               escrow_order, escrow_amount, escrow_currency }]
-- Answers one row per posting: 'posted', 'replay' (its key was posted before), or — for the first posting whose
-- order's escrow is short, after which nothing is written — 'short:<held>'.
CREATE FUNCTION ledger_post_many(p_postings jsonb) RETURNS TABLE (n integer, outcome text) LANGUAGE plpgsql AS $$
DECLARE
  posting record;
  held bigint;
  spent jsonb := '{}';
  fresh integer[] := '{}';
  inserted text[];
  account_ids text[];
BEGIN
  -- The orders' escrow locks, in one order for every caller (a single posting takes one).
  PERFORM pg_advisory_xact_lock(hashtext('wharf.ledger.escrow'), hashtext(s.o))
    FROM (SELECT DISTINCT x->>'escrow_order' AS o FROM jsonb_array_elements(p_postings) AS x
          WHERE x->>'escrow_order' IS NOT NULL ORDER BY 1) AS s;

  FOR posting IN
    SELECT (e.ord - 1)::integer AS k, e.x FROM jsonb_array_elements(p_postings) WITH ORDINALITY AS e(x, ord) ORDER BY e.ord
  LOOP
    IF EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = posting.x->>'key') THEN
      CONTINUE;
    END IF;
    IF posting.x->>'escrow_order' IS NOT NULL THEN
      SELECT coalesce(sum(en.amount), 0) INTO held
        FROM ledger_entries en
        JOIN ledger_transactions t ON t.id = en.transaction_id
        JOIN ledger_accounts a ON a.id = en.account_id
        WHERE t.order_id = posting.x->>'escrow_order' AND a.kind = 'escrow'
          AND en.currency = posting.x->>'escrow_currency';
      -- Less what earlier postings of this batch take out of the same order's escrow.
      held := held - coalesce((spent->>(posting.x->>'escrow_order'))::bigint, 0);
      IF held < (posting.x->>'escrow_amount')::bigint THEN
        n := posting.k;
        outcome := 'short:' || held;
        RETURN NEXT;
        RETURN;
      END IF;
      spent := spent || jsonb_build_object(
        posting.x->>'escrow_order',
        coalesce((spent->>(posting.x->>'escrow_order'))::bigint, 0) + (posting.x->>'escrow_amount')::bigint
      );
    END IF;
    fresh := fresh || posting.k;
  END LOOP;

  -- A concurrent posting with a key makes this wait for it, then skip it: the caller replays.
  WITH rows AS (
    INSERT INTO ledger_transactions (id, kind, order_id, idempotency_key, memo, created_by)
      SELECT e.x->>'id', e.x->>'kind', e.x->>'order_id', e.x->>'key', e.x->>'memo',
             e.x->>'created_by'
        FROM jsonb_array_elements(p_postings) WITH ORDINALITY AS e(x, ord)
        WHERE (e.ord - 1)::integer = ANY (fresh)
        ORDER BY e.ord
      ON CONFLICT DO NOTHING
      RETURNING id
  )
  SELECT coalesce(array_agg(id), '{}') INTO inserted FROM rows;

  -- The accounts, opened on first use (two first postings may race: the unique key lets one in).
  INSERT INTO ledger_accounts (id, org_id, kind, currency, shard)
    SELECT DISTINCT ON (l.org, l.kind, l.currency, l.shard) l.open, l.org, l.kind, l.currency, l.shard
      FROM jsonb_array_elements(p_postings) AS x
      CROSS JOIN LATERAL jsonb_to_recordset(x->'lines')
        AS l(org text, kind ledger_account_kind, currency text, shard smallint, amount bigint, open text)
      WHERE x->>'id' = ANY (inserted)
        AND NOT EXISTS (SELECT 1 FROM ledger_accounts a
                        WHERE a.org_id IS NOT DISTINCT FROM l.org AND a.kind = l.kind AND a.currency = l.currency
                          AND a.shard = l.shard)
    ON CONFLICT DO NOTHING;

  -- Locked in id order, like ledger_post and the balance trigger, before the entries take their ids.
  SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO account_ids FROM (
    SELECT a.id FROM ledger_accounts a
      WHERE a.id IN (
        SELECT coalesce(
          (SELECT id FROM ledger_accounts WHERE org_id = l.org AND kind = l.kind AND currency = l.currency AND shard = l.shard),
          (SELECT id FROM ledger_accounts WHERE l.org IS NULL AND org_id IS NULL AND kind = l.kind AND currency = l.currency
             AND shard = l.shard))
        FROM jsonb_array_elements(p_postings) AS x
        CROSS JOIN LATERAL jsonb_to_recordset(x->'lines')
          AS l(org text, kind ledger_account_kind, currency text, shard smallint)
        WHERE x->>'id' = ANY (inserted))
      ORDER BY a.id FOR UPDATE
  ) AS locked;

  INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
    SELECT e.x->>'id',
           coalesce(
             (SELECT id FROM ledger_accounts
               WHERE org_id = ll.l->>'org' AND kind = (ll.l->>'kind')::ledger_account_kind
                 AND currency = ll.l->>'currency' AND shard = (ll.l->>'shard')::smallint),
             (SELECT id FROM ledger_accounts
               WHERE ll.l->>'org' IS NULL AND org_id IS NULL AND kind = (ll.l->>'kind')::ledger_account_kind
                 AND currency = ll.l->>'currency' AND shard = (ll.l->>'shard')::smallint)),
           (ll.l->>'amount')::bigint, ll.l->>'currency'
      FROM jsonb_array_elements(p_postings) WITH ORDINALITY AS e(x, ord)
      CROSS JOIN LATERAL jsonb_array_elements(e.x->'lines') WITH ORDINALITY AS ll(l, lord)
      WHERE e.x->>'id' = ANY (inserted)
      ORDER BY e.ord, ll.lord;

  RETURN QUERY
    SELECT (e.ord - 1)::integer, CASE WHEN e.x->>'id' = ANY (inserted) THEN 'posted' ELSE 'replay' END
      FROM jsonb_array_elements(p_postings) WITH ORDINALITY AS e(x, ord)
      ORDER BY e.ord;
END;
$$;
--> statement-breakpoint

-- The balance of a ledger transaction was checked at commit once per entry and once for its row. Entries can only
-- be added to a transaction created in the same database transaction (ledger_entries_require_open_transaction,
-- 0004), so its row's own deferred check at commit always sees all of them: the per-entry checks repeated it (three
-- times for a release) and are dropped. The rule is unchanged.
DROP TRIGGER ledger_entries_balanced ON ledger_entries;
--> statement-breakpoint
DROP FUNCTION ledger_entries_check_balanced();
