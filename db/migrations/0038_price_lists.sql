-- Seller price lists per buyer (issue #18, part 1; ADR 0051): a list names its buyer orgs and carries rules per
-- category or per lot of the seller: a fixed price, ± % of the tier price, or ± % of the market's reference price.
-- Buyer groups are named sets of buyer orgs a seller keeps to add to lists. The rules' shape is checked here.
CREATE TABLE "price_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"seller_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"name" text NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_lists_name_present" CHECK (length(trim("name")) between 1 and 80),
	CONSTRAINT "price_lists_valid_ordered" CHECK ("valid_from" IS NULL OR "valid_to" IS NULL OR "valid_to" >= "valid_from"),
	CONSTRAINT "price_lists_id_seller_key" UNIQUE ("id", "seller_org_id")
);
--> statement-breakpoint
CREATE INDEX "price_lists_seller_idx" ON "price_lists" USING btree ("seller_org_id", "created_at");
--> statement-breakpoint
CREATE TABLE "price_list_buyers" (
	"price_list_id" text NOT NULL,
	"seller_org_id" text NOT NULL,
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_list_buyers_pkey" PRIMARY KEY ("price_list_id", "buyer_org_id"),
	CONSTRAINT "price_list_buyers_list_fk" FOREIGN KEY ("price_list_id", "seller_org_id")
		REFERENCES "price_lists"("id", "seller_org_id") ON DELETE cascade,
	CONSTRAINT "price_list_buyers_not_self" CHECK ("buyer_org_id" <> "seller_org_id")
);
--> statement-breakpoint
CREATE INDEX "price_list_buyers_buyer_idx" ON "price_list_buyers" USING btree ("buyer_org_id", "seller_org_id");
--> statement-breakpoint
CREATE TABLE "price_list_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"price_list_id" text NOT NULL,
	"seller_org_id" text NOT NULL,
	"category_id" text REFERENCES "categories"("id"),
	"listing_id" text REFERENCES "listings"("id") ON DELETE cascade,
	"kind" text NOT NULL,
	"price_fen" bigint,
	"adjust_bps" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_list_rules_list_fk" FOREIGN KEY ("price_list_id", "seller_org_id")
		REFERENCES "price_lists"("id", "seller_org_id") ON DELETE cascade,
	CONSTRAINT "price_list_rules_one_scope" CHECK (("category_id" IS NULL) <> ("listing_id" IS NULL)),
	CONSTRAINT "price_list_rules_kind" CHECK ("kind" in ('fixed', 'tier_pct', 'reference_pct')),
	CONSTRAINT "price_list_rules_amount" CHECK (
		("kind" = 'fixed' AND "price_fen" > 0 AND "price_fen" <= 100000000 AND "adjust_bps" IS NULL)
		OR ("kind" = 'tier_pct' AND "price_fen" IS NULL AND "adjust_bps" between -9000 and -1)
		OR ("kind" = 'reference_pct' AND "price_fen" IS NULL AND "adjust_bps" between -9000 and 10000)
	)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "price_list_rules_lot_key" ON "price_list_rules" USING btree ("price_list_id", "listing_id") WHERE "listing_id" IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX "price_list_rules_category_key" ON "price_list_rules" USING btree ("price_list_id", "category_id") WHERE "category_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "price_list_rules_listing_idx" ON "price_list_rules" USING btree ("listing_id") WHERE "listing_id" IS NOT NULL;
--> statement-breakpoint
-- A rule for a lot names a lot of the list's own seller: checked here, whoever writes the row.
CREATE FUNCTION price_list_rules_own_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.listing_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM listings WHERE id = NEW.listing_id AND seller_org_id = NEW.seller_org_id
  ) THEN
    RAISE EXCEPTION 'price list rule names a lot of another seller' USING ERRCODE = '23514',
      CONSTRAINT = 'price_list_rules_own_lot';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER price_list_rules_own_lot BEFORE INSERT OR UPDATE ON price_list_rules
	FOR EACH ROW EXECUTE FUNCTION price_list_rules_own_lot();
--> statement-breakpoint
CREATE TABLE "buyer_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"seller_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buyer_groups_name_present" CHECK (length(trim("name")) between 1 and 80),
	CONSTRAINT "buyer_groups_id_seller_key" UNIQUE ("id", "seller_org_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "buyer_groups_name_key" ON "buyer_groups" USING btree ("seller_org_id", lower("name"));
--> statement-breakpoint
CREATE TABLE "buyer_group_members" (
	"group_id" text NOT NULL,
	"seller_org_id" text NOT NULL,
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	CONSTRAINT "buyer_group_members_pkey" PRIMARY KEY ("group_id", "buyer_org_id"),
	CONSTRAINT "buyer_group_members_group_fk" FOREIGN KEY ("group_id", "seller_org_id")
		REFERENCES "buyer_groups"("id", "seller_org_id") ON DELETE cascade,
	CONSTRAINT "buyer_group_members_not_self" CHECK ("buyer_org_id" <> "seller_org_id")
);
