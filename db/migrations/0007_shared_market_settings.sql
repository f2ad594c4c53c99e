CREATE TABLE "cities" (
	"id" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"province" text NOT NULL,
	"region" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	CONSTRAINT "cities_name_zh_unique" UNIQUE("name_zh")
);
--> statement-breakpoint
CREATE TABLE "market_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"org_id" text,
	"min_role" text,
	"user_ids" text[],
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"link" text,
	"subject_type" text,
	"subject_id" text,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "credit_score" integer DEFAULT 70 NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "quality_class" text DEFAULT 'B' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "suspended_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "banned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "bid_increments" jsonb DEFAULT '[{"fromFen":0,"stepFen":10},{"fromFen":1000,"stepFen":50},{"fromFen":10000,"stepFen":100},{"fromFen":100000,"stepFen":1000}]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "soft_close_seconds" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "clock_step_fen" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "clock_tick_ms" integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "deposit_bps" integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "excursion_minutes" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "market_settings" ADD CONSTRAINT "market_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_events" ADD CONSTRAINT "notification_events_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_events_subject_idx" ON "notification_events" USING btree ("subject_type","subject_id");--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_credit_range" CHECK ("organisations"."credit_score" between 0 and 100);--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_quality_class" CHECK ("organisations"."quality_class" in ('A', 'B', 'C'));--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_soft_close_range" CHECK ("categories"."soft_close_seconds" between 0 and 3600);--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_clock_step_positive" CHECK ("categories"."clock_step_fen" > 0);--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_clock_tick_range" CHECK ("categories"."clock_tick_ms" between 100 and 60000);--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_deposit_range" CHECK ("categories"."deposit_bps" between 0 and 10000);--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_excursion_range" CHECK ("categories"."excursion_minutes" between 1 and 1440);