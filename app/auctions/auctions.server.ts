// Auctions of lots: putting (part of) a lot up, reading an auction with its bids, and the errors bidders see.
import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  type Auction,
  type AuctionType,
  auctionBids,
  auctionParticipants,
  auctions,
  categories,
  listings,
} from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { type QuantityUnit, gramsPer } from '../lib/units';
import { ListingError, reserveStock } from '../listings/listings.server';
import { type MoneyParam, inEachLanguage, moneyParam } from '../notify/render';
import { reserveFloorOf } from '../market-data/lot-reference.server';
import { getCategorySettings } from '../market/settings.server';
import { type IncrementBands, incrementBandsSchema } from '../market/settings';
import { floorEndsAt } from './dutch';
import type { EnglishRules, EnglishState } from './english';

export class AuctionError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
    /** Values the message names (amounts already formatted for the reader are the route's job). */
    public readonly params?: Record<string, number>,
  ) {
    super(messageKey);
  }
}

export type NewAuction = {
  listingId: string;
  sellerOrgId: string;
  userId: string;
  type: AuctionType;
  sealedPricing?: 'first' | 'second' | null;
  /** Base units of the lot put up. */
  quantity: number;
  priceUnit: QuantityUnit;
  startPriceFen: number;
  reservePriceFen?: number | null;
  floorPriceFen?: number | null;
  presalePriceFen?: number | null;
  startsAt: Date;
  /** English and sealed. */
  endsAt?: Date | null;
  /** Overrides the category's soft-close window (demos and tests with short auctions). */
  softCloseSeconds?: number;
  /** Overrides the category's clock tick (demos and tests). */
  clockTickMs?: number;
};

/** The base units a price unit stands for on this lot (1 kg = 1000 g, 1 斤 = 500 g, a case its net weight). */
export function perBaseFor(unit: QuantityUnit, caseNetGrams: number | null): number {
  return gramsPer(unit, caseNetGrams ?? undefined);
}

/** When the closing job must look at an auction: its end, or when a Dutch clock passes its floor. */
export function closeDueAt(auction: Auction): Date {
  if (auction.type === 'dutch') return floorEndsAt(clockParams(auction));
  if (!auction.endsAt) throw new Error(`auction ${auction.id} has no end`);
  return auction.endsAt;
}

export function clockParams(auction: Auction) {
  return {
    startPriceFen: auction.startPriceFen,
    floorPriceFen: auction.floorPriceFen ?? auction.startPriceFen,
    stepFen: auction.clockStepFen,
    tickMs: auction.clockTickMs,
    clockStartsAt: auction.clockStartsAt ?? auction.startsAt,
  };
}

export function englishRules(auction: Auction): EnglishRules {
  return {
    startPriceFen: auction.startPriceFen,
    reservePriceFen: auction.reservePriceFen,
    increments: incrementBandsSchema.parse(auction.bidIncrements) as IncrementBands,
  };
}

export function englishState(auction: Auction): EnglishState {
  if (!auction.leaderOrgId || auction.leaderMaxFen === null || auction.priceFen === null)
    return { priceFen: null, leader: null, secondMaxFen: auction.secondMaxFen };
  return {
    priceFen: auction.priceFen,
    secondMaxFen: auction.secondMaxFen,
    leader: {
      bidderId: auction.leaderOrgId,
      maxFen: auction.leaderMaxFen,
      kind: auction.leaderKind === 'manual' ? 'manual' : 'proxy',
      seq: 0,
    },
  };
}

/** A price for a notification, stored raw (fen, currency, unit) and shown in each reader's language. */
export function priceParam(auction: Pick<Auction, 'currency' | 'priceUnit'>, fen: number): MoneyParam {
  return moneyParam(fen, auction.currency, auction.priceUnit);
}

/**
 * Puts a quantity of a live lot up for auction, in the caller's transaction: the quantity leaves the
 * lot's stock at once (a conditional update, so it cannot race a buy-now), the category's rules are
 * copied in, and the closing job is scheduled for the end (it re-checks the end when it runs).
 */
