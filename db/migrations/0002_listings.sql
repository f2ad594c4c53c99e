CREATE TYPE "public"."base_unit" AS ENUM('g', 'piece');--> statement-breakpoint
CREATE TYPE "public"."category_group" AS ENUM('seafood', 'farm');--> statement-breakpoint
CREATE TYPE "public"."certificate_type" AS ENUM('inspection', 'quality', 'other');--> statement-breakpoint
CREATE TYPE "public"."cold_chain_class" AS ENUM('frozen', 'chilled', 'live', 'ambient');--> statement-breakpoint
CREATE TYPE "public"."listing_file_kind" AS ENUM('photo', 'certificate');--> statement-breakpoint
CREATE TYPE "public"."listing_status" AS ENUM('draft', 'pending_review', 'live', 'paused', 'sold_out', 'expired', 'withdrawn', 'removed');--> statement-breakpoint
CREATE TYPE "public"."quantity_unit" AS ENUM('g', 'kg', 'jin', 't', 'case', 'piece');--> statement-breakpoint
CREATE TYPE "public"."sale_mode" AS ENUM('fixed', 'negotiable', 'auction');--> statement-breakpoint
CREATE TABLE "categories" (
	"id" text PRIMARY KEY NOT NULL,
	"group" "category_group" NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"base_unit" "base_unit" NOT NULL,
	"default_cold_chain" "cold_chain_class" NOT NULL,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inspection_hours" integer DEFAULT 24 NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "categories_inspection_hours_positive" CHECK ("categories"."inspection_hours" > 0)
);
--> statement-breakpoint
CREATE TABLE "listing_events" (
	"id" text PRIMARY KEY NOT NULL,
	"listing_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" text,
	"from_status" "listing_status",
	"to_status" "listing_status" NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "listing_files" (
	"id" text PRIMARY KEY NOT NULL,
	"listing_id" text NOT NULL,
	"kind" "listing_file_kind" NOT NULL,
	"storage_key" text NOT NULL,
	"thumb_key" text,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"certificate_type" "certificate_type",
	"certificate_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "listings" (
	"id" text PRIMARY KEY NOT NULL,
	"seller_org_id" text NOT NULL,
	"created_by" text NOT NULL,
	"category_id" text NOT NULL,
	"title_zh" text,
	"title_en" text,
	"description_zh" text,
	"description_en" text,
	"spec" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"origin_name" text NOT NULL,
	"origin_region" text NOT NULL,
	"harvest_date" date NOT NULL,
	"shelf_life_days" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"quantity_total" bigint NOT NULL,
	"quantity_available" bigint NOT NULL,
	"min_order_quantity" bigint NOT NULL,
	"display_unit" "quantity_unit" NOT NULL,
	"case_net_grams" integer,
	"sale_mode" "sale_mode" DEFAULT 'fixed' NOT NULL,
	"cold_chain" "cold_chain_class" NOT NULL,
	"pickup_place" text NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"status" "listing_status" DEFAULT 'draft' NOT NULL,
	"status_reason" text,
	"search_vector" "tsvector",
	"published_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "listings_title_present" CHECK (coalesce(length(trim("listings"."title_zh")), 0) > 0 or coalesce(length(trim("listings"."title_en")), 0) > 0),
	CONSTRAINT "listings_available_not_negative" CHECK ("listings"."quantity_available" >= 0),
	CONSTRAINT "listings_available_within_total" CHECK ("listings"."quantity_available" <= "listings"."quantity_total"),
	CONSTRAINT "listings_total_positive" CHECK ("listings"."quantity_total" > 0),
	CONSTRAINT "listings_moq_positive" CHECK ("listings"."min_order_quantity" > 0),
	CONSTRAINT "listings_moq_within_total" CHECK ("listings"."min_order_quantity" <= "listings"."quantity_total"),
	CONSTRAINT "listings_shelf_life_positive" CHECK ("listings"."shelf_life_days" > 0),
	CONSTRAINT "listings_case_weight" CHECK (("listings"."display_unit" = 'case') = ("listings"."case_net_grams" is not null))
);
--> statement-breakpoint
CREATE TABLE "price_tiers" (
	"listing_id" text NOT NULL,
	"min_quantity" bigint NOT NULL,
	"unit_price_fen" bigint NOT NULL,
	CONSTRAINT "price_tiers_listing_id_min_quantity_pk" PRIMARY KEY("listing_id","min_quantity"),
	CONSTRAINT "price_tiers_price_positive" CHECK ("price_tiers"."unit_price_fen" > 0),
	CONSTRAINT "price_tiers_min_positive" CHECK ("price_tiers"."min_quantity" > 0)
);
--> statement-breakpoint
ALTER TABLE "listing_events" ADD CONSTRAINT "listing_events_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_events" ADD CONSTRAINT "listing_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_files" ADD CONSTRAINT "listing_files_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_seller_org_id_organisations_id_fk" FOREIGN KEY ("seller_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_tiers" ADD CONSTRAINT "price_tiers_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "listing_events_listing_idx" ON "listing_events" USING btree ("listing_id","at");--> statement-breakpoint
CREATE INDEX "listing_files_listing_idx" ON "listing_files" USING btree ("listing_id","kind","position");--> statement-breakpoint
CREATE INDEX "listings_search_idx" ON "listings" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "listings_market_idx" ON "listings" USING btree ("status","category_id","published_at");--> statement-breakpoint
CREATE INDEX "listings_seller_idx" ON "listings" USING btree ("seller_org_id","status");