-- Credit terms (账期; issue #18, part 2; ADR 0056): a seller grants a buyer org net 7/15/30 days up to a credit limit;
-- an order on terms draws on the buyer's receivable instead of a payment, the seller's share waits in `uncollected`
-- until the buyer pays, and the order carries its invoice's due date. The enum values added here cannot be used in
-- this transaction (drizzle applies pending migrations in one), so the CHECKs compare `kind::text`.
ALTER TYPE "ledger_account_kind" ADD VALUE IF NOT EXISTS 'receivable';
--> statement-breakpoint
ALTER TYPE "ledger_account_kind" ADD VALUE IF NOT EXISTS 'uncollected';
--> statement-breakpoint
ALTER TYPE "payment_provider" ADD VALUE IF NOT EXISTS 'terms';
--> statement-breakpoint
ALTER TABLE "ledger_accounts" DROP CONSTRAINT "ledger_accounts_balance_not_negative";
--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_not_negative" CHECK (
  ("kind"::text not in ('available', 'held', 'uncollected') or "balance" >= 0)
  and ("kind"::text <> 'receivable' or "balance" <= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_terms" (
	"id" text PRIMARY KEY NOT NULL,
	"seller_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"net_days" integer NOT NULL,
	"limit_fen" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"granted_by" text NOT NULL REFERENCES "users"("id"),
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_terms_pair_key" UNIQUE ("seller_org_id", "buyer_org_id"),
	CONSTRAINT "credit_terms_parties_differ" CHECK ("seller_org_id" <> "buyer_org_id"),
	CONSTRAINT "credit_terms_net_days" CHECK ("net_days" in (7, 15, 30)),
	CONSTRAINT "credit_terms_limit_range" CHECK ("limit_fen" > 0 and "limit_fen" <= 100000000000)
);
--> statement-breakpoint
CREATE INDEX "credit_terms_buyer_idx" ON "credit_terms" ("buyer_org_id");
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "terms_net_days" integer;
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "due_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "terms_reminded_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "terms_overdue_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_terms_net_days" CHECK ("terms_net_days" IS NULL OR "terms_net_days" in (7, 15, 30));
--> statement-breakpoint
CREATE INDEX "orders_terms_due_idx" ON "orders" ("due_at") WHERE "due_at" IS NOT NULL AND "terms_overdue_at" IS NULL;
