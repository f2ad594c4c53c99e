-- Trade fairs (issue #19): fairs, their booths as data, booth applications and allocation, fair-only prices,
-- exhibitors' meeting slots and buyers' appointments, visitor badges (with consent), leads and booth visits.
-- Exclusive allocation and non-overlapping meetings are constraints (ADR 0049), not checks in code.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
CREATE TABLE "fairs" (
	"id" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"hall" text NOT NULL,
	"online_opens" text DEFAULT '08:00' NOT NULL,
	"online_closes" text DEFAULT '20:00' NOT NULL,
	"featured_category_ids" text[] DEFAULT '{}' NOT NULL,
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fairs_dates_ordered" CHECK ("ends_on" >= "starts_on"),
	CONSTRAINT "fairs_name_present" CHECK (length(trim("name_zh")) > 0 AND length(trim("name_en")) > 0),
	CONSTRAINT "fairs_online_hours" CHECK ("online_opens" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "online_closes" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "online_opens" < "online_closes")
);
--> statement-breakpoint
CREATE INDEX "fairs_dates_idx" ON "fairs" USING btree ("starts_on", "ends_on");
--> statement-breakpoint
CREATE TABLE "fair_booths" (
	"id" text PRIMARY KEY NOT NULL,
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"number" text NOT NULL,
	"zone" text NOT NULL,
	"width_m" integer NOT NULL,
	"depth_m" integer NOT NULL,
	"price_fen" bigint NOT NULL,
	"grid_row" integer NOT NULL,
	"grid_col" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_booths_number_shape" CHECK ("number" ~ '^[A-Za-z0-9-]{1,12}$'),
	CONSTRAINT "fair_booths_size_positive" CHECK ("width_m" between 1 and 100 AND "depth_m" between 1 and 100),
	CONSTRAINT "fair_booths_price" CHECK ("price_fen" >= 0),
	CONSTRAINT "fair_booths_grid" CHECK ("grid_row" between 0 and 99 AND "grid_col" between 0 and 99)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "fair_booths_number_key" ON "fair_booths" USING btree ("fair_id", "number");
--> statement-breakpoint
CREATE UNIQUE INDEX "fair_booths_grid_key" ON "fair_booths" USING btree ("fair_id", "grid_row", "grid_col");
--> statement-breakpoint
CREATE TABLE "fair_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"org_id" text NOT NULL REFERENCES "organisations"("id"),
	"wanted_zone" text,
	"pitch" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"booth_id" text REFERENCES "fair_booths"("id"),
	"fee_ledger_tx_id" text,
	"applied_by" text NOT NULL REFERENCES "users"("id"),
	"decided_by" text REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_applications_status" CHECK ("status" in ('pending', 'allocated', 'rejected', 'withdrawn')),
	CONSTRAINT "fair_applications_allocated_has_booth" CHECK (("status" = 'allocated') = ("booth_id" is not null))
);
--> statement-breakpoint
-- A booth goes to one exhibitor; an org holds one live application (and so at most one booth) per fair.
CREATE UNIQUE INDEX "fair_applications_booth_key" ON "fair_applications" USING btree ("booth_id") WHERE "status" = 'allocated';
--> statement-breakpoint
CREATE UNIQUE INDEX "fair_applications_org_key" ON "fair_applications" USING btree ("fair_id", "org_id") WHERE "status" in ('pending', 'allocated');
--> statement-breakpoint
CREATE TABLE "fair_prices" (
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"listing_id" text NOT NULL REFERENCES "listings"("id") ON DELETE cascade,
	"org_id" text NOT NULL REFERENCES "organisations"("id"),
	"price_fen" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_prices_pkey" PRIMARY KEY ("fair_id", "listing_id"),
	CONSTRAINT "fair_prices_positive" CHECK ("price_fen" > 0)
);
--> statement-breakpoint
CREATE INDEX "fair_prices_listing_idx" ON "fair_prices" USING btree ("listing_id");
--> statement-breakpoint
CREATE TABLE "fair_slots" (
	"id" text PRIMARY KEY NOT NULL,
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"org_id" text NOT NULL REFERENCES "organisations"("id"),
	"during" tstzrange NOT NULL,
	"mode" text NOT NULL,
	"created_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_slots_mode" CHECK ("mode" in ('hall', 'video', 'either')),
	CONSTRAINT "fair_slots_bounded" CHECK (NOT isempty("during") AND NOT lower_inf("during") AND NOT upper_inf("during")),
	-- An exhibitor's free slots never overlap one another.
	CONSTRAINT "fair_slots_no_overlap" EXCLUDE USING gist ("org_id" WITH =, "during" WITH &&)
);
--> statement-breakpoint
CREATE TABLE "fair_appointments" (
	"id" text PRIMARY KEY NOT NULL,
	"slot_id" text NOT NULL REFERENCES "fair_slots"("id"),
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"exhibitor_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"buyer_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"booked_by" text NOT NULL REFERENCES "users"("id"),
	"during" tstzrange NOT NULL,
	"mode" text NOT NULL,
	"status" text DEFAULT 'booked' NOT NULL,
	"cancelled_by_org_id" text REFERENCES "organisations"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_appointments_mode" CHECK ("mode" in ('hall', 'video')),
	CONSTRAINT "fair_appointments_status" CHECK ("status" in ('booked', 'cancelled')),
	CONSTRAINT "fair_appointments_parties" CHECK ("exhibitor_org_id" <> "buyer_org_id"),
	-- A buyer org is in one meeting at a time.
	CONSTRAINT "fair_appointments_buyer_no_overlap" EXCLUDE USING gist ("buyer_org_id" WITH =, "during" WITH &&) WHERE ("status" = 'booked')
);
--> statement-breakpoint
-- A slot is booked once (a cancelled booking frees it).
CREATE UNIQUE INDEX "fair_appointments_slot_key" ON "fair_appointments" USING btree ("slot_id") WHERE "status" = 'booked';
--> statement-breakpoint
CREATE INDEX "fair_appointments_exhibitor_idx" ON "fair_appointments" USING btree ("fair_id", "exhibitor_org_id");
--> statement-breakpoint
CREATE INDEX "fair_appointments_buyer_idx" ON "fair_appointments" USING btree ("buyer_org_id");
--> statement-breakpoint
CREATE TABLE "fair_badges" (
	"token" text PRIMARY KEY NOT NULL,
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"user_id" text NOT NULL REFERENCES "users"("id"),
	"org_id" text NOT NULL REFERENCES "organisations"("id"),
	"consented_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "fair_badges_user_key" ON "fair_badges" USING btree ("fair_id", "user_id", "org_id");
--> statement-breakpoint
CREATE TABLE "fair_leads" (
	"id" text PRIMARY KEY NOT NULL,
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"exhibitor_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"visitor_org_id" text NOT NULL REFERENCES "organisations"("id"),
	"badge_token" text NOT NULL REFERENCES "fair_badges"("token") ON DELETE cascade,
	"captured_by" text NOT NULL REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_leads_parties" CHECK ("exhibitor_org_id" <> "visitor_org_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "fair_leads_once_key" ON "fair_leads" USING btree ("fair_id", "exhibitor_org_id", "visitor_org_id");
--> statement-breakpoint
-- A lead exists only for a badge whose visitor has consented (withdrawing consent deletes the badge's leads in the same step).
CREATE FUNCTION fair_leads_need_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM fair_badges b WHERE b.token = NEW.badge_token AND b.consented_at IS NOT NULL AND b.org_id = NEW.visitor_org_id) THEN
		RAISE EXCEPTION 'a lead needs the visitor''s consent' USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER fair_leads_need_consent BEFORE INSERT OR UPDATE ON fair_leads FOR EACH ROW EXECUTE FUNCTION fair_leads_need_consent();
--> statement-breakpoint
CREATE TABLE "fair_visits" (
	"id" text PRIMARY KEY NOT NULL,
	"fair_id" text NOT NULL REFERENCES "fairs"("id") ON DELETE cascade,
	"booth_id" text NOT NULL REFERENCES "fair_booths"("id") ON DELETE cascade,
	"visitor_org_id" text REFERENCES "organisations"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "fair_visits_booth_idx" ON "fair_visits" USING btree ("fair_id", "booth_id");
