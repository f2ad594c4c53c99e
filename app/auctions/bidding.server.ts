// Bidding: English bids and proxies, sealed bids, Dutch presses and pre-sales — each one transaction on the locked auction row.
//
// Every function here starts by locking the auction row (SELECT … FOR UPDATE), so the bids of one
// auction are serialized by PostgreSQL and numbered (`seq`) in the order they were applied; nothing is
// decided from a read made before the lock. Deposits move in a savepoint inside the same transaction,
// so a bidder short of deposit leaves a rejected bid on record and nothing else.
import { and, eq, sql } from 'drizzle-orm';
import { db, type Tx } from '../../db/client';
import {
  type Auction,
  auctionBids,
  auctionParticipants,
  auctions,
  ledgerAccounts,
  listings,
} from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import { env } from '../lib/env.server';
import { newId } from '../lib/ids';
import { lineTotal } from '../lib/money';
import { hit } from '../lib/rate-limit.server';
import { notify } from '../notify/notify.server';
import { createOrderInTx } from '../orders/orders.server';
import {
  AuctionError,
  clockParams,
  englishRules,
  englishState,
  ensureParticipant,
  listingTitle,
  lockAuction,
  priceParam,
} from './auctions.server';
import { DepositShortError, type HoldChange, setHolds } from './deposits.server';
import { depositFor } from './deposit';
import { press } from './dutch';
import { applyBid } from './english';
import { publishAuction } from './live.server';

export type BidKindInput = 'manual' | 'proxy' | 'sealed';

export type BidRefusal = { ok: false; status: number; messageKey: string; minimumFen?: number };
export type BidAccepted = {
  ok: true;
  bidId: string;
  outcome: string;
  priceFen: number | null;
  leading: boolean;
  orderId?: string;
  filled?: number;
};
export type BidResult = BidAccepted | BidRefusal;

const REFUSALS: Record<string, { status: number; messageKey: string }> = {
  too_low: { status: 400, messageKey: 'auctions.errors.tooLow' },
  already_leading: { status: 409, messageKey: 'auctions.errors.alreadyLeading' },
  closed: { status: 409, messageKey: 'auctions.errors.closed' },
  not_started: { status: 409, messageKey: 'auctions.errors.notStarted' },
  no_deposit: { status: 402, messageKey: 'auctions.errors.noDeposit' },
  sold: { status: 409, messageKey: 'auctions.errors.sold' },
  clock_restarted: { status: 409, messageKey: 'auctions.errors.clockRestarted' },
  floor_passed: { status: 409, messageKey: 'auctions.errors.closed' },
  too_small: { status: 400, messageKey: 'auctions.errors.quantityTooSmall' },
  wrong_type: { status: 409, messageKey: 'auctions.errors.wrongType' },
  no_presale: { status: 409, messageKey: 'auctions.errors.noPresale' },
};

function refusal(reason: string, minimumFen?: number): BidRefusal {
  const known = REFUSALS[reason] ?? { status: 409, messageKey: 'errors.invalid' };
  return { ok: false, ...known, ...(minimumFen === undefined ? {} : { minimumFen }) };
}

/** Deadlocks and serialization failures are retried: the whole step runs again from the lock. */
async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code =
        (error as { code?: string; cause?: { code?: string } }).cause?.code ??
        (error as { code?: string }).code;
      if ((code === '40P01' || code === '40001') && attempt < 6) continue;
      throw error;
    }
  }
}

type Bidder = { auctionId: string; orgId: string; userId: string; now?: Date };

/** Writes a bid row with the next number; returns its id. */
async function recordBid(
  tx: Tx,
  auction: Auction,
  bid: {
    orgId: string;
    userId: string | null;
    kind: Auction['leaderKind'] & string;
    amountFen: number;
    status: 'accepted' | 'rejected';
    outcome: string;
    priceAfterFen?: number | null;
    quantityAsked?: number | null;
    quantityFilled?: number | null;
    orderId?: string | null;
    at: Date;
  },
): Promise<string> {
  const id = newId('bid');
  auction.lastSeq += 1;
  await tx.insert(auctionBids).values({
    id,
    auctionId: auction.id,
    seq: auction.lastSeq,
    orgId: bid.orgId,
    userId: bid.userId,
    kind: bid.kind,
    amountFen: Math.max(1, bid.amountFen),
    status: bid.status,
    outcome: bid.outcome,
    priceAfterFen: bid.priceAfterFen ?? null,
    quantityAsked: bid.quantityAsked ?? null,
    quantityFilled: bid.quantityFilled ?? null,
    orderId: bid.orderId ?? null,
    createdAt: bid.at,
  });
  return id;
}

