// Closing auctions (the delayed job), the winner's order, deposits at the end, and the runner-up's second chance.
import { and, desc, eq, gt, isNotNull, ne, or } from 'drizzle-orm';
import { db, type DbOrTx, type Tx } from '../../db/client';
import { type Auction, auctionBids, auctionParticipants, auctions, listings, orders } from '../../db/schema';
import { lineTotal } from '../lib/money';
import { enqueue } from '../lib/outbox.server';
import { ListingError, releaseStock, reserveStock } from '../listings/listings.server';
import { notify } from '../notify/notify.server';
import { moneyParam } from '../notify/render';
import type { OrderEventHook } from '../orders/hooks.server';
import { createOrderInTx } from '../orders/orders.server';
import {
  closeDueAt,
  englishRules,
  englishState,
  listingTitle,
  lockAuction,
  priceParam,
} from './auctions.server';
import { forfeitHold, setHolds } from './deposits.server';
import { reserveMet } from './english';
import { publishAuction } from './live.server';
import { settleSealed } from './sealed';

export type CloseResult =
  | { result: 'not_due'; dueAt: Date }
  | { result: 'already_closed' }
  | { result: 'sold'; orderId: string; winnerOrgId: string; priceFen: number }
  | { result: 'unsold' }
  | { result: 'withdrawn' };

