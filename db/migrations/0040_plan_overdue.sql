-- A harvest plan whose window passed by more than its material days without a harvest (ADR 0053).
ALTER TABLE "harvest_plans" ADD COLUMN "overdue_since" date;--> statement-breakpoint
CREATE INDEX "harvest_plans_unharvested_idx" ON "harvest_plans" USING btree ("harvest_to") WHERE "harvest_plans"."status" in ('open', 'closed') and "harvest_plans"."overdue_since" is null;
