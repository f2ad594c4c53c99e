-- Settlement no longer queues on two market-wide rows (ADR 0033).
--
-- (1) The market's accounts (escrow, platform fees, provider clearing) are split into shards: one row per
-- (kind, currency, shard), a posting's market lines going to the shard its order (else its idempotency key)
-- hashes to. The market's balance of a kind is the sum over its shards; an org's account stays one row, shard 0.
ALTER TABLE "ledger_accounts" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_shard_range"
  CHECK ("shard" >= 0 AND "shard" < 256 AND ("org_id" IS NULL OR "shard" = 0));--> statement-breakpoint
ALTER TABLE "ledger_accounts" DROP CONSTRAINT "ledger_accounts_owner_kind_currency_key";--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_owner_kind_currency_key"
  UNIQUE NULLS NOT DISTINCT ("org_id", "kind", "currency", "shard");--> statement-breakpoint

-- The guard of 0004, with the shard among what never changes.
CREATE OR REPLACE FUNCTION ledger_accounts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.balance <> 0 THEN
      RAISE EXCEPTION 'a ledger account opens with a zero balance (got %)', NEW.balance
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF (NEW.id, NEW.org_id, NEW.kind, NEW.currency, NEW.shard) IS DISTINCT FROM (OLD.id, OLD.org_id, OLD.kind, OLD.currency, OLD.shard) THEN
    RAISE EXCEPTION 'a ledger account''s id, owner, kind, currency and shard never change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Depth 1 is a statement from a client; the entry trigger's own UPDATE runs at depth 2.
  IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'ledger_accounts.balance is kept by the entry trigger (UPDATE refused); post a ledger transaction'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint

-- (2) A posting in one round trip: what app/ledger/ledger.server.ts did in six to nine statements (look for an
-- earlier posting with the key, check the order's escrow, insert the transaction, find or open each account,
-- lock the accounts, insert the entries). The rules of 0004 still hold whatever calls it: the entry triggers
-- move the cached balances under the accounts' row locks and refuse an overdraft; COMMIT checks the balance.
--
-- p_lines: [{"org": text|null, "kind": text, "currency": text, "shard": int, "amount": int, "open": text}],
-- "open" being the id to give the account if it has to be opened. p_escrow_order: the order whose escrow the
-- posting spends (a release or a refund), or null; its advisory lock serializes the spends of that one order.
-- Returns 'posted'; 'replay' when a transaction with the key exists (the caller reads and compares it);
-- or 'short:<held>' when the order's escrow holds less than p_escrow_amount (nothing is written).
CREATE FUNCTION ledger_post(
  p_id text,
  p_kind text,
  p_order_id text,
  p_key text,
  p_memo text,
  p_created_by text,
  p_lines jsonb,
  p_escrow_order text,
  p_escrow_amount bigint,
  p_escrow_currency text
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line record;
  account text;
  accounts text[] := '{}';
  amounts bigint[] := '{}';
  currencies text[] := '{}';
  held bigint;
BEGIN
  IF p_escrow_order IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('wharf.ledger.escrow'), hashtext(p_escrow_order));
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = p_key) THEN
    RETURN 'replay';
  END IF;
  IF p_escrow_order IS NOT NULL THEN
    SELECT coalesce(sum(e.amount), 0) INTO held
      FROM ledger_entries e
      JOIN ledger_transactions t ON t.id = e.transaction_id
      JOIN ledger_accounts a ON a.id = e.account_id
      WHERE t.order_id = p_escrow_order AND a.kind = 'escrow' AND e.currency = p_escrow_currency;
    IF held < p_escrow_amount THEN
      RETURN 'short:' || held;
    END IF;
  END IF;

  -- A concurrent posting with the key makes this wait for it, then do nothing: the caller replays.
  INSERT INTO ledger_transactions (id, kind, order_id, idempotency_key, memo, created_by)
    VALUES (p_id, p_kind, p_order_id, p_key, p_memo, p_created_by)
    ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN 'replay';
  END IF;

  FOR line IN
    SELECT * FROM jsonb_to_recordset(p_lines)
      AS l(org text, kind ledger_account_kind, currency text, shard smallint, amount bigint, open text)
  LOOP
    account := NULL;
    FOR attempt IN 1..2 LOOP
      IF line.org IS NULL THEN
        SELECT id INTO account FROM ledger_accounts
          WHERE org_id IS NULL AND kind = line.kind AND currency = line.currency AND shard = line.shard;
      ELSE
        SELECT id INTO account FROM ledger_accounts
          WHERE org_id = line.org AND kind = line.kind AND currency = line.currency AND shard = line.shard;
      END IF;
      EXIT WHEN account IS NOT NULL OR attempt = 2;
      -- Two first postings may race to open the account: the unique key lets one insert, the other waits
      -- for it and then reads its row (the next statement sees what committed meanwhile).
      INSERT INTO ledger_accounts (id, org_id, kind, currency, shard)
        VALUES (line.open, line.org, line.kind, line.currency, line.shard)
        ON CONFLICT DO NOTHING;
    END LOOP;
    IF account IS NULL THEN
      RAISE EXCEPTION 'ledger account (%, %, %, shard %) could not be opened', line.org, line.kind, line.currency, line.shard;
    END IF;
    accounts := accounts || account;
    amounts := amounts || line.amount;
    currencies := currencies || line.currency;
  END LOOP;

  -- Lock the accounts (in id order, like the balance trigger) before the entries take their ids, so entry ids
  -- follow the order postings land on each account and statements' running balances are true.
  PERFORM 1 FROM ledger_accounts WHERE id = ANY (accounts) ORDER BY id FOR UPDATE;
  INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
    SELECT p_id, u.account_id, u.amount, u.currency
      FROM unnest(accounts, amounts, currencies) WITH ORDINALITY AS u(account_id, amount, currency, n)
      ORDER BY u.n;
  RETURN 'posted';
END;
$$;