async function lotTitle(tx: DbOrTx, listingId: string): Promise<string> {
  const [lot] = await tx
    .select({ titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(listings)
    .where(eq(listings.id, listingId));
  return lot ? listingTitle(lot) : '';
}

/** The user who placed the org's latest bid: the order is written in their name. */
async function lastBidder(tx: DbOrTx, auctionId: string, orgId: string): Promise<string> {
  const [row] = await tx
    .select({ userId: auctionBids.userId })
    .from(auctionBids)
    .where(
      and(eq(auctionBids.auctionId, auctionId), eq(auctionBids.orgId, orgId), isNotNull(auctionBids.userId)),
    )
    .orderBy(desc(auctionBids.seq))
    .limit(1);
  if (!row?.userId) throw new Error(`auction ${auctionId}: org ${orgId} has no bid of a user`);
  return row.userId;
}

async function releaseAllBut(tx: Tx, auction: Auction, keepOrgId: string | null) {
  const holders = await tx
    .select({ orgId: auctionParticipants.orgId })
    .from(auctionParticipants)
    .where(and(eq(auctionParticipants.auctionId, auction.id), gt(auctionParticipants.heldFen, 0)));
  await setHolds(
    tx,
    auction,
    holders.filter((h) => h.orgId !== keepOrgId).map((h) => ({ orgId: h.orgId, targetFen: 0 })),
  );
}

async function notifyLosers(
  tx: Tx,
  auction: Auction,
  winnerOrgId: string | null,
  title: string,
  priceFen: number | null,
) {
  const losers = await tx
    .select({ orgId: auctionParticipants.orgId })
    .from(auctionParticipants)
    .where(eq(auctionParticipants.auctionId, auction.id));
  for (const { orgId } of losers) {
    if (orgId === winnerOrgId) continue;
    await notify(tx, {
      type: 'auction-lost',
      orgId,
      minRole: 'trader',
      params: { listing: title, price: priceFen === null ? '—' : priceParam(auction, priceFen) },
      link: `/auctions/${auction.id}`,
      subject: { type: 'auction', id: auction.id },
      dedupeKey: `auction:${auction.id}:lost:${orgId}`,
    });
  }
}

/**
 * Closes an auction if its (possibly extended) end has come. Idempotent: a closed auction is left as
 * it is, and an auction whose end moved (soft close, a clock restart) answers when to look again.
 */
export async function closeAuction(auctionId: string, now = new Date()): Promise<CloseResult> {
  const result = await db.transaction(async (tx): Promise<CloseResult> => {
    const auction = await lockAuction(tx, auctionId);
    if (auction.status !== 'open') return { result: 'already_closed' };
    const dueAt = closeDueAt(auction);
    if (now < dueAt) return { result: 'not_due', dueAt };
    const title = await lotTitle(tx, auction.listingId);

    if (auction.type === 'dutch') {
      // The clock sat on its floor for a tick unsold: what remains goes back to the lot.
      if (auction.remaining > 0) await releaseStock(tx, auction.listingId, auction.remaining);
      await tx
        .update(auctions)
        .set({ status: 'withdrawn', closedAt: now })
        .where(eq(auctions.id, auction.id));
      return { result: 'withdrawn' };
    }

    let winner: { orgId: string; priceFen: number } | null = null;
    if (auction.type === 'english') {
      const state = englishState(auction);
      if (state.leader && state.priceFen !== null && reserveMet(state, englishRules(auction)))
        winner = { orgId: state.leader.bidderId, priceFen: state.priceFen };
    } else {
      const sealed = await tx
        .select()
        .from(auctionParticipants)
        .where(and(eq(auctionParticipants.auctionId, auction.id), isNotNull(auctionParticipants.sealedFen)));
      const outcome = settleSealed(
        sealed.map((p) => ({ bidderId: p.orgId, amountFen: p.sealedFen ?? 0, seq: p.sealedSeq ?? 0 })),
        {
          pricing: auction.sealedPricing ?? 'first',
          startPriceFen: auction.startPriceFen,
          reservePriceFen: auction.reservePriceFen,
        },
      );
      if (outcome.sold) winner = { orgId: outcome.winner.bidderId, priceFen: outcome.priceFen };
    }

    await releaseAllBut(tx, auction, winner?.orgId ?? null);
    if (!winner) {
      await releaseStock(tx, auction.listingId, auction.quantity);
      await tx.update(auctions).set({ status: 'unsold', closedAt: now }).where(eq(auctions.id, auction.id));
      await notifyLosers(tx, auction, null, title, auction.priceFen);
      return { result: 'unsold' };
    }
    // The quantity left the lot's stock when the auction was created; the winner's deposit stays held until it pays.
    const orderId = await createOrderInTx(tx, {
      listingId: auction.listingId,
      buyerOrgId: winner.orgId,
      sellerOrgId: auction.sellerOrgId,
      source: 'auction',
      quantity: auction.quantity,
      unitPriceFen: winner.priceFen,
      perBase: auction.perBase,
      subtotalFen: lineTotal(winner.priceFen, auction.quantity, auction.perBase),
      currency: auction.currency,
      feeBps: auction.feeBps,
      createdBy: await lastBidder(tx, auction.id, winner.orgId),
      origin: { auctionId: auction.id },
    });
    if (auction.type === 'sealed') {
      await tx
        .update(auctionBids)
        .set({ outcome: 'lost' })
        .where(
          and(
            eq(auctionBids.auctionId, auction.id),
            eq(auctionBids.outcome, 'submitted'),
            ne(auctionBids.orgId, winner.orgId),
          ),
        );
      await tx
        .update(auctionBids)
        .set({ outcome: 'won' })
        .where(
          and(
            eq(auctionBids.auctionId, auction.id),
            eq(auctionBids.outcome, 'submitted'),
            eq(auctionBids.orgId, winner.orgId),
          ),
        );
    }
    await tx
      .update(auctions)
      .set({
        status: 'sold',
        closedAt: now,
        winnerOrgId: winner.orgId,
        winningPriceFen: winner.priceFen,
        priceFen: winner.priceFen,
        orderId,
      })
      .where(eq(auctions.id, auction.id));
    await notify(tx, {
      type: 'auction-won',
      orgId: winner.orgId,
      minRole: 'trader',
      params: {
        listing: title,
        price: priceParam(auction, winner.priceFen),
        order: orderId.slice(-8).toUpperCase(),
      },
      link: `/orders/${orderId}`,
      subject: { type: 'auction', id: auction.id },
      dedupeKey: `auction:${auction.id}:won`,
    });
    await notifyLosers(tx, auction, winner.orgId, title, winner.priceFen);
    return { result: 'sold', orderId, winnerOrgId: winner.orgId, priceFen: winner.priceFen };
  });
  if (result.result !== 'not_due' && result.result !== 'already_closed') await publishAuction(auctionId);
  return result;
}

/** Schedules another look at an auction whose end moved (through the outbox, like every job). */
export async function rescheduleClose(auctionId: string, dueAt: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await enqueue(tx, 'auctions', 'close', { auctionId }, { runAt: dueAt });
  });
}

/**
 * Called for every order event (app/orders/hooks.server.ts): a won auction's deposit is released when
 * the winner pays, and forfeited to the seller when it does not (the runner-up is then offered the lot).
 */
