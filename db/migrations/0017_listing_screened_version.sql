-- Which version of a listing screening last found clean (or an operator approved): matching considers a lot only
-- while this equals its current version, so a lot edited, created or resubmitted is matched from neither side
-- until its screening has run (ADR 0034). Null: the current version has not been screened clean.
ALTER TABLE "listings" ADD COLUMN "screened_version" integer;--> statement-breakpoint
-- Lots already on the market were screened under the old rule (screening before matching): their current
-- version counts as screened unless it has open flags.
UPDATE "listings" l SET "screened_version" = l."version"
WHERE l."status" IN ('live', 'paused', 'sold_out', 'expired')
  AND NOT EXISTS (
    SELECT 1 FROM "screening_flags" f
    WHERE f."listing_id" = l."id" AND f."listing_version" = l."version" AND f."resolved_at" IS NULL
  );
