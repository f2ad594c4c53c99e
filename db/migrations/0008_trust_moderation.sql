CREATE TYPE "public"."application_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."report_status" AS ENUM('open', 'upheld', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."report_subject" AS ENUM('listing', 'org');--> statement-breakpoint
CREATE TYPE "public"."sanction_kind" AS ENUM('suspend', 'ban');--> statement-breakpoint
CREATE TYPE "public"."screening_kind" AS ENUM('banned_word', 'price_outlier', 'duplicate');--> statement-breakpoint
CREATE TABLE "banned_words" (
	"id" text PRIMARY KEY NOT NULL,
	"word" text NOT NULL,
	"lang" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "banned_words_word_unique" UNIQUE("word"),
	CONSTRAINT "banned_words_lang" CHECK ("banned_words"."lang" in ('zh', 'en')),
	CONSTRAINT "banned_words_present" CHECK (length("banned_words"."word") > 0)
);
--> statement-breakpoint
CREATE TABLE "credit_history" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"score" integer NOT NULL,
	"quality_class" text NOT NULL,
	"factors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"trigger" text NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_history_score_range" CHECK ("credit_history"."score" between 0 and 100),
	CONSTRAINT "credit_history_quality_class" CHECK ("credit_history"."quality_class" in ('A', 'B', 'C'))
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"order_id" text PRIMARY KEY NOT NULL,
	"buyer_org_id" text NOT NULL,
	"seller_org_id" text NOT NULL,
	"stars" integer NOT NULL,
	"comment" text,
	"rated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ratings_stars_range" CHECK ("ratings"."stars" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" text PRIMARY KEY NOT NULL,
	"reporter_user_id" text NOT NULL,
	"subject_type" "report_subject" NOT NULL,
	"listing_id" text,
	"org_id" text NOT NULL,
	"reason" text NOT NULL,
	"status" "report_status" DEFAULT 'open' NOT NULL,
	"outcome" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reports_reason_present" CHECK (length(trim("reports"."reason")) > 0),
	CONSTRAINT "reports_listing_subject" CHECK (("reports"."subject_type" = 'listing') = ("reports"."listing_id" is not null)),
	CONSTRAINT "reports_resolved_has_outcome" CHECK ("reports"."status" = 'open' or "reports"."outcome" is not null)
);
--> statement-breakpoint
CREATE TABLE "sanctions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" "sanction_kind" NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ends_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_by" text,
	CONSTRAINT "sanctions_reason_present" CHECK (length(trim("sanctions"."reason")) > 0),
	CONSTRAINT "sanctions_suspension_ends" CHECK (("sanctions"."kind" = 'suspend') = ("sanctions"."ends_at" is not null) and ("sanctions"."ends_at" is null or "sanctions"."ends_at" > "sanctions"."starts_at"))
);
--> statement-breakpoint
CREATE TABLE "screening_flags" (
	"id" text PRIMARY KEY NOT NULL,
	"listing_id" text NOT NULL,
	"listing_version" integer NOT NULL,
	"kind" "screening_kind" NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text
);
--> statement-breakpoint
CREATE TABLE "verification_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"status" "application_status" DEFAULT 'pending' NOT NULL,
	"legal_name" text NOT NULL,
	"licence_number" text NOT NULL,
	"address" text NOT NULL,
	"licence_key" text NOT NULL,
	"licence_type" text NOT NULL,
	"licence_bytes" integer NOT NULL,
	"submitted_by" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "verification_rejection_has_reason" CHECK ("verification_applications"."status" <> 'rejected' or length(trim(coalesce("verification_applications"."reason", ''))) > 0)
);
--> statement-breakpoint
ALTER TABLE "banned_words" ADD CONSTRAINT "banned_words_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_history" ADD CONSTRAINT "credit_history_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_buyer_org_id_organisations_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_seller_org_id_organisations_id_fk" FOREIGN KEY ("seller_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_rated_by_users_id_fk" FOREIGN KEY ("rated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_reporter_user_id_users_id_fk" FOREIGN KEY ("reporter_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_lifted_by_users_id_fk" FOREIGN KEY ("lifted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_flags" ADD CONSTRAINT "screening_flags_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_flags" ADD CONSTRAINT "screening_flags_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_applications" ADD CONSTRAINT "verification_applications_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_applications" ADD CONSTRAINT "verification_applications_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_applications" ADD CONSTRAINT "verification_applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_history_org_idx" ON "credit_history" USING btree ("org_id","computed_at");--> statement-breakpoint
CREATE INDEX "ratings_seller_idx" ON "ratings" USING btree ("seller_org_id","created_at");--> statement-breakpoint
CREATE INDEX "reports_open_idx" ON "reports" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "reports_reporter_idx" ON "reports" USING btree ("reporter_user_id","created_at");--> statement-breakpoint
CREATE INDEX "sanctions_org_idx" ON "sanctions" USING btree ("org_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "screening_flags_version_kind_key" ON "screening_flags" USING btree ("listing_id","listing_version","kind");--> statement-breakpoint
CREATE INDEX "screening_flags_open_idx" ON "screening_flags" USING btree ("listing_id") WHERE "screening_flags"."resolved_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "verification_one_pending_key" ON "verification_applications" USING btree ("org_id") WHERE "verification_applications"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "verification_status_idx" ON "verification_applications" USING btree ("status","created_at");