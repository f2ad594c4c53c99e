// Which lots a market search finds, reused by this web process while the market's search version is unchanged
// (ADR 0047). Only the page's lot ids in order and the count are kept: each view still reads the lots themselves
// (prices, quantities, photos, whether still live) fresh. The version is a sequence every committed change to
// what a search matches bumps (migration 0033), read with one cheap statement per search; a time limit
// (MARKET_SEARCH_CACHE_SECONDS) bounds what no write announces: a lot passing its expiry, the minimum-quantity
// filter after a buy, a search that ran while a bumping transaction was committing, and a view that joined a
// version read begun just before a commit.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { env } from '../lib/env.server';

export type SearchHits = { ids: string[]; count: number };

type Entry = { version: string; at: number; hits: Promise<SearchHits> };

/** Searches kept at most; the oldest goes first (a Map keeps insertion order, a hit moves to the end). */
const MAX_ENTRIES = 500;
const entries = new Map<string, Entry>();

/** The market's search version: changes whenever a commit changes what some search would find. */
export async function searchVersion(db: DbOrTx): Promise<string> {
  const [row] = await db.execute<{ v: string }>(
    sql`select last_value::text || ':' || is_called::text as v from market_search_version`,
  );
  return row?.v ?? '';
}

let versionRead: Promise<string> | null = null;

/** Views that arrive while a version read is on its way share it: under load one statement serves many views. */
function sharedVersion(db: DbOrTx): Promise<string> {
  if (!versionRead) {
    versionRead = searchVersion(db).finally(() => {
      versionRead = null;
    });
  }
  return versionRead;
}

/**
 * The hits for `key`: kept ones when found under the current version within the time limit, else `find()`'s,
 * kept for the next view. Concurrent views of one search share a single `find()`. A failed find is not kept.
 */
export async function cachedSearch(
  db: DbOrTx,
  key: string,
  find: () => Promise<SearchHits>,
  now = Date.now(),
): Promise<SearchHits> {
  const ttlMs = env().MARKET_SEARCH_CACHE_SECONDS * 1000;
  if (ttlMs === 0) return find();
  const version = await sharedVersion(db);
  const kept = entries.get(key);
  if (kept && kept.version === version && now - kept.at < ttlMs) {
    entries.delete(key);
    entries.set(key, kept);
    return kept.hits;
  }
  const entry: Entry = { version, at: now, hits: find() };
  entries.delete(key);
  entries.set(key, entry);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  entry.hits.catch(() => {
    if (entries.get(key) === entry) entries.delete(key);
  });
  return entry.hits;
}