export async function createAuction(tx: DbOrTx, input: NewAuction): Promise<string> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const [lot] = await tx
    .select({ listing: listings, baseUnit: categories.baseUnit })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(and(eq(listings.id, input.listingId), eq(listings.sellerOrgId, input.sellerOrgId)));
  if (!lot) throw new AuctionError('errors.notFound', 404);
  const { listing } = lot;
  if (listing.status !== 'live') throw new AuctionError('auctions.errors.lotNotLive', 409);
  const settings = await getCategorySettings(tx, listing.categoryId);
  if (!settings) throw new AuctionError('errors.notFound', 404);
  if ((lot.baseUnit === 'piece') !== (input.priceUnit === 'piece'))
    throw new AuctionError('errors.wrongUnit', 400, 'priceUnit');
  if (input.priceUnit === 'case' && !listing.caseNetGrams)
    throw new AuctionError('errors.wrongUnit', 400, 'priceUnit');
  const perBase = perBaseFor(input.priceUnit, listing.caseNetGrams);
  if (input.quantity < perBase) throw new AuctionError('auctions.errors.quantityTooSmall', 400, 'quantity');
  if (input.quantity > listing.quantityAvailable)
    throw new AuctionError('listing.errors.insufficientStock', 409, 'quantity');
  const reserve = input.reservePriceFen ?? null;
  if (reserve !== null && reserve < input.startPriceFen)
    throw new AuctionError('auctions.errors.reserveBelowStart', 400, 'reservePrice');
  const now = Date.now();
  if (input.startsAt.getTime() < now - 60_000)
    throw new AuctionError('auctions.errors.startsInPast', 400, 'startsAt');
  let endsAt: Date | null = null;
  if (input.type === 'dutch') {
    const floor = input.floorPriceFen ?? null;
    if (floor === null || floor <= 0 || floor >= input.startPriceFen)
      throw new AuctionError('auctions.errors.floorRange', 400, 'floorPrice');
  } else {
    endsAt = input.endsAt ?? null;
    if (!endsAt || endsAt <= input.startsAt)
      throw new AuctionError('auctions.errors.endsBeforeStart', 400, 'duration');
    if (endsAt.getTime() - input.startsAt.getTime() > 14 * 24 * 3600 * 1000)
      throw new AuctionError('auctions.errors.tooLong', 400, 'duration');
  }
  await assertAboveReserveFloor(tx, input, listing, perBase);

  const id = newId('auc');
  try {
    await reserveStock(tx, listing.id, input.quantity);
  } catch (error) {
    if (error instanceof ListingError) throw new AuctionError(error.messageKey, 409, 'quantity');
    throw error;
  }
  const [auction] = await tx
    .insert(auctions)
    .values({
      id,
      listingId: listing.id,
      sellerOrgId: input.sellerOrgId,
      createdBy: input.userId,
      type: input.type,
      sealedPricing: input.type === 'sealed' ? (input.sealedPricing ?? 'first') : null,
      quantity: input.quantity,
      remaining: input.quantity,
      priceUnit: input.priceUnit,
      perBase,
      currency: listing.currency,
      startPriceFen: input.startPriceFen,
      reservePriceFen: input.type === 'dutch' ? null : reserve,
      floorPriceFen: input.type === 'dutch' ? (input.floorPriceFen ?? null) : null,
      presalePriceFen: input.type === 'dutch' ? (input.presalePriceFen ?? null) : null,
      bidIncrements: settings.bidIncrements,
      softCloseSeconds: input.softCloseSeconds ?? settings.softCloseSeconds,
      clockStepFen: settings.clockStepFen,
      clockTickMs: input.clockTickMs ?? settings.clockTickMs,
      depositBps: settings.depositBps,
      feeBps: settings.feeBps,
      startsAt: input.startsAt,
      endsAt,
      clockStartsAt: input.type === 'dutch' ? input.startsAt : null,
    })
    .returning();
  await enqueue(tx, 'auctions', 'close', { auctionId: id }, { runAt: closeDueAt(auction) });
  return id;
}

