CREATE TYPE "public"."auction_status" AS ENUM('open', 'sold', 'unsold', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."auction_type" AS ENUM('english', 'dutch', 'sealed');--> statement-breakpoint
CREATE TYPE "public"."bid_kind" AS ENUM('manual', 'proxy', 'auto', 'sealed', 'press', 'presale');--> statement-breakpoint
CREATE TYPE "public"."bid_status" AS ENUM('accepted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."sealed_pricing" AS ENUM('first', 'second');--> statement-breakpoint
CREATE TABLE "auction_bids" (
	"id" text PRIMARY KEY NOT NULL,
	"auction_id" text NOT NULL,
	"seq" integer NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text,
	"kind" "bid_kind" NOT NULL,
	"amount_fen" bigint NOT NULL,
	"quantity_asked" bigint,
	"quantity_filled" bigint,
	"status" "bid_status" NOT NULL,
	"outcome" text NOT NULL,
	"price_after_fen" bigint,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auction_bids_auction_seq_key" UNIQUE("auction_id","seq"),
	CONSTRAINT "auction_bids_amount_positive" CHECK ("auction_bids"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "auction_participants" (
	"auction_id" text NOT NULL,
	"org_id" text NOT NULL,
	"bidder_number" integer NOT NULL,
	"max_fen" bigint,
	"max_seq" integer,
	"sealed_fen" bigint,
	"sealed_seq" integer,
	"held_fen" bigint DEFAULT 0 NOT NULL,
	"hold_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auction_participants_auction_id_org_id_pk" PRIMARY KEY("auction_id","org_id"),
	CONSTRAINT "auction_participants_number_key" UNIQUE("auction_id","bidder_number"),
	CONSTRAINT "auction_participants_held_not_negative" CHECK ("auction_participants"."held_fen" >= 0),
	CONSTRAINT "auction_participants_number_positive" CHECK ("auction_participants"."bidder_number" > 0)
);
--> statement-breakpoint
CREATE TABLE "auctions" (
	"id" text PRIMARY KEY NOT NULL,
	"listing_id" text NOT NULL,
	"seller_org_id" text NOT NULL,
	"created_by" text NOT NULL,
	"type" "auction_type" NOT NULL,
	"sealed_pricing" "sealed_pricing",
	"status" "auction_status" DEFAULT 'open' NOT NULL,
	"quantity" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"price_unit" "quantity_unit" NOT NULL,
	"per_base" integer NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"start_price_fen" bigint NOT NULL,
	"reserve_price_fen" bigint,
	"floor_price_fen" bigint,
	"presale_price_fen" bigint,
	"bid_increments" jsonb NOT NULL,
	"soft_close_seconds" integer NOT NULL,
	"clock_step_fen" integer NOT NULL,
	"clock_tick_ms" integer NOT NULL,
	"deposit_bps" integer NOT NULL,
	"fee_bps" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"clock_starts_at" timestamp with time zone,
	"clock_round" integer DEFAULT 0 NOT NULL,
	"price_fen" bigint,
	"leader_org_id" text,
	"leader_bid_id" text,
	"leader_max_fen" bigint,
	"leader_kind" "bid_kind",
	"last_seq" integer DEFAULT 0 NOT NULL,
	"bidder_count" integer DEFAULT 0 NOT NULL,
	"closed_at" timestamp with time zone,
	"winner_org_id" text,
	"winning_price_fen" bigint,
	"order_id" text,
	"second_chance_order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auctions_quantity_positive" CHECK ("auctions"."quantity" > 0),
	CONSTRAINT "auctions_remaining_range" CHECK ("auctions"."remaining" between 0 and "auctions"."quantity"),
	CONSTRAINT "auctions_per_base_positive" CHECK ("auctions"."per_base" > 0),
	CONSTRAINT "auctions_start_price_positive" CHECK ("auctions"."start_price_fen" > 0),
	CONSTRAINT "auctions_price_not_negative" CHECK ("auctions"."price_fen" is null or "auctions"."price_fen" > 0),
	CONSTRAINT "auctions_leader_within_max" CHECK ("auctions"."leader_org_id" is null or ("auctions"."price_fen" is not null and "auctions"."price_fen" <= "auctions"."leader_max_fen")),
	CONSTRAINT "auctions_ends_after_start" CHECK ("auctions"."ends_at" is null or "auctions"."ends_at" > "auctions"."starts_at"),
	CONSTRAINT "auctions_type_shape" CHECK (case "auctions"."type"
        when 'dutch' then "auctions"."floor_price_fen" is not null and "auctions"."floor_price_fen" > 0
          and "auctions"."floor_price_fen" <= "auctions"."start_price_fen" and "auctions"."clock_starts_at" is not null
        when 'sealed' then "auctions"."sealed_pricing" is not null and "auctions"."ends_at" is not null
        else "auctions"."ends_at" is not null end),
	CONSTRAINT "auctions_seller_not_winner" CHECK ("auctions"."winner_org_id" is null or "auctions"."winner_org_id" <> "auctions"."seller_org_id"),
	CONSTRAINT "auctions_deposit_range" CHECK ("auctions"."deposit_bps" between 0 and 10000)
);
--> statement-breakpoint
ALTER TABLE "auction_bids" ADD CONSTRAINT "auction_bids_auction_id_auctions_id_fk" FOREIGN KEY ("auction_id") REFERENCES "public"."auctions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auction_bids" ADD CONSTRAINT "auction_bids_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auction_bids" ADD CONSTRAINT "auction_bids_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auction_bids" ADD CONSTRAINT "auction_bids_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auction_participants" ADD CONSTRAINT "auction_participants_auction_id_auctions_id_fk" FOREIGN KEY ("auction_id") REFERENCES "public"."auctions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auction_participants" ADD CONSTRAINT "auction_participants_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_seller_org_id_organisations_id_fk" FOREIGN KEY ("seller_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_leader_org_id_organisations_id_fk" FOREIGN KEY ("leader_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_winner_org_id_organisations_id_fk" FOREIGN KEY ("winner_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_second_chance_order_id_orders_id_fk" FOREIGN KEY ("second_chance_order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auction_bids_org_idx" ON "auction_bids" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "auction_participants_org_idx" ON "auction_participants" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "auctions_open_idx" ON "auctions" USING btree ("status","starts_at");--> statement-breakpoint
CREATE INDEX "auctions_listing_idx" ON "auctions" USING btree ("listing_id");--> statement-breakpoint
CREATE INDEX "auctions_seller_idx" ON "auctions" USING btree ("seller_org_id","created_at");