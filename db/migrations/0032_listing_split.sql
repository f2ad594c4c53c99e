-- Splitting and repacking lots (issue #16.2): a lot remembers the lot it came from, so its certificate can name
-- its parent and screening does not take the two for duplicates.
ALTER TABLE "listings" ADD COLUMN "split_from" text;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_split_from_listings_id_fk" FOREIGN KEY ("split_from") REFERENCES "public"."listings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "listings_split_from_idx" ON "listings" USING btree ("split_from") WHERE "split_from" IS NOT NULL;
