-- Seller files (issue #16.3): the file the operator keeps for every seller, kept six months after the seller stops.
CREATE TABLE "seller_files" (
	"org_id" text PRIMARY KEY NOT NULL,
	"legal_name" text NOT NULL,
	"contact_name" text NOT NULL,
	"contact_phone" text NOT NULL,
	"id_kind" text NOT NULL,
	"id_number" text NOT NULL,
	"address" text NOT NULL,
	"product_types" text NOT NULL,
	"supply_channel" text NOT NULL,
	"origin" text NOT NULL,
	"certificates" text DEFAULT '' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "seller_files_id_kind" CHECK ("seller_files"."id_kind" in ('credit_code', 'id_card')),
	CONSTRAINT "seller_files_supply_channel" CHECK ("seller_files"."supply_channel" in ('own_production', 'purchase', 'wholesale', 'import'))
);
--> statement-breakpoint
ALTER TABLE "seller_files" ADD CONSTRAINT "seller_files_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seller_files" ADD CONSTRAINT "seller_files_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "seller_files_stopped_idx" ON "seller_files" USING btree ("stopped_at");--> statement-breakpoint
-- The rules ask for the file to be kept six months after the seller stops (its own date, or the org's ban):
-- no delete before then, whatever the caller.
CREATE FUNCTION seller_files_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	stopped timestamptz;
BEGIN
	SELECT coalesce(OLD.stopped_at, o.banned_at) INTO stopped FROM organisations o WHERE o.id = OLD.org_id;
	IF stopped IS NULL OR stopped > now() - interval '6 months' THEN
		RAISE EXCEPTION 'seller file % is kept until six months after the seller stops', OLD.org_id
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER seller_files_keep BEFORE DELETE ON seller_files FOR EACH ROW EXECUTE FUNCTION seller_files_keep();