/** A refused bid is kept with its reason; the auction's bid counter moves, nothing else. */
async function reject(
  tx: Tx,
  auction: Auction,
  bid: Omit<Parameters<typeof recordBid>[2], 'status' | 'outcome'>,
  reason: string,
  minimumFen?: number,
) {
  await recordBid(tx, auction, { ...bid, status: 'rejected', outcome: reason });
  await tx.update(auctions).set({ lastSeq: auction.lastSeq }).where(eq(auctions.id, auction.id));
  return refusal(reason, minimumFen);
}

async function availableDeposit(tx: Tx, orgId: string, currency: string): Promise<number> {
  const [row] = await tx
    .select({ balance: ledgerAccounts.balance })
    .from(ledgerAccounts)
    .where(
      and(
        eq(ledgerAccounts.orgId, orgId),
        eq(ledgerAccounts.kind, 'available'),
        eq(ledgerAccounts.currency, currency),
      ),
    );
  return row?.balance ?? 0;
}

/** Moves deposits in a savepoint: true when they moved, false (and nothing moved) when an org is short. */
async function tryHolds(tx: Tx, auction: Auction, changes: HoldChange[]): Promise<boolean> {
  if (changes.length === 0) return true;
  try {
    await tx.transaction(async (savepoint) => setHolds(savepoint, auction, changes));
    return true;
  } catch (error) {
    if (error instanceof DepositShortError) return false;
    throw error;
  }
}

function lotDeposit(auction: Auction, priceFen: number): number {
  return depositFor({
    priceFen,
    quantity: auction.quantity,
    perBase: auction.perBase,
    depositBps: auction.depositBps,
  });
}

function openRefusal(auction: Auction, now: Date): string | null {
  if (auction.status !== 'open') return 'closed';
  if (now < auction.startsAt) return 'not_started';
  if (auction.endsAt && now >= auction.endsAt) return 'closed';
  return null;
}

/**
 * Places an English bid (manual or proxy maximum) or a sealed bid. Returns the outcome, or a refusal
 * with the HTTP status and message the page shows; a bid on one's own lot throws a 403.
 */
export async function placeBid(
  input: Bidder & { kind: BidKindInput; amountFen: number },
): Promise<BidResult> {
  const result = await withRetry(() =>
    db.transaction(async (tx) => {
      const auction = await lockAuction(tx, input.auctionId);
      if (auction.sellerOrgId === input.orgId) throw new AuctionError('auctions.errors.ownLot', 403);
      await assertOrgMayAct(tx, input.orgId);
      const now = input.now ?? new Date();
      const wrongType = (auction.type === 'sealed') !== (input.kind === 'sealed') || auction.type === 'dutch';
      if (wrongType) return refusal('wrong_type');
      await ensureParticipant(tx, auction, input.orgId);
      const base = {
        orgId: input.orgId,
        userId: input.userId,
        kind: input.kind,
        amountFen: input.amountFen,
        at: now,
      };
      const closed = openRefusal(auction, now);
      if (closed) return reject(tx, auction, base, closed);
      return auction.type === 'sealed'
        ? sealedBid(tx, auction, input, now)
        : englishBid(tx, auction, input, now);
    }),
  );
  if (result.ok) await publishAuction(input.auctionId);
  return result;
}

