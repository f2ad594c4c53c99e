-- The exchange (issue #14, ADR 0031): instruments, the projection of exchange orders, fills made orders, and the
-- fills consumer's cursor; orders gain the source 'exchange'.
CREATE TYPE "public"."delivery_kind" AS ENUM('spot', 'dated');--> statement-breakpoint
CREATE TYPE "public"."exchange_order_status" AS ENUM('pending', 'resting', 'filled', 'cancelled', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."exchange_order_type" AS ENUM('limit', 'market');--> statement-breakpoint
CREATE TYPE "public"."exchange_side" AS ENUM('buy', 'sell');--> statement-breakpoint
CREATE TYPE "public"."exchange_tif" AS ENUM('gtc', 'day', 'ioc', 'fok');--> statement-breakpoint
CREATE TYPE "public"."instrument_status" AS ENUM('active', 'halted');--> statement-breakpoint
ALTER TYPE "public"."order_source" ADD VALUE 'exchange';--> statement-breakpoint
CREATE TABLE "exchange_cursors" (
	"instrument_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_fills" (
	"instrument_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"trade_id" bigint NOT NULL,
	"buy_order_id" text NOT NULL,
	"sell_order_id" text NOT NULL,
	"price_fen" bigint NOT NULL,
	"quantity" integer NOT NULL,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_fills_instrument_id_trade_id_pk" PRIMARY KEY("instrument_id","trade_id"),
	CONSTRAINT "exchange_fills_seq_trade_key" UNIQUE("instrument_id","seq","trade_id"),
	CONSTRAINT "exchange_fills_price_positive" CHECK ("exchange_fills"."price_fen" > 0),
	CONSTRAINT "exchange_fills_quantity_positive" CHECK ("exchange_fills"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "exchange_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"instrument_id" uuid NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"side" "exchange_side" NOT NULL,
	"type" "exchange_order_type" NOT NULL,
	"tif" "exchange_tif" NOT NULL,
	"price_fen" bigint,
	"quantity" integer NOT NULL,
	"remaining" integer NOT NULL,
	"min_quantity" integer,
	"status" "exchange_order_status" DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"listing_id" text,
	"reserved_grams" bigint DEFAULT 0 NOT NULL,
	"cover_fen" bigint DEFAULT 0 NOT NULL,
	"cover_version" integer DEFAULT 0 NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_orders_quantity_positive" CHECK ("exchange_orders"."quantity" > 0),
	CONSTRAINT "exchange_orders_remaining_range" CHECK ("exchange_orders"."remaining" between 0 and "exchange_orders"."quantity"),
	CONSTRAINT "exchange_orders_price_shape" CHECK (case "exchange_orders"."type" when 'market' then "exchange_orders"."price_fen" is null else "exchange_orders"."price_fen" > 0 end),
	CONSTRAINT "exchange_orders_min_quantity_range" CHECK ("exchange_orders"."min_quantity" is null or "exchange_orders"."min_quantity" between 1 and "exchange_orders"."quantity"),
	CONSTRAINT "exchange_orders_backing_side" CHECK (case "exchange_orders"."side" when 'sell' then "exchange_orders"."listing_id" is not null and "exchange_orders"."cover_fen" = 0 else "exchange_orders"."listing_id" is null and "exchange_orders"."reserved_grams" = 0 end),
	CONSTRAINT "exchange_orders_reserved_not_negative" CHECK ("exchange_orders"."reserved_grams" >= 0),
	CONSTRAINT "exchange_orders_cover_not_negative" CHECK ("exchange_orders"."cover_fen" >= 0),
	CONSTRAINT "exchange_orders_resting_has_remaining" CHECK ("exchange_orders"."status" <> 'resting' or "exchange_orders"."remaining" > 0),
	CONSTRAINT "exchange_orders_filled_has_none" CHECK ("exchange_orders"."status" <> 'filled' or "exchange_orders"."remaining" = 0),
	CONSTRAINT "exchange_orders_finished_holds_nothing" CHECK ("exchange_orders"."status" in ('pending', 'resting') or ("exchange_orders"."cover_fen" = 0 and "exchange_orders"."reserved_grams" = 0))
);
--> statement-breakpoint
CREATE TABLE "instruments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"category_id" text NOT NULL,
	"grade" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"unit_grams" integer NOT NULL,
	"unit_name_zh" text NOT NULL,
	"unit_name_en" text NOT NULL,
	"tick_fen" integer NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"delivery_place" text NOT NULL,
	"delivery_kind" "delivery_kind" DEFAULT 'spot' NOT NULL,
	"delivery_date" date,
	"call_start" time NOT NULL,
	"open_time" time NOT NULL,
	"close_time" time NOT NULL,
	"band_bps" integer NOT NULL,
	"reference_price_fen" bigint,
	"status" "instrument_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instruments_code_unique" UNIQUE("code"),
	CONSTRAINT "instruments_code_format" CHECK ("instruments"."code" ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
	CONSTRAINT "instruments_unit_positive" CHECK ("instruments"."unit_grams" > 0),
	CONSTRAINT "instruments_tick_positive" CHECK ("instruments"."tick_fen" > 0),
	CONSTRAINT "instruments_band_range" CHECK ("instruments"."band_bps" between 1 and 5000),
	CONSTRAINT "instruments_hours_order" CHECK ("instruments"."call_start" < "instruments"."open_time" and "instruments"."open_time" < "instruments"."close_time"),
	CONSTRAINT "instruments_delivery_date" CHECK (("instruments"."delivery_kind" = 'dated') = ("instruments"."delivery_date" is not null)),
	CONSTRAINT "instruments_reference_on_tick" CHECK ("instruments"."reference_price_fen" is null or ("instruments"."reference_price_fen" > 0 and "instruments"."reference_price_fen" % "instruments"."tick_fen" = 0))
);
--> statement-breakpoint
ALTER TABLE "exchange_cursors" ADD CONSTRAINT "exchange_cursors_instrument_id_instruments_id_fk" FOREIGN KEY ("instrument_id") REFERENCES "public"."instruments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_fills" ADD CONSTRAINT "exchange_fills_instrument_id_instruments_id_fk" FOREIGN KEY ("instrument_id") REFERENCES "public"."instruments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_fills" ADD CONSTRAINT "exchange_fills_buy_order_id_exchange_orders_id_fk" FOREIGN KEY ("buy_order_id") REFERENCES "public"."exchange_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_fills" ADD CONSTRAINT "exchange_fills_sell_order_id_exchange_orders_id_fk" FOREIGN KEY ("sell_order_id") REFERENCES "public"."exchange_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_fills" ADD CONSTRAINT "exchange_fills_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_orders" ADD CONSTRAINT "exchange_orders_instrument_id_instruments_id_fk" FOREIGN KEY ("instrument_id") REFERENCES "public"."instruments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_orders" ADD CONSTRAINT "exchange_orders_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_orders" ADD CONSTRAINT "exchange_orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_orders" ADD CONSTRAINT "exchange_orders_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruments" ADD CONSTRAINT "instruments_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exchange_fills_time_idx" ON "exchange_fills" USING btree ("instrument_id","created_at");--> statement-breakpoint
CREATE INDEX "exchange_orders_org_idx" ON "exchange_orders" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "exchange_orders_instrument_idx" ON "exchange_orders" USING btree ("instrument_id","status");
