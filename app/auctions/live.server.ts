// What everyone may see of an auction, and its live channel: published after each commit, read by /events?auction=<id>.
import { eq } from 'drizzle-orm';
import { db, type DbOrTx } from '../../db/client';
import { type Auction, type AuctionBid, auctions } from '../../db/schema';
import { publish } from '../lib/events.server';
import { log } from '../lib/log.server';
import { redisKey } from '../lib/redis.server';
import { bidderNumbers, bidsOf, clockParams } from './auctions.server';
import { reserveMet } from './english';
import { englishState, englishRules, closeDueAt } from './auctions.server';

export function auctionChannel(auctionId: string): string {
  return redisKey('live', 'auction', auctionId);
}

export type PublicBid = {
  seq: number;
  bidder: number | null;
  kind: AuctionBid['kind'];
  /** Null where showing it would reveal a leader's hidden maximum. */
  amountFen: number | null;
  quantity: number | null;
  status: AuctionBid['status'];
  outcome: string;
  at: string;
};

export type PublicAuction = {
  type: 'auction';
  id: string;
  auctionType: Auction['type'];
  status: Auction['status'];
  priceFen: number | null;
  leader: number | null;
  reserve: 'none' | 'met' | 'not_met';
  startsAt: string;
  endsAt: string | null;
  /** When the server produced this state: the page measures its clock offset from it. */
  serverTime: string;
  bidCount: number;
  bidderCount: number;
  quantity: number;
  remaining: number;
  clock: {
    startPriceFen: number;
    floorPriceFen: number;
    stepFen: number;
    tickMs: number;
    clockStartsAt: string;
    floorEndsAt: string;
    round: number;
  } | null;
  bids: PublicBid[];
};

/** A bid as the public history shows it: sealed amounts never (until the close), a leading proxy's maximum never. */
export function publicBid(auction: Auction, bid: AuctionBid, numbers: Map<string, number>): PublicBid {
  let amountFen: number | null = bid.amountFen;
  if (bid.kind === 'sealed' && auction.status === 'open') amountFen = null;
  if (bid.kind === 'proxy' && bid.status === 'accepted' && bid.outcome !== 'outbid')
    amountFen = bid.priceAfterFen;
  if (bid.outcome === 'raised') amountFen = null;
  return {
    seq: bid.seq,
    bidder: numbers.get(bid.orgId) ?? null,
    kind: bid.kind,
    amountFen,
    quantity: bid.quantityFilled ?? bid.quantityAsked ?? null,
    status: bid.status,
    outcome: bid.outcome,
    at: bid.createdAt.toISOString(),
  };
}

export async function publicState(tx: DbOrTx, auction: Auction, now = new Date()): Promise<PublicAuction> {
  const numbers = await bidderNumbers(tx, auction.id);
  // Sealed bids stay out of the public history until the close, so not even their count leaks per bidder.
  const bids = auction.type === 'sealed' && auction.status === 'open' ? [] : await bidsOf(tx, auction.id, 30);
  const state = englishState(auction);
  const reserve =
    auction.reservePriceFen === null
      ? 'none'
      : auction.type === 'english' && reserveMet(state, englishRules(auction))
        ? 'met'
        : 'not_met';
  const clock =
    auction.type === 'dutch'
      ? {
          ...clockParams(auction),
          clockStartsAt: clockParams(auction).clockStartsAt.toISOString(),
          floorEndsAt: closeDueAt(auction).toISOString(),
          round: auction.clockRound,
        }
      : null;
  return {
    type: 'auction',
    id: auction.id,
    auctionType: auction.type,
    status: auction.status,
    priceFen:
      auction.type === 'sealed' && auction.status === 'open'
        ? null
        : (auction.priceFen ?? auction.winningPriceFen),
    leader:
      auction.type === 'sealed' && auction.status === 'open'
        ? null
        : auction.leaderOrgId
          ? (numbers.get(auction.leaderOrgId) ?? null)
          : null,
    reserve:
      auction.type === 'sealed' && auction.status === 'open' && reserve === 'met' ? 'not_met' : reserve,
    startsAt: auction.startsAt.toISOString(),
    endsAt: auction.endsAt?.toISOString() ?? null,
    serverTime: now.toISOString(),
    bidCount: auction.type === 'sealed' && auction.status === 'open' ? 0 : auction.lastSeq,
    bidderCount: auction.bidderCount,
    quantity: auction.quantity,
    remaining: auction.remaining,
    clock,
    bids: bids.map((bid) => publicBid(auction, bid, numbers)),
  };
}

/** The public state now, for a stream that just connected; null for an unknown auction. */
export async function currentAuctionState(auctionId: string): Promise<PublicAuction | null> {
  const [auction] = await db.select().from(auctions).where(eq(auctions.id, auctionId));
  return auction ? publicState(db, auction) : null;
}

/** Tells every open page of the auction, in any web process, what it looks like now (after the commit). */
export async function publishAuction(auctionId: string): Promise<void> {
  try {
    const [auction] = await db.select().from(auctions).where(eq(auctions.id, auctionId));
    if (!auction) return;
    await publish(auctionChannel(auctionId), await publicState(db, auction));
  } catch (error) {
    // A page that misses one update catches up with the next; the bid itself has committed.
    log.warn({ err: (error as Error).message, auctionId }, 'auction publish failed');
  }
}