async function englishBid(
  tx: Tx,
  auction: Auction,
  input: Bidder & { kind: BidKindInput; amountFen: number },
  now: Date,
): Promise<BidResult> {
  const kind = input.kind === 'manual' ? 'manual' : 'proxy';
  const base = {
    orgId: input.orgId,
    userId: input.userId,
    kind,
    amountFen: input.amountFen,
    at: now,
  } as const;
  const before = englishState(auction);
  const applied = applyBid(before, englishRules(auction), {
    bidderId: input.orgId,
    kind,
    amountFen: input.amountFen,
    seq: auction.lastSeq + 1,
  });
  if (!applied.accepted) return reject(tx, auction, base, applied.reason, applied.minimumFen);
  const { state } = applied;

  // The leader holds the deposit share of its maximum; the one it displaced gets its hold back.
  const changes: HoldChange[] = [];
  if (applied.outcome === 'leading' || applied.outcome === 'raised')
    changes.push({ orgId: input.orgId, targetFen: lotDeposit(auction, input.amountFen) });
  if (applied.displaced) changes.push({ orgId: applied.displaced.bidderId, targetFen: 0 });
  let covered = await tryHolds(tx, auction, changes);
  // A bid answered at once by a proxy holds nothing, but it still needs the deposit it would have tied up.
  if (covered && applied.outcome === 'outbid')
    covered =
      (await availableDeposit(tx, input.orgId, auction.currency)) >= lotDeposit(auction, input.amountFen);
  if (!covered) return reject(tx, auction, base, 'no_deposit');

  const leading = applied.outcome !== 'outbid';
  const bidId = await recordBid(tx, auction, {
    ...base,
    status: 'accepted',
    outcome: applied.outcome,
    priceAfterFen: state.priceFen,
  });
  let leaderBidId = leading && applied.outcome === 'leading' ? bidId : auction.leaderBidId;
  if (applied.outcome === 'outbid' && state.leader) {
    // The system bids for the leader's proxy: a row of its own in the history.
    leaderBidId = await recordBid(tx, auction, {
      orgId: state.leader.bidderId,
      userId: null,
      kind: 'auto',
      amountFen: state.priceFen ?? input.amountFen,
      status: 'accepted',
      outcome: 'leading',
      priceAfterFen: state.priceFen,
      at: now,
    });
  }
  // Soft close: a bid in the last N seconds extends the end by N.
  let endsAt = auction.endsAt;
  const window = auction.softCloseSeconds * 1000;
  if (endsAt && window > 0 && endsAt.getTime() - now.getTime() < window)
    endsAt = new Date(endsAt.getTime() + window);
  await tx
    .update(auctions)
    .set({
      priceFen: state.priceFen,
      leaderOrgId: state.leader?.bidderId ?? null,
      leaderMaxFen: state.leader?.maxFen ?? null,
      leaderKind: state.leader?.kind ?? null,
      leaderBidId,
      secondMaxFen: state.secondMaxFen,
      lastSeq: auction.lastSeq,
      endsAt,
    })
    .where(eq(auctions.id, auction.id));
  await tx
    .update(auctionParticipants)
    .set({
      maxFen: sql`greatest(coalesce(${auctionParticipants.maxFen}, 0), ${input.amountFen})`,
      maxSeq: sql`case when coalesce(${auctionParticipants.maxFen}, 0) < ${input.amountFen} then ${auction.lastSeq} else ${auctionParticipants.maxSeq} end`,
    })
    .where(and(eq(auctionParticipants.auctionId, auction.id), eq(auctionParticipants.orgId, input.orgId)));
  if (applied.displaced && state.priceFen !== null)
    await notifyOutbid(tx, auction, applied.displaced.bidderId, state.priceFen);
  return { ok: true, bidId, outcome: applied.outcome, priceFen: state.priceFen, leading };
}

