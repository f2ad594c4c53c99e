-- 承诺达标合格证 (issue #16.2, ADR 0044): categories that require one, the certificates with their yearly
-- number counter, and a trigger that keeps a certificate's content unchanged and the row for six months.
ALTER TABLE "categories" ADD COLUMN "certificate_required" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE "certificate_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"listing_id" text,
	"org_id" text,
	"product_name" text NOT NULL,
	"quantity" numeric(14, 3) NOT NULL,
	"unit" "quantity_unit" NOT NULL,
	"origin" text NOT NULL,
	"production_date" date NOT NULL,
	"promising_party" text NOT NULL,
	"contact_phone" text,
	"commitments" text[] DEFAULT '{}'::text[] NOT NULL,
	"basis" text[] DEFAULT '{}'::text[] NOT NULL,
	"source" text NOT NULL,
	"file_key" text,
	"file_type" text,
	"parent_id" text,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "compliance_certificates_number_unique" UNIQUE("number"),
	CONSTRAINT "compliance_certificates_source" CHECK ("compliance_certificates"."source" in ('issued', 'uploaded')),
	CONSTRAINT "compliance_certificates_quantity" CHECK ("compliance_certificates"."quantity" > 0),
	CONSTRAINT "compliance_certificates_content" CHECK (("compliance_certificates"."source" = 'issued' and cardinality("compliance_certificates"."commitments") > 0 and "compliance_certificates"."contact_phone" is not null) or ("compliance_certificates"."source" = 'uploaded' and "compliance_certificates"."file_key" is not null))
);
--> statement-breakpoint
ALTER TABLE "compliance_certificates" ADD CONSTRAINT "compliance_certificates_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_certificates" ADD CONSTRAINT "compliance_certificates_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_certificates" ADD CONSTRAINT "compliance_certificates_parent_id_compliance_certificates_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."compliance_certificates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_certificates" ADD CONSTRAINT "compliance_certificates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compliance_certificates_listing_idx" ON "compliance_certificates" USING btree ("listing_id","issued_at");--> statement-breakpoint
CREATE INDEX "compliance_certificates_org_idx" ON "compliance_certificates" USING btree ("org_id","issued_at");--> statement-breakpoint
-- What was printed stays as printed: only revoked_at may be set (once), and the links may fall to null when
-- the lot, organisation, user or parent they name is erased. A DELETE waits six months after issue.
CREATE FUNCTION compliance_certificates_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.issued_at > now() - interval '6 months' THEN
			RAISE EXCEPTION 'certificate % is kept for six months after issue', OLD.number
				USING ERRCODE = 'restrict_violation';
		END IF;
		RETURN OLD;
	END IF;
	IF (to_jsonb(NEW) - ARRAY['revoked_at', 'listing_id', 'org_id', 'created_by', 'parent_id'])
			IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['revoked_at', 'listing_id', 'org_id', 'created_by', 'parent_id'])
		OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
		OR (NEW.listing_id IS DISTINCT FROM OLD.listing_id AND NEW.listing_id IS NOT NULL)
		OR (NEW.org_id IS DISTINCT FROM OLD.org_id AND NEW.org_id IS NOT NULL)
		OR (NEW.created_by IS DISTINCT FROM OLD.created_by AND NEW.created_by IS NOT NULL)
		OR (NEW.parent_id IS DISTINCT FROM OLD.parent_id AND NEW.parent_id IS NOT NULL) THEN
		RAISE EXCEPTION 'certificate % is issued: only its revocation may be recorded', OLD.number
			USING ERRCODE = 'restrict_violation';
	END IF;
	RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER compliance_certificates_guard BEFORE UPDATE OR DELETE ON compliance_certificates
	FOR EACH ROW EXECUTE FUNCTION compliance_certificates_guard();
