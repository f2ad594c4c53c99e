-- Which lots a market search finds is kept per web process while nothing that decides it has changed (issue #22,
-- `ssr-market`; ADR 0047). The market's search version is this sequence: every committed change to what a search
-- matches or how it orders the matches bumps it, at commit (deferred), whoever writes: the web, the workers, an
-- operator in psql. A sequence, not a counter row: writers never wait on each other for it.
-- Not bumped by quantity_available (a buy): the cards read quantities fresh; only the "minimum quantity" filter
-- may lag, by MARKET_SEARCH_CACHE_SECONDS at most.
CREATE SEQUENCE "market_search_version";
--> statement-breakpoint
CREATE FUNCTION market_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM nextval('market_search_version');
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER listings_search_insert AFTER INSERT OR DELETE ON listings
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION market_search_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER listings_search_update AFTER UPDATE ON listings
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status
		OR OLD.published_at IS DISTINCT FROM NEW.published_at
		OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
		OR OLD.search_vector IS DISTINCT FROM NEW.search_vector
		OR OLD.category_id IS DISTINCT FROM NEW.category_id
		OR OLD.spec IS DISTINCT FROM NEW.spec
		OR OLD.origin_region IS DISTINCT FROM NEW.origin_region
		OR OLD.cold_chain IS DISTINCT FROM NEW.cold_chain
		OR OLD.seller_org_id IS DISTINCT FROM NEW.seller_org_id)
	EXECUTE FUNCTION market_search_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER price_tiers_search AFTER INSERT OR UPDATE OR DELETE ON price_tiers
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION market_search_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER organisations_search AFTER UPDATE ON organisations
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
	WHEN (OLD.verification IS DISTINCT FROM NEW.verification)
	EXECUTE FUNCTION market_search_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER categories_search AFTER INSERT OR UPDATE OR DELETE ON categories
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION market_search_bump();
--> statement-breakpoint
CREATE TRIGGER listings_search_truncate AFTER TRUNCATE ON listings
	FOR EACH STATEMENT EXECUTE FUNCTION market_search_bump();
