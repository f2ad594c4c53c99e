// What the auction pages read: the list with filters and paging, one auction for a viewer, and the forms' schemas.
import { and, asc, count, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, hotRead } from '../../db/client';
import {
  type AuctionType,
  auctionParticipants,
  auctions,
  categories,
  ledgerAccounts,
  listings,
} from '../../db/schema';
import type { Viewer } from '../lib/auth.server';
import { parseMoney } from '../lib/money';
import { type QuantityUnit, toBase } from '../lib/units';
import { englishRules } from './auctions.server';
import { clockParams } from './auctions.server';
import { floorEndsAt } from './dutch';
import { minimumBid } from './english';
import { englishState } from './auctions.server';
import { type PublicAuction, publicState } from './live.server';

import { AUCTION_TYPES, type AuctionSort, SORTS } from './kinds';

const PAGE_SIZE = 12;

export type AuctionListQuery = {
  type: AuctionType | null;
  category: string | null;
  sort: AuctionSort;
  page: number;
};

export function auctionListQuery(url: URL): AuctionListQuery {
  const type = url.searchParams.get('type');
  const sort = url.searchParams.get('sort');
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return {
    type: (AUCTION_TYPES as readonly string[]).includes(type ?? '') ? (type as AuctionType) : null,
    category: url.searchParams.get('category') || null,
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as AuctionSort) : 'ending',
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

/** Live and upcoming auctions (open ones whose end has not passed), a page at a time. */
export async function auctionListPage(db: DbOrTx, query: AuctionListQuery, now = new Date()) {
  const where = and(
    eq(auctions.status, 'open'),
    or(isNull(auctions.endsAt), gt(auctions.endsAt, now)),
    query.type ? eq(auctions.type, query.type) : undefined,
    query.category ? eq(listings.categoryId, query.category) : undefined,
  );
  const order =
    query.sort === 'newest'
      ? [desc(auctions.createdAt)]
      : query.sort === 'price'
        ? [asc(sql`coalesce(${auctions.priceFen}, ${auctions.startPriceFen})`), asc(auctions.id)]
        : [asc(sql`coalesce(${auctions.endsAt}, ${auctions.clockStartsAt})`), asc(auctions.id)];
  const [rows, [{ total }], cats] = await Promise.all([
    db
      .select({
        id: auctions.id,
        type: auctions.type,
        sealedPricing: auctions.sealedPricing,
        startsAt: auctions.startsAt,
        endsAt: auctions.endsAt,
        clockStartsAt: auctions.clockStartsAt,
        startPriceFen: auctions.startPriceFen,
        floorPriceFen: auctions.floorPriceFen,
        priceFen: auctions.priceFen,
        priceUnit: auctions.priceUnit,
        currency: auctions.currency,
        quantity: auctions.quantity,
        remaining: auctions.remaining,
        bidderCount: auctions.bidderCount,
        titleZh: listings.titleZh,
        titleEn: listings.titleEn,
        categoryId: listings.categoryId,
        displayUnit: listings.displayUnit,
        caseNetGrams: listings.caseNetGrams,
      })
      .from(auctions)
      .innerJoin(listings, eq(listings.id, auctions.listingId))
      .where(where)
      .orderBy(...order)
      .limit(PAGE_SIZE)
      .offset((query.page - 1) * PAGE_SIZE),
    db
      .select({ total: count() })
      .from(auctions)
      .innerJoin(listings, eq(listings.id, auctions.listingId))
      .where(where),
    db
      .select({ id: categories.id, nameZh: categories.nameZh, nameEn: categories.nameEn })
      .from(categories)
      .where(eq(categories.active, true))
      .orderBy(asc(categories.sort)),
  ]);
  return {
    rows: rows.map((row) => ({
      ...row,
      // Sealed bids stay hidden: the list shows the start price only.
      priceFen: row.type === 'sealed' ? null : row.priceFen,
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt?.toISOString() ?? null,
      clockStartsAt: row.clockStartsAt?.toISOString() ?? null,
      upcoming: (row.clockStartsAt ?? row.startsAt) > now,
    })),
    total,
    page: query.page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    categories: cats,
  };
}

/** One auction as a viewer sees it: the public state, plus its own bidder number, maximum, sealed bid and deposit. */
export async function auctionForViewer(db: DbOrTx, auctionId: string, viewer: Viewer | null) {
  const [row] = await db
    .select({ auction: auctions, listing: listings })
    .from(auctions)
    .innerJoin(listings, eq(listings.id, auctions.listingId))
    .where(eq(auctions.id, auctionId));
  if (!row) return null;
  const { auction, listing } = row;
  const live: PublicAuction = await publicState(db, auction);
  const org = viewer?.activeOrg ?? null;
  const isSeller = Boolean(org && org.orgId === auction.sellerOrgId);
  let mine: { bidder: number; maxFen: number | null; sealedFen: number | null; heldFen: number } | null =
    null;
  let availableFen = 0;
  if (org && !isSeller) {
    const [participant] = await db
      .select()
      .from(auctionParticipants)
      .where(and(eq(auctionParticipants.auctionId, auction.id), eq(auctionParticipants.orgId, org.orgId)));
    if (participant)
      mine = {
        bidder: participant.bidderNumber,
        maxFen: participant.maxFen,
        sealedFen: participant.sealedFen,
        heldFen: participant.heldFen,
      };
    const [account] = await db
      .select({ balance: ledgerAccounts.balance })
      .from(ledgerAccounts)
      .where(and(eq(ledgerAccounts.orgId, org.orgId), eq(ledgerAccounts.kind, 'available')));
    availableFen = account?.balance ?? 0;
  }
  const rules = englishRules(auction);
  return {
    live,
    auction: {
      id: auction.id,
      type: auction.type,
      sealedPricing: auction.sealedPricing,
      priceUnit: auction.priceUnit,
      perBase: auction.perBase,
      currency: auction.currency,
      quantity: auction.quantity,
      startPriceFen: auction.startPriceFen,
      presalePriceFen: auction.presalePriceFen,
      increments: rules.increments,
      depositBps: auction.depositBps,
      softCloseSeconds: auction.softCloseSeconds,
      orderId: isSeller || (org && org.orgId === auction.winnerOrgId) ? auction.orderId : null,
      wonByViewer: Boolean(org && org.orgId === auction.winnerOrgId),
      floorEndsAt: auction.type === 'dutch' ? floorEndsAt(clockParams(auction)).toISOString() : null,
      minimumFen:
        auction.type === 'english' ? minimumBid(englishState(auction), rules) : auction.startPriceFen,
    },
    listing: {
      id: listing.id,
      titleZh: listing.titleZh,
      titleEn: listing.titleEn,
      displayUnit: listing.displayUnit,
      caseNetGrams: listing.caseNetGrams,
      originName: listing.originName,
      pickupPlace: listing.pickupPlace,
    },
    isSeller,
    mine,
    availableFen,
  };
}

/** The open auctions of a lot, for the link on its market page. */
export async function liveAuctionOfListing(db: DbOrTx, listingId: string) {
  const [row] = await openAuctionOfLot(db, { listingId });
  return row ?? null;
}

// Read by every lot page (issue #22, `ssr-lot`): prepared once per pool.
const openAuctionOfLot = hotRead('open_auction_of_lot', (db) =>
  db
    .select({ id: auctions.id, type: auctions.type })
    .from(auctions)
    .where(and(eq(auctions.listingId, sql.placeholder('listingId')), eq(auctions.status, 'open')))
    .orderBy(asc(auctions.createdAt))
    .limit(1),
);

/** The viewer's org's auctions: those it sells and those it bids in, newest first. */
export async function myAuctions(db: DbOrTx, orgId: string) {
  const bidding = db
    .select({ id: auctionParticipants.auctionId })
    .from(auctionParticipants)
    .where(eq(auctionParticipants.orgId, orgId));
  const rows = await db
    .select({
      id: auctions.id,
      type: auctions.type,
      status: auctions.status,
      priceFen: auctions.priceFen,
      priceUnit: auctions.priceUnit,
      currency: auctions.currency,
      sellerOrgId: auctions.sellerOrgId,
      winnerOrgId: auctions.winnerOrgId,
      leaderOrgId: auctions.leaderOrgId,
      endsAt: auctions.endsAt,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
    })
    .from(auctions)
    .innerJoin(listings, eq(listings.id, auctions.listingId))
    .where(or(eq(auctions.sellerOrgId, orgId), inArray(auctions.id, bidding)))
    .orderBy(desc(auctions.createdAt))
    .limit(50);
  return rows.map((row) => ({
    ...row,
    role: row.sellerOrgId === orgId ? ('selling' as const) : ('bidding' as const),
    leading: row.leaderOrgId === orgId && row.type === 'english',
    won: row.winnerOrgId === orgId,
    priceFen: row.type === 'sealed' && row.status === 'open' ? null : row.priceFen,
    endsAt: row.endsAt?.toISOString() ?? null,
  }));
}

// Forms.

const money = (field: string) =>
  z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .transform((value, ctx) => {
      const parsed = parseMoney(value);
      if (!parsed.ok || parsed.amount <= 0) {
        ctx.addIssue({ code: 'custom', message: 'auctions.errors.badAmount', path: [field] });
        return z.NEVER;
      }
      return parsed.amount;
    });

/** Like parseForm, but keeps this area's message keys (auctions.errors.…) as well as the shared ones. */
export function parseAuctionForm<S extends z.ZodTypeAny>(
  formData: FormData,
  schema: S,
): { ok: true; data: z.infer<S> } | { ok: false; errors: Record<string, string> } {
  const result = schema.safeParse(Object.fromEntries(formData.entries()));
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= /^(errors|auctions\.errors)\./.test(issue.message) ? issue.message : 'errors.invalid';
  }
  return { ok: false, errors };
}

