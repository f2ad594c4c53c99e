-- The escrow ledger's rules, enforced by the database whatever code writes to it (see db/schema/ledger.ts).

-- (1) History is append-only: a ledger transaction and its entries are never changed or removed;
-- a mistake is corrected by a new transaction that reverses it.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint

-- Entries may only be added to a transaction created by the same database transaction: otherwise a
-- balanced pair appended years later would silently change what a committed transaction said.
-- The ids are noted in a transaction-local setting, which a rolled-back savepoint also undoes.
CREATE FUNCTION ledger_transactions_note_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config(
    'wharf.ledger_open_transactions',
    coalesce(nullif(current_setting('wharf.ledger_open_transactions', true), ''), ',') || NEW.id || ',',
    true
  );
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_note_open AFTER INSERT ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_transactions_note_open();
--> statement-breakpoint
CREATE FUNCTION ledger_entries_require_open_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF position(',' || NEW.transaction_id || ',' IN coalesce(current_setting('wharf.ledger_open_transactions', true), '')) = 0 THEN
    RAISE EXCEPTION 'ledger transaction % was not created in this database transaction; post a new transaction instead',
      NEW.transaction_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_require_open_transaction BEFORE INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_require_open_transaction();
--> statement-breakpoint

-- (2) Every transaction has at least two entries and sums to zero in each currency. Checked at
-- COMMIT (constraint triggers, deferred) because the entries arrive one statement after another.
CREATE FUNCTION ledger_assert_balanced(txn_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  entry_count bigint;
  unbalanced record;
BEGIN
  SELECT count(*) INTO entry_count FROM ledger_entries WHERE transaction_id = txn_id;
  IF entry_count < 2 THEN
    RAISE EXCEPTION 'ledger transaction % has % entries; it needs at least two', txn_id, entry_count
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transactions_balanced';
  END IF;
  SELECT currency, sum(amount) AS total INTO unbalanced
    FROM ledger_entries WHERE transaction_id = txn_id
    GROUP BY currency HAVING sum(amount) <> 0
    ORDER BY currency LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: its % entries sum to %', txn_id, unbalanced.currency,
      unbalanced.total USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transactions_balanced';
  END IF;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION ledger_entries_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_assert_balanced(NEW.transaction_id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- A transaction row with no entries at all fires no entry trigger; this one catches it.
CREATE FUNCTION ledger_transactions_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_assert_balanced(NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entries_check_balanced();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transactions_check_balanced();
--> statement-breakpoint

-- (3) Inserting entries moves the accounts' cached balances, under the accounts' row locks, so
-- concurrent postings to one account queue up and the CHECK ledger_accounts_balance_not_negative
-- refuses an overdraft of an available or held balance at the statement that would cause it.
CREATE FUNCTION ledger_entries_apply_to_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Locked in id order, so two postings over the same pair of accounts queue instead of deadlocking.
  PERFORM 1 FROM ledger_accounts WHERE id IN (SELECT account_id FROM inserted) ORDER BY id FOR UPDATE;
  UPDATE ledger_accounts AS account SET balance = account.balance + moved.total
    FROM (SELECT account_id, sum(amount) AS total FROM inserted GROUP BY account_id) AS moved
    WHERE account.id = moved.account_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_balances AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_apply_to_balances();
--> statement-breakpoint

-- The cached balance has one writer, the trigger above; an account opens at zero, and its owner,
-- kind and currency never change (entries already point at it).
CREATE FUNCTION ledger_accounts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.balance <> 0 THEN
      RAISE EXCEPTION 'a ledger account opens with a zero balance (got %)', NEW.balance
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF (NEW.id, NEW.org_id, NEW.kind, NEW.currency) IS DISTINCT FROM (OLD.id, OLD.org_id, OLD.kind, OLD.currency) THEN
    RAISE EXCEPTION 'a ledger account''s id, owner, kind and currency never change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Depth 1 is a statement from a client; the entry trigger's own UPDATE runs at depth 2.
  IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'ledger_accounts.balance is kept by the entry trigger (UPDATE refused); post a ledger transaction'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_guard BEFORE INSERT OR UPDATE ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION ledger_accounts_guard();
