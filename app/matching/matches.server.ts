// Storing matches: the top lots of a demand and the top demands of a lot, recomputed when either changes, strong new ones notified once.
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { demands, matches, notificationEvents, notifications } from '../../db/schema';
import { getMarketSetting } from '../market/settings.server';
import { notify } from '../notify/notify.server';
import {
  type CandidateDemand,
  type CandidateListing,
  demandCandidates,
  listingCandidates,
  mayMatch,
  sellableListing,
  toCandidateDemand,
} from './candidates.server';
import { type MatchScore, roundedParts, scoreMatch } from './score';

/** Matches kept per demand (lots that fit it) and per lot (demands it fits). */
export const TOP_N = 20;
/** At most this many strong matches are announced per recomputation: a buyer wants the best few, not twenty messages. */
export const NOTIFY_TOP = 3;

export type RankedMatch = { demand: CandidateDemand; listing: CandidateListing; result: MatchScore };

/** Best first; equal scores by lot id then demand id, so a recomputation stores the same rows. */
function byScore(a: RankedMatch, b: RankedMatch): number {
  return (
    b.result.score - a.result.score ||
    a.listing.id.localeCompare(b.listing.id) ||
    a.demand.id.localeCompare(b.demand.id)
  );
}

/** The top N lots for a demand among `listings`, score above 0 (the same ranking for indexed and full-scan candidates). */
export function rankListings(
  demand: CandidateDemand,
  listings: readonly CandidateListing[],
  now = new Date(),
  n = TOP_N,
): RankedMatch[] {
  const ranked: RankedMatch[] = [];
  for (const listing of listings) {
    if (!mayMatch(demand, listing)) continue;
    const result = scoreMatch(demand, listing, now);
    if (result.score > 0) ranked.push({ demand, listing, result });
  }
  return ranked.sort(byScore).slice(0, n);
}

function rankDemands(
  listing: CandidateListing,
  candidates: readonly CandidateDemand[],
  now: Date,
): RankedMatch[] {
  const ranked: RankedMatch[] = [];
  for (const demand of candidates) {
    if (!mayMatch(demand, listing)) continue;
    const result = scoreMatch(demand, listing, now);
    if (result.score > 0) ranked.push({ demand, listing, result });
  }
  return ranked.sort(byScore).slice(0, TOP_N);
}

async function upsert(tx: DbOrTx, ranked: RankedMatch[]): Promise<void> {
  if (ranked.length === 0) return;
  await tx
    .insert(matches)
    .values(
      ranked.map(({ demand, listing, result }) => ({
        demandId: demand.id,
        listingId: listing.id,
        score: result.score,
        parts: { ...roundedParts(result.parts), unitPriceFen: result.unitPriceFen },
        distanceKm: result.distanceKm === null ? null : Math.round(result.distanceKm),
      })),
    )
    .onConflictDoUpdate({
      target: [matches.demandId, matches.listingId],
      set: {
        score: sql`excluded.score`,
        parts: sql`excluded.parts`,
        distanceKm: sql`excluded.distance_km`,
        computedAt: sql`now()`,
      },
    });
}

/**
 * Tells both sides of each of the best few matches at or above the operator's threshold, once per (demand, lot, org):
 * the dedupe key outlives edits, so a demand edited ten times does not notify ten times.
 */
async function notifyStrong(tx: DbOrTx, ranked: RankedMatch[]): Promise<number> {
  const threshold = await getMarketSetting(tx, 'matchNotifyThreshold');
  let raised = 0;
  for (const { demand, listing, result } of ranked.slice(0, NOTIFY_TOP)) {
    if (result.score < threshold) continue;
    const params = { demand: demand.title, listing: listing.title, score: result.score };
    const link = `/demands/${demand.id}`;
    for (const orgId of [demand.buyerOrgId, listing.sellerOrgId]) {
      const id = await notify(tx, {
        type: 'demand-matched',
        orgId,
        minRole: 'trader',
        params,
        link,
        subject: { type: 'demand', id: demand.id },
        dedupeKey: `match:${demand.id}:${listing.id}:${orgId}`,
      });
      if (id) raised += 1;
    }
  }
  return raised;
}