export const bidSchema = z.object({
  kind: z.enum(['manual', 'proxy', 'sealed'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  amount: money('amount'),
});

export const pressSchema = z.object({
  quantity: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
  round: z.coerce.number().int().min(0).optional(),
});

/** A press quantity is entered in the auction's price unit (300 公斤); returns base units or a message key. */
export function pressQuantity(text: string, unit: QuantityUnit, caseNetGrams: number | null) {
  return toBase(text, unit, { caseNetGrams: caseNetGrams ?? undefined });
}

const optionalMoney = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    const parsed = parseMoney(value);
    if (!parsed.ok || parsed.amount <= 0) {
      ctx.addIssue({ code: 'custom', message: 'auctions.errors.badAmount' });
      return z.NEVER;
    }
    return parsed.amount;
  });

export const newAuctionSchema = z.object({
  type: z.enum(['english', 'dutch', 'sealed'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  sealedPricing: z.enum(['first', 'second']).default('first'),
  quantity: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
  priceUnit: z.enum(['kg', 'jin', 't', 'case', 'piece'], {
    errorMap: () => ({ message: 'errors.chooseOne' }),
  }),
  startPrice: money('startPrice'),
  reservePrice: optionalMoney,
  floorPrice: optionalMoney,
  presalePrice: optionalMoney,
  startsInMinutes: z.coerce
    .number({ invalid_type_error: 'errors.notANumber' })
    .min(0, 'errors.outOfRange')
    .max(60 * 24 * 7, 'errors.outOfRange')
    .default(0),
  durationMinutes: z.coerce
    .number({ invalid_type_error: 'errors.notANumber' })
    .min(0.25, 'errors.outOfRange')
    .max(60 * 24 * 14, 'errors.outOfRange')
    .default(60),
});
