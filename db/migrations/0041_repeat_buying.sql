-- Repeat buying (issue #18 part 4, ADR 0054): requisition lists, checkouts of a list, standing orders and their weekly runs.
CREATE TABLE "requisition_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"name" text NOT NULL,
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "requisition_lists_name_len" CHECK (char_length("name") between 1 and 60)
);--> statement-breakpoint
CREATE INDEX "requisition_lists_org_idx" ON "requisition_lists" USING btree ("buyer_org_id");--> statement-breakpoint
CREATE TABLE "requisition_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"list_id" text NOT NULL REFERENCES "requisition_lists"("id") ON DELETE cascade,
	"listing_id" text NOT NULL REFERENCES "listings"("id"),
	"quantity" text NOT NULL,
	"unit" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "requisition_lines_lot_uq" ON "requisition_lines" USING btree ("list_id","listing_id");--> statement-breakpoint
CREATE TABLE "checkouts" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"list_id" text REFERENCES "requisition_lists"("id") ON DELETE set null,
	"token" text NOT NULL,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "checkouts_token_uq" ON "checkouts" USING btree ("buyer_org_id","token");--> statement-breakpoint
CREATE TABLE "standing_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"listing_id" text NOT NULL REFERENCES "listings"("id"),
	"quantity" text NOT NULL,
	"unit" text NOT NULL,
	"weekday" integer NOT NULL,
	"base_price_fen" bigint NOT NULL,
	"max_rise_bps" integer NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "standing_orders_weekday" CHECK ("weekday" between 1 and 7),
	CONSTRAINT "standing_orders_rise" CHECK ("max_rise_bps" between 0 and 10000),
	CONSTRAINT "standing_orders_price" CHECK ("base_price_fen" > 0),
	CONSTRAINT "standing_orders_status" CHECK ("status" in ('active', 'paused'))
);--> statement-breakpoint
CREATE INDEX "standing_orders_due_idx" ON "standing_orders" USING btree ("weekday") WHERE "standing_orders"."status" = 'active';--> statement-breakpoint
CREATE INDEX "standing_orders_org_idx" ON "standing_orders" USING btree ("buyer_org_id");--> statement-breakpoint
CREATE TABLE "standing_order_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"standing_order_id" text NOT NULL REFERENCES "standing_orders"("id") ON DELETE cascade,
	"week" date NOT NULL,
	"outcome" text NOT NULL,
	"order_id" text REFERENCES "orders"("id"),
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "standing_order_runs_outcome" CHECK ("outcome" in ('ordered', 'skipped_stock', 'skipped_price', 'skipped_unavailable'))
);--> statement-breakpoint
CREATE UNIQUE INDEX "standing_order_runs_week_uq" ON "standing_order_runs" USING btree ("standing_order_id","week");