export async function afterAuctionOrderEvent(
  tx: DbOrTx,
  orderId: string,
  event: OrderEventHook,
): Promise<void> {
  if (!['record_payment', 'expire_unpaid', 'cancel'].includes(event.kind)) return;
  const [order] = await tx
    .select({ source: orders.source, buyerOrgId: orders.buyerOrgId })
    .from(orders)
    .where(eq(orders.id, orderId));
  if (order?.source !== 'auction') return;
  const [auction] = await tx
    .select()
    .from(auctions)
    .where(or(eq(auctions.orderId, orderId), eq(auctions.secondChanceOrderId, orderId)));
  if (!auction || auction.winnerOrgId === null) return;
  const isWinnerOrder = auction.orderId === orderId;
  const buyerDefaulted =
    event.kind === 'expire_unpaid' || (event.kind === 'cancel' && event.actorOrgId === order.buyerOrgId);
  if (isWinnerOrder && buyerDefaulted) {
    const amount = await forfeitHold(tx, {
      auctionId: auction.id,
      orgId: order.buyerOrgId,
      sellerOrgId: auction.sellerOrgId,
      feeBps: auction.feeBps,
      currency: auction.currency,
      orderId,
    });
    if (amount > 0)
      await notify(tx, {
        type: 'deposit-forfeited',
        orgId: order.buyerOrgId,
        minRole: 'trader',
        params: {
          listing: await lotTitle(tx, auction.listingId),
          amount: moneyParam(amount, auction.currency),
        },
        link: `/auctions/${auction.id}`,
        subject: { type: 'auction', id: auction.id },
        dedupeKey: `auction:${auction.id}:forfeit`,
      });
    await enqueue(tx, 'auctions', 'second-chance', { auctionId: auction.id });
    return;
  }
  // Paid, or cancelled by the seller or an operator: the deposit goes back.
  await setHolds(tx, auction, [{ orgId: order.buyerOrgId, targetFen: 0 }]);
}

/**
 * Offers a lot whose winner did not pay to the runner-up, at the runner-up's own highest bid (never
 * above what it offered), as an order awaiting payment. Idempotent: one second chance per auction.
 */
export async function offerSecondChance(auctionId: string): Promise<{ orderId: string } | null> {
  return db.transaction(async (tx) => {
    const auction = await lockAuction(tx, auctionId);
    if (auction.status !== 'sold' || auction.secondChanceOrderId || !auction.winnerOrgId) return null;
    const field = auction.type === 'sealed' ? auctionParticipants.sealedFen : auctionParticipants.maxFen;
    const seq = auction.type === 'sealed' ? auctionParticipants.sealedSeq : auctionParticipants.maxSeq;
    const [runnerUp] = await tx
      .select({ orgId: auctionParticipants.orgId, priceFen: field })
      .from(auctionParticipants)
      .where(
        and(
          eq(auctionParticipants.auctionId, auction.id),
          ne(auctionParticipants.orgId, auction.winnerOrgId),
          isNotNull(field),
        ),
      )
      .orderBy(desc(field), seq)
      .limit(1);
    if (!runnerUp?.priceFen) return null;
    if (auction.reservePriceFen !== null && runnerUp.priceFen < auction.reservePriceFen) return null;
    try {
      await reserveStock(tx, auction.listingId, auction.quantity);
    } catch (error) {
      // The lot was sold or withdrawn meanwhile: there is nothing left to offer.
      if (error instanceof ListingError) return null;
      throw error;
    }
    const orderId = await createOrderInTx(tx, {
      listingId: auction.listingId,
      buyerOrgId: runnerUp.orgId,
      sellerOrgId: auction.sellerOrgId,
      source: 'auction',
      quantity: auction.quantity,
      unitPriceFen: runnerUp.priceFen,
      perBase: auction.perBase,
      subtotalFen: lineTotal(runnerUp.priceFen, auction.quantity, auction.perBase),
      currency: auction.currency,
      feeBps: auction.feeBps,
      createdBy: await lastBidder(tx, auction.id, runnerUp.orgId),
      origin: { auctionId: auction.id, secondChance: true },
    });
    await tx.update(auctions).set({ secondChanceOrderId: orderId }).where(eq(auctions.id, auction.id));
    await notify(tx, {
      type: 'auction-second-chance',
      orgId: runnerUp.orgId,
      minRole: 'trader',
      params: {
        listing: await lotTitle(tx, auction.listingId),
        price: priceParam(auction, runnerUp.priceFen),
        order: orderId.slice(-8).toUpperCase(),
      },
      link: `/orders/${orderId}`,
      subject: { type: 'auction', id: auction.id },
      dedupeKey: `auction:${auction.id}:second-chance`,
    });
    return { orderId };
  });
}
