-- Buyer organisations (issue #18, part 3; ADR 0052): per-member spending limits, orders that wait for an approver,
-- and the buyer's purchase-order number carried on the order. drizzle's migrator applies pending migrations in one
-- transaction, and an enum value added in a transaction cannot be used in it: nothing below (nor in a later
-- migration) names 'awaiting_approval'; only the application writes it.
ALTER TYPE "order_status" ADD VALUE IF NOT EXISTS 'awaiting_approval';
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "po_number" text;
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_po_number_shape" CHECK ("po_number" IS NULL OR "po_number" ~ '^[A-Za-z0-9][A-Za-z0-9 _./#-]{0,39}$');
--> statement-breakpoint
CREATE INDEX "orders_created_by_idx" ON "orders" ("created_by", "buyer_org_id", "created_at");
--> statement-breakpoint
CREATE TABLE "member_spending_limits" (
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"per_order_fen" bigint,
	"per_month_fen" bigint,
	"updated_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_spending_limits_pkey" PRIMARY KEY ("org_id", "user_id"),
	CONSTRAINT "member_spending_limits_membership_fk" FOREIGN KEY ("org_id", "user_id") REFERENCES "memberships"("org_id", "user_id") ON DELETE CASCADE,
	CONSTRAINT "member_spending_limits_per_order_positive" CHECK ("per_order_fen" IS NULL OR "per_order_fen" > 0),
	CONSTRAINT "member_spending_limits_per_month_positive" CHECK ("per_month_fen" IS NULL OR "per_month_fen" > 0)
);
