-- The matcher's candidate search (app/matching/candidates.server.ts): live lots of one category and
-- cold-chain class that are still within their shelf life. Partial, so sold-out, draft and expired
-- lots cost the index nothing.
CREATE INDEX IF NOT EXISTS "listings_match_idx" ON "listings" USING btree ("category_id", "cold_chain", "expires_at") WHERE "status" = 'live';
