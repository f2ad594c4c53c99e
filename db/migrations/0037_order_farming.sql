-- Order farming (订单农业, issue #17; ADR 0050): a seller's harvest plan, its versions, buyers' pre-orders against it
-- with deposits held in the ledger, progress posts, and a retailer's consumer reservations against its share.
ALTER TYPE "order_source" ADD VALUE IF NOT EXISTS 'farming';
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "deposit_applied_fen" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_deposit_within_subtotal" CHECK ("deposit_applied_fen" >= 0 AND "deposit_applied_fen" <= "subtotal_fen");
--> statement-breakpoint
CREATE TABLE "harvest_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"seller_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"category_id" text NOT NULL REFERENCES "categories"("id"),
	"title" text NOT NULL,
	"grade" text DEFAULT '' NOT NULL,
	"spec" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expected_min" bigint NOT NULL,
	"expected_max" bigint NOT NULL,
	"display_unit" "quantity_unit" NOT NULL,
	"harvest_from" date NOT NULL,
	"harvest_to" date NOT NULL,
	"cutoff_date" date NOT NULL,
	"price_mode" text NOT NULL,
	"unit_price_fen" bigint NOT NULL,
	"reference_adjust_bps" integer DEFAULT 0 NOT NULL,
	"min_per_buyer" bigint NOT NULL,
	"max_per_buyer" bigint NOT NULL,
	"deposit_bps" integer NOT NULL,
	"forfeit_bps" integer DEFAULT 10000 NOT NULL,
	"material_days" integer DEFAULT 7 NOT NULL,
	"allocation" text DEFAULT 'commitment' NOT NULL,
	"delivery" text[] DEFAULT '{pickup}'::text[] NOT NULL,
	"origin_name" text NOT NULL,
	"origin_region" text NOT NULL,
	"notes" text,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"status_reason" text,
	"committed" bigint DEFAULT 0 NOT NULL,
	"harvested_quantity" bigint,
	"harvested_at" timestamp with time zone,
	"listing_id" text REFERENCES "listings"("id"),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "harvest_plans_title_present" CHECK (length(trim("title")) > 0),
	CONSTRAINT "harvest_plans_expected_range" CHECK ("expected_min" > 0 AND "expected_min" <= "expected_max"),
	CONSTRAINT "harvest_plans_window" CHECK ("harvest_from" <= "harvest_to" AND "cutoff_date" <= "harvest_to"),
	CONSTRAINT "harvest_plans_price_mode" CHECK ("price_mode" IN ('fixed', 'reference')),
	CONSTRAINT "harvest_plans_price_positive" CHECK ("unit_price_fen" > 0),
	CONSTRAINT "harvest_plans_adjust_range" CHECK ("reference_adjust_bps" BETWEEN -5000 AND 5000),
	CONSTRAINT "harvest_plans_per_buyer" CHECK ("min_per_buyer" > 0 AND "min_per_buyer" <= "max_per_buyer"),
	CONSTRAINT "harvest_plans_deposit_range" CHECK ("deposit_bps" BETWEEN 0 AND 10000),
	CONSTRAINT "harvest_plans_forfeit_range" CHECK ("forfeit_bps" BETWEEN 0 AND 10000),
	CONSTRAINT "harvest_plans_material_days" CHECK ("material_days" BETWEEN 0 AND 365),
	CONSTRAINT "harvest_plans_allocation" CHECK ("allocation" IN ('commitment', 'pro_rata')),
	CONSTRAINT "harvest_plans_status" CHECK ("status" IN ('open', 'closed', 'harvested', 'cancelled')),
	-- The caps: what buyers hold (pending and confirmed pre-orders) never passes the plan's upper expectation.
	CONSTRAINT "harvest_plans_committed_within" CHECK ("committed" >= 0 AND "committed" <= "expected_max"),
	CONSTRAINT "harvest_plans_harvest_recorded" CHECK (("status" = 'harvested') = ("harvested_quantity" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX "harvest_plans_seller_idx" ON "harvest_plans" ("seller_org_id", "status");
--> statement-breakpoint
CREATE INDEX "harvest_plans_board_idx" ON "harvest_plans" ("status", "harvest_from");
--> statement-breakpoint
CREATE TABLE "plan_versions" (
	"plan_id" text NOT NULL REFERENCES "harvest_plans"("id") ON DELETE CASCADE,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"material" boolean DEFAULT false NOT NULL,
	"changed_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("plan_id", "version")
);
--> statement-breakpoint
CREATE TABLE "pre_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL REFERENCES "harvest_plans"("id"),
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"created_by" text NOT NULL REFERENCES "users"("id"),
	-- The order of commitment: a sequence, so two pre-orders in the same microsecond still have an order.
	"seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
	"quantity" bigint NOT NULL,
	"deposit_fen" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"allocated" bigint,
	"order_id" text REFERENCES "orders"("id"),
	"may_withdraw" boolean DEFAULT false NOT NULL,
	"consumer_open" boolean DEFAULT false NOT NULL,
	"consumer_stores" text[] DEFAULT '{}'::text[] NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pre_orders_quantity_positive" CHECK ("quantity" > 0),
	CONSTRAINT "pre_orders_deposit_not_negative" CHECK ("deposit_fen" >= 0),
	CONSTRAINT "pre_orders_status" CHECK ("status" IN ('pending', 'confirmed', 'declined', 'withdrawn', 'filled', 'released', 'cancelled', 'forfeited')),
	CONSTRAINT "pre_orders_allocated_within" CHECK ("allocated" IS NULL OR ("allocated" >= 0 AND "allocated" <= "quantity")),
	-- Consumers' reservations are counted against the retailer's own quantity.
	CONSTRAINT "pre_orders_reserved_within" CHECK ("reserved" >= 0 AND "reserved" <= "quantity")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "pre_orders_seq_key" ON "pre_orders" ("seq");
--> statement-breakpoint
-- One live pre-order per buyer org and plan: a second one changes the first.
CREATE UNIQUE INDEX "pre_orders_one_live_per_buyer" ON "pre_orders" ("plan_id", "buyer_org_id") WHERE "status" IN ('pending', 'confirmed');
--> statement-breakpoint
CREATE INDEX "pre_orders_buyer_idx" ON "pre_orders" ("buyer_org_id", "created_at");
--> statement-breakpoint
CREATE INDEX "pre_orders_plan_idx" ON "pre_orders" ("plan_id", "seq");
--> statement-breakpoint
CREATE UNIQUE INDEX "pre_orders_order_key" ON "pre_orders" ("order_id") WHERE "order_id" IS NOT NULL;
--> statement-breakpoint
CREATE TABLE "plan_posts" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL REFERENCES "harvest_plans"("id") ON DELETE CASCADE,
	"author_user_id" text NOT NULL REFERENCES "users"("id"),
	"body" text NOT NULL,
	"photo_key" text,
	"photo_type" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_posts_body_present" CHECK (length(trim("body")) > 0)
);
--> statement-breakpoint
CREATE INDEX "plan_posts_plan_idx" ON "plan_posts" ("plan_id", "created_at");
--> statement-breakpoint
-- A retailer's customer: name, phone and store only (PIPL minimisation), deleted N days after pickup.
CREATE TABLE "consumer_reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"pre_order_id" text NOT NULL REFERENCES "pre_orders"("id") ON DELETE CASCADE,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"pickup_store" text NOT NULL,
	"quantity" bigint NOT NULL,
	"picked_up_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consumer_reservations_quantity_positive" CHECK ("quantity" > 0),
	CONSTRAINT "consumer_reservations_name_present" CHECK (length(trim("name")) > 0)
);
--> statement-breakpoint
CREATE INDEX "consumer_reservations_pre_order_idx" ON "consumer_reservations" ("pre_order_id", "created_at");
--> statement-breakpoint
CREATE INDEX "consumer_reservations_picked_up_idx" ON "consumer_reservations" ("picked_up_at") WHERE "picked_up_at" IS NOT NULL;