async function notifyOutbid(tx: Tx, auction: Auction, orgId: string, priceFen: number) {
  const [lot] = await tx
    .select({ titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(listings)
    .where(eq(listings.id, auction.listingId));
  await notify(tx, {
    type: 'outbid',
    orgId,
    minRole: 'trader',
    params: { listing: lot ? listingTitle(lot) : '', price: priceParam(auction, priceFen) },
    link: `/auctions/${auction.id}`,
    subject: { type: 'auction', id: auction.id },
  });
}

async function sealedBid(
  tx: Tx,
  auction: Auction,
  input: Bidder & { amountFen: number },
  now: Date,
): Promise<BidResult> {
  const base = {
    orgId: input.orgId,
    userId: input.userId,
    kind: 'sealed',
    amountFen: input.amountFen,
    at: now,
  } as const;
  if (input.amountFen < auction.startPriceFen)
    return reject(tx, auction, base, 'too_low', auction.startPriceFen);
  // The live sealed bid holds its deposit share; a replacement moves the hold to the new amount.
  if (
    !(await tryHolds(tx, auction, [{ orgId: input.orgId, targetFen: lotDeposit(auction, input.amountFen) }]))
  )
    return reject(tx, auction, base, 'no_deposit');
  await tx
    .update(auctionBids)
    .set({ outcome: 'replaced' })
    .where(
      and(
        eq(auctionBids.auctionId, auction.id),
        eq(auctionBids.orgId, input.orgId),
        eq(auctionBids.kind, 'sealed'),
        eq(auctionBids.outcome, 'submitted'),
      ),
    );
  const bidId = await recordBid(tx, auction, { ...base, status: 'accepted', outcome: 'submitted' });
  await tx.update(auctions).set({ lastSeq: auction.lastSeq }).where(eq(auctions.id, auction.id));
  await tx
    .update(auctionParticipants)
    .set({ sealedFen: input.amountFen, sealedSeq: auction.lastSeq })
    .where(and(eq(auctionParticipants.auctionId, auction.id), eq(auctionParticipants.orgId, input.orgId)));
  return { ok: true, bidId, outcome: 'submitted', priceFen: null, leading: false };
}

/**
 * A Dutch press (or a pre-sale before the clock runs): buys up to `quantity` base units at the clock's
 * price at the moment the lock is taken, as an order awaiting payment. The clock restarts from the
 * start price for what remains; the last unit sold closes the auction.
 */
export async function pressClock(
  input: Bidder & { quantity: number; seenRound: number | null; presale?: boolean },
): Promise<BidResult> {
  const result = await withRetry(() =>
    db.transaction(async (tx) => {
      const auction = await lockAuction(tx, input.auctionId);
      if (auction.sellerOrgId === input.orgId) throw new AuctionError('auctions.errors.ownLot', 403);
      await assertOrgMayAct(tx, input.orgId);
      if (auction.type !== 'dutch') return refusal('wrong_type');
      const now = input.now ?? new Date();
      await ensureParticipant(tx, auction, input.orgId);
      const params = clockParams(auction);
      const base = {
        orgId: input.orgId,
        userId: input.userId,
        kind: input.presale ? 'presale' : 'press',
        amountFen: auction.startPriceFen,
        quantityAsked: input.quantity,
        at: now,
      } as const;
      if (auction.status !== 'open')
        return reject(tx, auction, base, auction.remaining === 0 ? 'sold' : 'closed');
      let priceFen: number;
      let filled: number;
      if (input.presale) {
        if (auction.presalePriceFen === null) return refusal('no_presale');
        if (now >= params.clockStartsAt) return reject(tx, auction, base, 'closed');
        if (input.quantity < Math.min(auction.perBase, auction.remaining)) return refusal('too_small');
        priceFen = auction.presalePriceFen;
        filled = Math.min(input.quantity, auction.remaining);
      } else {
        const pressed = press(
          {
            ...params,
            remaining: auction.remaining,
            round: auction.clockRound,
            minimumBase: auction.perBase,
          },
          { askedBase: input.quantity, seenRound: input.seenRound, now },
        );
        if (!pressed.ok) {
          if (pressed.reason === 'too_small') return refusal('too_small');
          return reject(tx, auction, base, pressed.reason);
        }
        priceFen = pressed.priceFen;
        filled = pressed.filled;
      }
      const [lot] = await tx
        .select({ titleZh: listings.titleZh, titleEn: listings.titleEn })
        .from(listings)
        .where(eq(listings.id, auction.listingId));
      // The quantity left the lot's stock when the auction was created, so the order reserves nothing more.
      const orderId = await createOrderInTx(tx, {
        listingId: auction.listingId,
        buyerOrgId: input.orgId,
        sellerOrgId: auction.sellerOrgId,
        source: 'auction',
        quantity: filled,
        unitPriceFen: priceFen,
        perBase: auction.perBase,
        subtotalFen: lineTotal(priceFen, filled, auction.perBase),
        currency: auction.currency,
        feeBps: auction.feeBps,
        createdBy: input.userId,
        origin: { auctionId: auction.id },
      });
      const remaining = auction.remaining - filled;
      const bidId = await recordBid(tx, auction, {
        ...base,
        amountFen: priceFen,
        status: 'accepted',
        outcome: 'bought',
        quantityFilled: filled,
        orderId,
      });
      const restart = !input.presale && remaining > 0;
      await tx
        .update(auctions)
        .set({
          remaining,
          lastSeq: auction.lastSeq,
          status: remaining === 0 ? 'sold' : 'open',
          closedAt: remaining === 0 ? now : null,
          clockStartsAt: restart ? now : auction.clockStartsAt,
          clockRound: restart ? auction.clockRound + 1 : auction.clockRound,
        })
        .where(eq(auctions.id, auction.id));
      await notify(tx, {
        type: 'auction-won',
        orgId: input.orgId,
        minRole: 'trader',
        params: {
          listing: lot ? listingTitle(lot) : '',
          price: priceParam(auction, priceFen),
          order: orderId.slice(-8).toUpperCase(),
        },
        link: `/orders/${orderId}`,
        subject: { type: 'auction', id: auction.id },
      });
      return { ok: true as const, bidId, outcome: 'bought', priceFen, leading: false, orderId, filled };
    }),
  );
  if (result.ok) await publishAuction(input.auctionId);
  return result;
}

/** A bid flood from one user is answered 429: fixed windows in Redis, shared by every web process. */
export async function bidRateLimited(userId: string): Promise<boolean> {
  const count = await hit('auction-bid', userId, 10);
  return count > env().AUCTION_BIDS_PER_10S;
}
