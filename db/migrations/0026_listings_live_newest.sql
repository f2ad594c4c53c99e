-- The market's default order (newest first) from an index (issue #22, `ssr-market`): without it every view of the
-- market's first page read and sorted every live lot (a parallel seq scan and top-N sort of 44,000 lots).
CREATE INDEX "listings_live_newest_idx" ON "listings" ("published_at" DESC NULLS LAST, "id" DESC) WHERE "status" = 'live';
