// The matching score of a (demand, lot) pair: six visible parts, weighted into 0–100; pure, so tests and the worker agree.
import { startOfMarketDay } from '../lib/market-time';
import { unitPriceFor } from '../orders/pricing';

export type ColdChain = 'frozen' | 'chilled' | 'live' | 'ambient';

/** A wanted attribute: acceptable enum values, a number range, or text the lot's value must contain. */
export type WantedValue = string[] | { min?: number; max?: number } | string;
export type DemandSpec = Record<string, WantedValue>;

export type ScoredDemand = {
  categoryId: string;
  coldChain: ColdChain;
  spec: DemandSpec;
  /** Base units (grams or pieces). */
  quantity: number;
  /** Per kg or per piece; null when the buyer left the price open. */
  targetPriceFen: number | null;
  deliveryPoint: { lat: number; lng: number } | null;
};

export type ScoredListing = {
  categoryId: string;
  coldChain: ColdChain;
  spec: Record<string, unknown>;
  quantityAvailable: number;
  minOrderQuantity: number;
  tiers: readonly { minQuantity: number; unitPriceFen: number }[];
  /** The pickup place's city, or the seller org's; null when neither names a known place. */
  pickupPoint: { lat: number; lng: number } | null;
  /** YYYY-MM-DD, market time zone. */
  harvestDate: string;
  shelfLifeDays: number;
  expiresAt: Date;
  /** The seller org's credit score, 0–100. */
  sellerCredit: number;
};

export type ScoreParts = {
  spec: number;
  quantity: number;
  price: number;
  distance: number;
  freshness: number;
  credit: number;
};
export type PartName = keyof ScoreParts;

export type MatchScore = {
  /** 0 (no match) to 100. */
  score: number;
  /** Each 0–1: how well the lot does on that part. */
  parts: ScoreParts;
  /** The lot's price for the demand's quantity (its tier), per kg or piece; null without tiers. */
  unitPriceFen: number | null;
  distanceKm: number | null;
  /** Why the score is 0, when it is. */
  excluded: 'category' | 'coldChain' | 'quantity' | null;
};

/** How much each part weighs; they sum to 1. The spec counts most: a buyer names what it needs first. */
export const WEIGHTS: ScoreParts = {
  spec: 0.3,
  price: 0.2,
  quantity: 0.15,
  distance: 0.15,
  freshness: 0.1,
  credit: 0.1,
};

export const PART_NAMES = Object.keys(WEIGHTS) as PartName[];

/**
 * Which lot classes a demand's class accepts: live goods must arrive live and frozen stay frozen;
 * goods wanted at ambient temperature may come chilled (colder does them no harm), never the reverse.
 */
export const ACCEPTED_COLD_CHAIN: Record<ColdChain, readonly ColdChain[]> = {
  frozen: ['frozen'],
  chilled: ['chilled'],
  live: ['live'],
  ambient: ['ambient', 'chilled'],
};

/** Beyond this distance the distance part is 0 (a day's drive for a reefer truck). */
export const FAR_KM = 1000;
/** A price this far above the target (1.5×) scores 0 on price. */
export const PRICE_CEILING = 1.5;
/** Harvested this many days ago or more, the harvest half of freshness is 0. */
export const OLD_HARVEST_DAYS = 14;

const DAY_MS = 86_400_000;
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

export function isRange(wanted: WantedValue): wanted is { min?: number; max?: number } {
  return typeof wanted === 'object' && !Array.isArray(wanted);
}

/** One attribute: 1 when the lot's value is wanted, 0.5 when the lot does not say, less the further it is off. */
export function attributeFit(wanted: WantedValue, actual: unknown): number {
  if (actual === undefined || actual === null || actual === '') return 0.5;
  if (Array.isArray(wanted)) return wanted.length === 0 || wanted.includes(String(actual)) ? 1 : 0;
  if (isRange(wanted)) {
    const value = Number(actual);
    if (!Number.isFinite(value)) return 0;
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = wanted;
    if (value >= min && value <= max) return 1;
    const off = value < min ? min - value : value - max;
    const bound = Math.abs(value < min ? min : max);
    // A quarter of the bound away scores 0: 20 °Bx wanted, 15 °Bx is far; 1,000 g wanted, 990 g is near.
    return clamp01(1 - off / Math.max(1, bound * 0.25));
  }
  return String(actual).toLowerCase().includes(wanted.toLowerCase()) ? 1 : 0;
}