/**
 * The market's reserve floor (ADR 0038): the lowest price an auction can sell at — its reserve, else its start
 * price, and a Dutch clock's floor — must be at least the operator's share of the lot's reference price. The
 * comparison is per kg and exact in integers; without a reference (or sold by the piece) there is no floor.
 */
async function assertAboveReserveFloor(
  tx: DbOrTx,
  input: NewAuction,
  listing: { categoryId: string; spec: unknown },
  perBase: number,
) {
  if (input.priceUnit === 'piece') return;
  const lowest =
    input.type === 'dutch' ? (input.floorPriceFen ?? null) : (input.reservePriceFen ?? input.startPriceFen);
  if (lowest === null) return;
  const floor = await reserveFloorOf(tx, listing);
  if (!floor || lowest * 1000 >= floor.minFenPerKg * perBase) return;
  const field =
    input.type === 'dutch' ? 'floorPrice' : input.reservePriceFen != null ? 'reservePrice' : 'startPrice';
  throw new AuctionError('auctions.errors.belowReserveFloor', 400, field, {
    minFenPerKg: floor.minFenPerKg,
    referenceFen: floor.referenceFen,
    pct: floor.pct,
  });
}

/** The auction row locked for this transaction: every bid, press and close of one auction waits here. */
export async function lockAuction(tx: DbOrTx, auctionId: string): Promise<Auction> {
  const [auction] = await tx.select().from(auctions).where(eq(auctions.id, auctionId)).for('update');
  if (!auction) throw new AuctionError('errors.notFound', 404);
  return auction;
}

/**
 * The org's bidder number on the auction, given on its first bid (under the auction's lock, so numbers
 * are dense and stable): the public page calls it "bidder 7" and never names the org.
 */
export async function ensureParticipant(tx: DbOrTx, auction: Auction, orgId: string): Promise<number> {
  const [found] = await tx
    .select({ n: auctionParticipants.bidderNumber })
    .from(auctionParticipants)
    .where(and(eq(auctionParticipants.auctionId, auction.id), eq(auctionParticipants.orgId, orgId)));
  if (found) return found.n;
  const n = auction.bidderCount + 1;
  await tx.insert(auctionParticipants).values({ auctionId: auction.id, orgId, bidderNumber: n });
  await tx.update(auctions).set({ bidderCount: n }).where(eq(auctions.id, auction.id));
  auction.bidderCount = n;
  return n;
}

export async function bidderNumbers(tx: DbOrTx, auctionId: string): Promise<Map<string, number>> {
  const rows = await tx
    .select({ orgId: auctionParticipants.orgId, n: auctionParticipants.bidderNumber })
    .from(auctionParticipants)
    .where(eq(auctionParticipants.auctionId, auctionId));
  return new Map(rows.map((row) => [row.orgId, row.n]));
}

/** Bids in the order PostgreSQL serialized them (all of them, or the latest `limit`). */
export async function bidsOf(tx: DbOrTx, auctionId: string, limit?: number) {
  const query = tx
    .select()
    .from(auctionBids)
    .where(eq(auctionBids.auctionId, auctionId))
    .orderBy(limit ? desc(auctionBids.seq) : asc(auctionBids.seq));
  const rows = limit ? await query.limit(limit) : await query;
  return limit ? rows.reverse() : rows;
}

/**
 * A lot's title as a notification parameter: each reader sees it in their own language when the seller gave
 * one (an English reader of a lot titled only in Chinese sees the Chinese name of the goods).
 */
export function listingTitle(row: { titleZh: string | null; titleEn: string | null }): string {
  const zh = row.titleZh ?? row.titleEn ?? '';
  return inEachLanguage({ 'zh-CN': zh, en: row.titleEn ?? zh });
}
