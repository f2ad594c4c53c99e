-- Invoices as documents (issue #16.4, ADR 0041): an issued invoice is a frozen snapshot with a 20-digit fiscal
-- number, gap-free per issuer and year; a correction is a red-letter credit note plus a re-issued invoice,
-- never an edit; nothing issued is ever deleted.
CREATE TABLE "fiscal_counters" (
  "seller_org_id" text NOT NULL REFERENCES "organisations"("id"),
  "year" integer NOT NULL,
  "last_number" bigint NOT NULL DEFAULT 0,
  PRIMARY KEY ("seller_org_id", "year")
);--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "kind" text NOT NULL DEFAULT 'invoice';--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "refers_to" text REFERENCES "invoices"("id");--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "fiscal_number" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "document" jsonb;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "pdf_hashes" jsonb NOT NULL DEFAULT '{}'::jsonb;--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT IF EXISTS "invoices_order_id_unique";--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_kind" CHECK ("kind" IN ('invoice', 'credit_note'));--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_credit_note_shape" CHECK (
  "kind" <> 'credit_note' OR ("refers_to" IS NOT NULL AND length(trim(coalesce("reason", ''))) > 0 AND "total_fen" <= 0)
);--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_fiscal_number_shape" CHECK ("fiscal_number" ~ '^[0-9]{20}$');--> statement-breakpoint
-- One original invoice per order; a credited invoice has one credit note and one replacement, each once.
CREATE UNIQUE INDEX "invoices_one_original_per_order" ON "invoices" ("order_id") WHERE "refers_to" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_one_of_each_per_reference" ON "invoices" ("refers_to", "kind") WHERE "refers_to" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "invoices_order_idx" ON "invoices" ("order_id", "issued_at");--> statement-breakpoint
-- Invoices issued before this migration get fiscal numbers in the order they were issued, per seller and market
-- year; the region is the seller's province by its city (GB/T 2260), the market's (广东, 44) when unknown.
WITH numbered AS (
  SELECT i."id", i."seller_org_id",
    extract(year FROM i."issued_at" AT TIME ZONE 'Asia/Shanghai')::int AS "year",
    CASE c."province" WHEN '广西' THEN '45' WHEN '海南' THEN '46' ELSE '44' END AS "region",
    row_number() OVER (
      PARTITION BY i."seller_org_id", extract(year FROM i."issued_at" AT TIME ZONE 'Asia/Shanghai')
      ORDER BY i."issued_at", i."number"
    ) AS "seq"
  FROM "invoices" i
  JOIN "organisations" o ON o."id" = i."seller_org_id"
  LEFT JOIN "cities" c ON c."name_zh" = o."city"
)
UPDATE "invoices" i
SET "fiscal_number" = lpad((n."year" % 100)::text, 2, '0') || n."region" || '0' || lpad(n."seq"::text, 15, '0')
FROM numbered n WHERE n."id" = i."id";--> statement-breakpoint
INSERT INTO "fiscal_counters" ("seller_org_id", "year", "last_number")
SELECT "seller_org_id", extract(year FROM "issued_at" AT TIME ZONE 'Asia/Shanghai')::int, count(*)
FROM "invoices" GROUP BY 1, 2;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "fiscal_number" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_fiscal_number_key" ON "invoices" ("fiscal_number");--> statement-breakpoint
-- Issued means frozen: only a missing snapshot (invoices from before snapshots) may be filled in once, and PDF
-- hashes only added; no invoice is ever deleted.
CREATE FUNCTION "invoices_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'an issued invoice is never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW."id", NEW."order_id", NEW."seller_org_id", NEW."number", NEW."total_fen", NEW."fee_fen", NEW."currency",
      NEW."issued_at", NEW."kind", NEW."refers_to", NEW."reason", NEW."fiscal_number")
     IS DISTINCT FROM
     (OLD."id", OLD."order_id", OLD."seller_org_id", OLD."number", OLD."total_fen", OLD."fee_fen", OLD."currency",
      OLD."issued_at", OLD."kind", OLD."refers_to", OLD."reason", OLD."fiscal_number")
     OR (OLD."document" IS NOT NULL AND NEW."document" IS DISTINCT FROM OLD."document")
     OR NOT (NEW."pdf_hashes" @> OLD."pdf_hashes") THEN
    RAISE EXCEPTION 'an issued invoice never changes; issue a credit note instead' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "invoices_frozen" BEFORE UPDATE OR DELETE ON "invoices"
FOR EACH ROW EXECUTE FUNCTION "invoices_frozen"();