export function specFit(wanted: DemandSpec, actual: Record<string, unknown>): number {
  const keys = Object.keys(wanted);
  if (keys.length === 0) return 1;
  let sum = 0;
  for (const key of keys) sum += attributeFit(wanted[key], actual[key]);
  return sum / keys.length;
}

export function priceFit(targetFen: number | null, priceFen: number | null): number {
  if (targetFen === null) return 1;
  if (priceFen === null) return 0;
  if (priceFen <= targetFen) return 1;
  return clamp01((PRICE_CEILING * targetFen - priceFen) / ((PRICE_CEILING - 1) * targetFen));
}

export function distanceFit(km: number | null): number {
  return km === null ? 0.5 : clamp01(1 - km / FAR_KM);
}

export function freshnessFit(
  listing: Pick<ScoredListing, 'harvestDate' | 'shelfLifeDays' | 'expiresAt'>,
  now: Date,
) {
  const shelfLeft = clamp01((listing.expiresAt.getTime() - now.getTime()) / (listing.shelfLifeDays * DAY_MS));
  const harvested = /^\d{4}-\d{2}-\d{2}$/.test(listing.harvestDate)
    ? startOfMarketDay(listing.harvestDate).getTime()
    : Number.NaN;
  const age = Number.isNaN(harvested) ? OLD_HARVEST_DAYS : Math.max(0, (now.getTime() - harvested) / DAY_MS);
  return 0.6 * shelfLeft + 0.4 * clamp01(1 - age / OLD_HARVEST_DAYS);
}

/** Great-circle distance in km (the same formula as app/geo/cities.ts, kept here so this module stays pure). */
export function kmBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h =
    Math.sin(rad(b.lat - a.lat) / 2) ** 2 +
    Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const ZERO: ScoreParts = { spec: 0, quantity: 0, price: 0, distance: 0, freshness: 0, credit: 0 };

/**
 * Scores a lot against a demand. Another category, a cold-chain class the demand does not accept,
 * or a lot that cannot sell a quantity the demand can use (its MOQ above the demand or above its own
 * stock) scores 0. Otherwise each part is 0–1 and the score is their weighted sum × 100, rounded.
 */
export function scoreMatch(demand: ScoredDemand, listing: ScoredListing, now = new Date()): MatchScore {
  const excluded =
    demand.categoryId !== listing.categoryId
      ? 'category'
      : !ACCEPTED_COLD_CHAIN[demand.coldChain].includes(listing.coldChain)
        ? 'coldChain'
        : listing.minOrderQuantity > demand.quantity || listing.quantityAvailable < listing.minOrderQuantity
          ? 'quantity'
          : null;
  const distanceKm =
    demand.deliveryPoint && listing.pickupPoint ? kmBetween(listing.pickupPoint, demand.deliveryPoint) : null;
  const buyable = Math.min(demand.quantity, listing.quantityAvailable);
  const unitPriceFen = listing.tiers.length > 0 ? unitPriceFor(listing.tiers, buyable) : null;
  if (excluded) return { score: 0, parts: ZERO, unitPriceFen, distanceKm, excluded };

  const parts: ScoreParts = {
    spec: specFit(demand.spec, listing.spec),
    quantity: clamp01(listing.quantityAvailable / demand.quantity),
    price: priceFit(demand.targetPriceFen, unitPriceFen),
    distance: distanceFit(distanceKm),
    freshness: freshnessFit(listing, now),
    credit: clamp01(listing.sellerCredit / 100),
  };
  let total = 0;
  for (const name of PART_NAMES) total += WEIGHTS[name] * parts[name];
  return { score: Math.round(total * 100), parts, unitPriceFen, distanceKm, excluded: null };
}

/** The parts rounded to hundredths, as they are stored and shown. */
export function roundedParts(parts: ScoreParts): ScoreParts {
  const out = { ...parts };
  for (const name of PART_NAMES) out[name] = Math.round(parts[name] * 100) / 100;
  return out;
}