/** Serializes recomputations of one subject, so two jobs for the same demand (or lot) never interleave. */
async function lockSubject(tx: DbOrTx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}

/**
 * Recomputes the lots that fit a demand: a closed or expired demand keeps none; an open one keeps its
 * top N, found through the indexed candidate search. Idempotent: a second run stores the same rows.
 */
export async function recomputeDemandMatches(
  tx: DbOrTx,
  demandId: string,
  now = new Date(),
  /** Where candidates come from; the benchmark swaps in a full scan to time the same work without the index. */
  candidates: (tx: DbOrTx, demand: CandidateDemand) => Promise<CandidateListing[]> = listingCandidates,
): Promise<{ stored: number; notified: number }> {
  await lockSubject(tx, `match:demand:${demandId}`);
  const [row] = await tx.select().from(demands).where(eq(demands.id, demandId));
  if (!row || row.status !== 'open' || row.expiresAt <= now) {
    await tx.delete(matches).where(eq(matches.demandId, demandId));
    return { stored: 0, notified: 0 };
  }
  const demand = toCandidateDemand(row);
  const ranked = rankListings(demand, await candidates(tx, demand), now);
  const keep = ranked.map((m) => m.listing.id);
  await tx
    .delete(matches)
    .where(
      keep.length > 0
        ? and(eq(matches.demandId, demandId), notInArray(matches.listingId, keep))
        : eq(matches.demandId, demandId),
    );
  await upsert(tx, ranked);
  return { stored: ranked.length, notified: await notifyStrong(tx, ranked) };
}

/** Recomputes the demands a lot fits: a lot no longer on sale keeps none; a live one its top N. */
export async function recomputeListingMatches(
  tx: DbOrTx,
  listingId: string,
  now = new Date(),
): Promise<{ stored: number; notified: number }> {
  await lockSubject(tx, `match:listing:${listingId}`);
  const listing = await sellableListing(tx, listingId);
  if (!listing) {
    await tx.delete(matches).where(eq(matches.listingId, listingId));
    return { stored: 0, notified: 0 };
  }
  const ranked = rankDemands(listing, await demandCandidates(tx, listing), now);
  const keep = ranked.map((m) => m.demand.id);
  await tx
    .delete(matches)
    .where(
      keep.length > 0
        ? and(eq(matches.listingId, listingId), notInArray(matches.demandId, keep))
        : eq(matches.listingId, listingId),
    );
  await upsert(tx, ranked);
  return { stored: ranked.length, notified: await notifyStrong(tx, ranked) };
}

/**
 * Takes back what matching said about a lot that screening took to review or an operator rejected or removed: its
 * stored matches, and the demand-matched notices both sides got (the events, their deliveries not yet sent and the
 * inbox items). A lot approved later is matched, and announced, afresh.
 */
export async function withdrawListingMatches(tx: DbOrTx, listingId: string): Promise<number> {
  await lockSubject(tx, `match:listing:${listingId}`);
  await tx.delete(matches).where(eq(matches.listingId, listingId));
  // Dedupe keys read match:<demand>:<listing>:<org> (notifyStrong above).
  const events = await tx
    .delete(notificationEvents)
    .where(
      and(
        eq(notificationEvents.type, 'demand-matched'),
        sql`split_part(${notificationEvents.dedupeKey}, ':', 1) = 'match'`,
        sql`split_part(${notificationEvents.dedupeKey}, ':', 3) = ${listingId}`,
      ),
    )
    .returning({ id: notificationEvents.id });
  for (const { id } of events)
    await tx.delete(notifications).where(sql`split_part(${notifications.dedupeKey}, ':', 1) = ${id}`);
  return events.length;
}
