-- Market data (#15, ADR 0036): trades derived from completed orders, and per-day aggregates for the quotes board.
CREATE TABLE "market_trades" (
	"order_id" text PRIMARY KEY NOT NULL,
	"category_id" text NOT NULL,
	"grade" text NOT NULL,
	"origin" text NOT NULL,
	"day" date NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"price_fen_per_kg" bigint NOT NULL,
	"weight_grams" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"source" text NOT NULL,
	"seller_org_id" text NOT NULL,
	"buyer_org_id" text NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_trades_price_positive" CHECK ("market_trades"."price_fen_per_kg" > 0),
	CONSTRAINT "market_trades_weight_positive" CHECK ("market_trades"."weight_grams" > 0),
	CONSTRAINT "market_trades_amount_not_negative" CHECK ("market_trades"."amount_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "market_day_aggregates" (
	"category_id" text NOT NULL,
	"grade" text NOT NULL,
	"origin" text NOT NULL,
	"day" date NOT NULL,
	"value_milli_fen" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"weight_grams" bigint NOT NULL,
	"low_fen_per_kg" bigint NOT NULL,
	"high_fen_per_kg" bigint NOT NULL,
	"trades" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_day_aggregates_category_id_grade_origin_day_pk" PRIMARY KEY("category_id","grade","origin","day"),
	CONSTRAINT "market_day_aggregates_trades_positive" CHECK ("market_day_aggregates"."trades" > 0),
	CONSTRAINT "market_day_aggregates_weight_positive" CHECK ("market_day_aggregates"."weight_grams" > 0),
	CONSTRAINT "market_day_aggregates_low_high" CHECK ("market_day_aggregates"."low_fen_per_kg" <= "market_day_aggregates"."high_fen_per_kg")
);
--> statement-breakpoint
ALTER TABLE "market_trades" ADD CONSTRAINT "market_trades_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_trades" ADD CONSTRAINT "market_trades_seller_org_id_organisations_id_fk" FOREIGN KEY ("seller_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_trades" ADD CONSTRAINT "market_trades_buyer_org_id_organisations_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_day_aggregates" ADD CONSTRAINT "market_day_aggregates_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "market_trades_group_idx" ON "market_trades" USING btree ("category_id","grade","origin","day");--> statement-breakpoint
CREATE INDEX "market_trades_day_idx" ON "market_trades" USING btree ("day");--> statement-breakpoint
CREATE INDEX "market_trades_seller_idx" ON "market_trades" USING btree ("seller_org_id","day");--> statement-breakpoint
CREATE INDEX "market_trades_buyer_idx" ON "market_trades" USING btree ("buyer_org_id","day");--> statement-breakpoint
CREATE INDEX "market_day_aggregates_day_idx" ON "market_day_aggregates" USING btree ("day","category_id","grade","origin","value_milli_fen","weight_grams","low_fen_per_kg","high_fen_per_kg","trades");--> statement-breakpoint
CREATE INDEX "market_day_aggregates_category_grade_idx" ON "market_day_aggregates" USING btree ("category_id","grade","day","origin","value_milli_fen","weight_grams","low_fen_per_kg","high_fen_per_kg","trades");
