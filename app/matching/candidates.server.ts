// Candidate search for matching: the few lots (or demands) that can score above 0, found by an index, not a scan.
import { type SQL, and, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type Demand, demands, listings, organisations, priceTiers } from '../../db/schema';
import { cityById, cityOf } from '../geo/cities';
import {
  ACCEPTED_COLD_CHAIN,
  type ColdChain,
  type DemandSpec,
  type ScoredDemand,
  type ScoredListing,
} from './score';

/** A lot as the matcher reads it: what the score needs, and what a match row or notification names. */
export type CandidateListing = ScoredListing & {
  id: string;
  sellerOrgId: string;
  title: string;
  /** The seller org is verified (demands for verified sellers only see these). */
  verified: boolean;
};

export type CandidateDemand = ScoredDemand & {
  id: string;
  buyerOrgId: string;
  title: string;
  visibility: 'all' | 'verified';
};

const tiersJson = sql<
  { minQuantity: number; unitPriceFen: number }[]
>`coalesce((select json_agg(json_build_object('minQuantity', ${priceTiers.minQuantity}, 'unitPriceFen', ${priceTiers.unitPriceFen})) from ${priceTiers} where ${priceTiers.listingId} = ${listings.id}), '[]'::json)`;

const listingColumns = {
  id: listings.id,
  sellerOrgId: listings.sellerOrgId,
  titleZh: listings.titleZh,
  titleEn: listings.titleEn,
  categoryId: listings.categoryId,
  coldChain: listings.coldChain,
  spec: listings.spec,
  quantityAvailable: listings.quantityAvailable,
  minOrderQuantity: listings.minOrderQuantity,
  pickupPlace: listings.pickupPlace,
  harvestDate: listings.harvestDate,
  shelfLifeDays: listings.shelfLifeDays,
  expiresAt: listings.expiresAt,
  sellerCity: organisations.city,
  sellerCredit: organisations.creditScore,
  verification: organisations.verification,
  tiers: tiersJson,
};

type ListingRow = {
  id: string;
  sellerOrgId: string;
  titleZh: string | null;
  titleEn: string | null;
  categoryId: string;
  coldChain: ColdChain;
  spec: unknown;
  quantityAvailable: number;
  minOrderQuantity: number;
  pickupPlace: string;
  harvestDate: string;
  shelfLifeDays: number;
  expiresAt: Date;
  sellerCity: string | null;
  sellerCredit: number;
  verification: string;
  tiers: { minQuantity: number; unitPriceFen: number }[];
};

function toCandidate(row: ListingRow): CandidateListing {
  // The pickup place names where the goods leave from; failing that, the seller's own city.
  const place = cityOf(row.pickupPlace) ?? cityOf(row.sellerCity);
  return {
    id: row.id,
    sellerOrgId: row.sellerOrgId,
    title: row.titleZh ?? row.titleEn ?? row.id,
    verified: row.verification === 'verified',
    categoryId: row.categoryId,
    coldChain: row.coldChain,
    spec: (row.spec ?? {}) as Record<string, unknown>,
    quantityAvailable: Number(row.quantityAvailable),
    minOrderQuantity: Number(row.minOrderQuantity),
    tiers: row.tiers.map((t) => ({
      minQuantity: Number(t.minQuantity),
      unitPriceFen: Number(t.unitPriceFen),
    })),
    pickupPoint: place ? { lat: place.lat, lng: place.lng } : null,
    harvestDate: row.harvestDate,
    shelfLifeDays: row.shelfLifeDays,
    expiresAt: new Date(row.expiresAt),
    sellerCredit: row.sellerCredit,
  };
}

export function toCandidateDemand(demand: Demand): CandidateDemand {
  const city = cityById(demand.deliveryCityId);
  return {
    id: demand.id,
    buyerOrgId: demand.buyerOrgId,
    title: demand.title,
    visibility: demand.visibility,
    categoryId: demand.categoryId,
    coldChain: demand.coldChain,
    spec: (demand.spec ?? {}) as DemandSpec,
    quantity: demand.quantity,
    targetPriceFen: demand.targetPriceFen,
    deliveryPoint: city ? { lat: city.lat, lng: city.lng } : null,
  };
}

/**
 * Lots that can sell to anyone now: live, within shelf life, from an org not banned or suspended, and screened: the
 * version on the market is the one screening found clean (or an operator approved). A lot created, edited or
 * resubmitted is live before its screening runs (ADR 0016); until then no demand is matched to it (ADR 0034).
 */
function sellableNow(): SQL[] {
  return [
    eq(listings.status, 'live'),
    eq(listings.screenedVersion, listings.version),
    gt(listings.expiresAt, sql`now()`),
    sql`${organisations.bannedAt} is null`,
    sql`(${organisations.suspendedUntil} is null or ${organisations.suspendedUntil} <= now())`,
  ];
}

/**
 * The lots that can score above 0 for a demand: its category, a cold-chain class it accepts, live and
 * fresh, able to sell a quantity the demand can use, not the buyer's own, verified sellers only when
 * the demand asks. Served by listings_match_idx (category, cold chain, expiry; live lots only).
 */
export async function listingCandidates(tx: DbOrTx, demand: CandidateDemand): Promise<CandidateListing[]> {
  const conditions: SQL[] = [
    ...sellableNow(),
    eq(listings.categoryId, demand.categoryId),
    inArray(listings.coldChain, [...ACCEPTED_COLD_CHAIN[demand.coldChain]]),
    ne(listings.sellerOrgId, demand.buyerOrgId),
    lte(listings.minOrderQuantity, demand.quantity),
    sql`${listings.quantityAvailable} >= ${listings.minOrderQuantity}`,
  ];
  if (demand.visibility === 'verified') conditions.push(eq(organisations.verification, 'verified'));
  const rows = await tx
    .select(listingColumns)
    .from(listings)
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(and(...conditions));
  return rows.map((row) => toCandidate(row as ListingRow));
}

/** Every sellable lot of the market, for a full scan (the benchmark's baseline and the tests' direct computation). */
export async function allSellableListings(tx: DbOrTx): Promise<CandidateListing[]> {
  const rows = await tx
    .select(listingColumns)
    .from(listings)
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(and(...sellableNow()));
  return rows.map((row) => toCandidate(row as ListingRow));
}

/** Who may be matched with whom, beyond the goods: never an org with itself, and verified-only demands see verified sellers. */
export function mayMatch(demand: CandidateDemand, listing: CandidateListing): boolean {
  return demand.buyerOrgId !== listing.sellerOrgId && (demand.visibility === 'all' || listing.verified);
}

/** One lot as the matcher reads it, or null when it is not sellable now (gone, paused, expired, sold out). */
export async function sellableListing(tx: DbOrTx, listingId: string): Promise<CandidateListing | null> {
  const [row] = await tx
    .select(listingColumns)
    .from(listings)
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(and(eq(listings.id, listingId), ...sellableNow()));
  return row ? toCandidate(row as ListingRow) : null;
}

/** The demand classes that accept a lot of `coldChain`. */
function demandClassesAccepting(coldChain: ColdChain): ColdChain[] {
  return (Object.keys(ACCEPTED_COLD_CHAIN) as ColdChain[]).filter((d) =>
    ACCEPTED_COLD_CHAIN[d].includes(coldChain),
  );
}

/**
 * The open demands a lot can score above 0 for: the reverse of listingCandidates, served by
 * demands_match_idx (category, cold chain, expiry; open demands only).
 */
export async function demandCandidates(tx: DbOrTx, listing: CandidateListing): Promise<CandidateDemand[]> {
  const conditions: SQL[] = [
    eq(demands.status, 'open'),
    gt(demands.expiresAt, sql`now()`),
    eq(demands.categoryId, listing.categoryId),
    inArray(demands.coldChain, demandClassesAccepting(listing.coldChain)),
    ne(demands.buyerOrgId, listing.sellerOrgId),
    sql`${demands.quantity} >= ${listing.minOrderQuantity}`,
  ];
  if (!listing.verified) conditions.push(eq(demands.visibility, 'all'));
  const rows = await tx
    .select()
    .from(demands)
    .where(and(...conditions));
  return rows.map(toCandidateDemand);
}
