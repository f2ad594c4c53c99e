// Auctions against real PostgreSQL: a 5,000-bid race replayed on the reference model, soft close, a Dutch race,
// sealed bids, deposits, closing, the unpaid winner's forfeit and the runner-up's second chance.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auctionBids,
  auctionParticipants,
  auctions,
  ledgerAccounts,
  listings,
  notificationEvents,
  orders,
  outbox,
} from '../../db/schema';
import { AuctionError, createAuction, englishRules } from '../../app/auctions/auctions.server';
import { placeBid, pressClock } from '../../app/auctions/bidding.server';
import { closeAuction, offerSecondChance } from '../../app/auctions/closing.server';
import { depositFor } from '../../app/auctions/deposit';
import { payInDeposit } from '../../app/auctions/deposits.server';
import { balances } from '../../app/ledger/ledger.server';
import { actOnOrder } from '../../app/orders/orders.server';
import { processAuctionJob } from '../../workers/auctions';
import { UnrecoverableError } from 'bullmq';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { type ModelBid, replay } from '../unit/auction-reference';

// Enough connections that 200 bidders really contend for the auction row.
process.env.DATABASE_POOL_MAX = '40';

let seller: Seller;

beforeAll(async () => {
  seller = await verifiedSeller(db);
});

async function bidder(depositFen = 100_000_000): Promise<Seller> {
  const org = await buyerOrg(db);
  if (depositFen > 0)
    await db.transaction((tx) =>
      payInDeposit(tx, { orgId: org.orgId, amountFen: depositFen, reference: 'test' }),
    );
  return org;
}

async function english(
  options: { kg?: number; seconds?: number; reserve?: number; softClose?: number } = {},
) {
  const lot = await liveShrimpLot(db, seller, String(options.kg ?? 100));
  const now = Date.now();
  return db.transaction((tx) =>
    createAuction(tx, {
      listingId: lot,
      sellerOrgId: seller.orgId,
      userId: seller.userId,
      type: 'english',
      quantity: (options.kg ?? 100) * 1000,
      priceUnit: 'kg',
      startPriceFen: 3_000,
      reservePriceFen: options.reserve ?? null,
      startsAt: new Date(now - 1_000),
      endsAt: new Date(now + (options.seconds ?? 600) * 1000),
      softCloseSeconds: options.softClose,
    }),
  );
}

async function heldBalance(orgId: string): Promise<number> {
  return (await balances(db, orgId)).find((b) => b.kind === 'held')?.amount ?? 0;
}

describe('a hot English auction', () => {
  it('takes 5,000 bids from 200 concurrent bidders and ends as the reference model replayed on the stored order', async () => {
    const auctionId = await english({ kg: 100 });
    // Most bidders can cover any lead; every tenth can cover none, so "no deposit" refusals are in the mix.
    const bidders = await Promise.all(
      Array.from({ length: 200 }, (_, i) => bidder(i % 10 === 9 ? 20_000 : 100_000_000)),
    );
    const returned: string[] = [];
    const refusedForDeposit = new Set<string>();
    await Promise.all(
      bidders.map(async (b, i) => {
        for (let n = 0; n < 25; n++) {
          const [hint] = await db
            .select({ price: auctions.priceFen })
            .from(auctions)
            .where(eq(auctions.id, auctionId));
          const base = hint?.price ?? 3_000;
          const step = base >= 10_000 ? 100 : 50;
          const proxy = (i + n) % 2 === 0;
          const amountFen =
            base +
            step * (Math.floor(Math.random() * 5) - 1) +
            (proxy ? step * Math.floor(Math.random() * 6) : 0);
          const result = await placeBid({
            auctionId,
            orgId: b.orgId,
            userId: b.userId,
            kind: proxy ? 'proxy' : 'manual',
            amountFen: Math.max(1, amountFen),
          });
          if (result.ok) returned.push(result.bidId);
          else if (result.status === 402) refusedForDeposit.add(b.orgId);
        }
      }),
    );

    const stored = await db
      .select()
      .from(auctionBids)
      .where(eq(auctionBids.auctionId, auctionId))
      .orderBy(auctionBids.seq);
    const placed = stored.filter((bid) => bid.kind !== 'auto');
    // No bid lost: every bid is on record, numbered without gaps, and every accepted id returned is there.
    expect(placed).toHaveLength(5_000);
    expect(stored.map((bid) => bid.seq)).toEqual(stored.map((_, i) => i + 1));
    const ids = new Set(stored.map((bid) => bid.id));
    for (const id of returned) expect(ids.has(id)).toBe(true);

    // Replay: bids refused for want of deposit never happened as far as the rules are concerned.
    const [auction] = await db.select().from(auctions).where(eq(auctions.id, auctionId));
    const rules = englishRules(auction);
    const considered = placed.filter((bid) => bid.outcome !== 'no_deposit');
    const model = replay(
      considered.map(
        (bid): ModelBid => ({
          bidderId: bid.orgId,
          kind: bid.kind === 'manual' ? 'manual' : 'proxy',
          amountFen: bid.amountFen,
          seq: bid.seq,
        }),
      ),
      rules,
    );
    for (const [i, bid] of considered.entries())
      expect(bid.status === 'accepted').toBe(model.steps[i].accepted);
    expect(auction.leaderOrgId).toBe(model.final.leader);
    expect(auction.priceFen).toBe(model.final.priceFen);
    expect(auction.leaderMaxFen).toBe(model.final.leaderMax);
    expect(placed.filter((bid) => bid.status === 'accepted').length).toBeGreaterThan(100);
    expect(refusedForDeposit.size).toBeGreaterThan(0);

    // Exposure never above deposit: only the leader holds, exactly its share, and every org's held
    // balance on the ledger is what its auction rows say (the ledger refuses any overdraft).
    const holders = await db
      .select()
      .from(auctionParticipants)
      .where(and(eq(auctionParticipants.auctionId, auctionId), sql`${auctionParticipants.heldFen} > 0`));
    expect(holders.map((h) => h.orgId)).toEqual([auction.leaderOrgId]);
    expect(holders[0].heldFen).toBe(
      depositFor({
        priceFen: auction.leaderMaxFen ?? 0,
        quantity: auction.quantity,
        perBase: 1000,
        depositBps: auction.depositBps,
      }),
    );
    const accounts = await db
      .select({ orgId: ledgerAccounts.orgId, kind: ledgerAccounts.kind, balance: ledgerAccounts.balance })
      .from(ledgerAccounts)
      .where(
        inArray(
          ledgerAccounts.orgId,
          bidders.map((b) => b.orgId),
        ),
      );
    for (const b of bidders) {
      const held = accounts.find((a) => a.orgId === b.orgId && a.kind === 'held')?.balance ?? 0;
      const available = accounts.find((a) => a.orgId === b.orgId && a.kind === 'available')?.balance ?? 0;
      expect(held).toBe(b.orgId === auction.leaderOrgId ? holders[0].heldFen : 0);
      expect(available).toBeGreaterThanOrEqual(0);
    }
  }, 180_000);
});

describe('soft close', () => {
  it('moves the end when a bid lands 3 s before it, and the job at the old end does not close the auction', async () => {
    const auctionId = await english({ seconds: 30, softClose: 10 });
    const [before] = await db.select().from(auctions).where(eq(auctions.id, auctionId));
    const oldEnd = before.endsAt as Date;
    const a = await bidder();
    const late = await placeBid({
      auctionId,
      orgId: a.orgId,
      userId: a.userId,
      kind: 'manual',
      amountFen: 3_000,
      now: new Date(oldEnd.getTime() - 3_000),
    });
    expect(late.ok).toBe(true);
    const [after] = await db.select().from(auctions).where(eq(auctions.id, auctionId));
    expect(after.endsAt).toEqual(new Date(oldEnd.getTime() + 10_000));

    // The closing job that fires at the old end finds the auction still running and looks again later.
    expect(await closeAuction(auctionId, new Date(oldEnd.getTime() + 1))).toEqual({
      result: 'not_due',
      dueAt: after.endsAt,
    });
    const [still] = await db.select().from(auctions).where(eq(auctions.id, auctionId));
    expect(still.status).toBe('open');
    const closed = await closeAuction(auctionId, after.endsAt as Date);
    expect(closed).toMatchObject({ result: 'sold', winnerOrgId: a.orgId, priceFen: 3_000 });
    // Idempotent: a second run changes nothing.
    expect(await closeAuction(auctionId, new Date(Date.now() + 3_600_000))).toEqual({
      result: 'already_closed',
    });
    expect(await db.select().from(orders).where(eq(orders.listingId, before.listingId))).toHaveLength(1);
  });

  it('has the job reschedule itself when the end has moved', async () => {
    const auctionId = await english({ seconds: 600 });
    const result = (await processAuctionJob({ name: 'close', data: { auctionId } })) as { result: string };
    expect(result.result).toBe('not_due');
    const jobs = await db.select().from(outbox).where(eq(outbox.name, 'close'));
    expect(jobs.filter((j) => (j.payload as { auctionId: string }).auctionId === auctionId)).toHaveLength(2);
  });

  it('gives up at once on a job for an auction that does not exist (no retries)', async () => {
    const missing = processAuctionJob({ name: 'close', data: { auctionId: 'auc_missing0000000000000' } });
    await expect(missing).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

describe('closing, payment and default', () => {
  it('gives the winner an order at the proxy price, tells the loser, and forfeits an unpaid winner deposit to the seller', async () => {
    const auctionId = await english({ seconds: 600, reserve: 3_500 });
    const a = await bidder();
    const b = await bidder();
    expect(
      await placeBid({ auctionId, orgId: a.orgId, userId: a.userId, kind: 'manual', amountFen: 3_600 }),
    ).toMatchObject({
      ok: true,
      leading: true,
    });
    // B's proxy outbids A automatically, at A's bid plus one increment.
    expect(
      await placeBid({ auctionId, orgId: b.orgId, userId: b.userId, kind: 'proxy', amountFen: 5_000 }),
    ).toMatchObject({
      ok: true,
      leading: true,
      priceFen: 3_650,
    });
    const bDeposit = depositFor({ priceFen: 5_000, quantity: 100_000, perBase: 1000, depositBps: 1_000 });
    expect(await heldBalance(b.orgId)).toBe(bDeposit);
    expect(await heldBalance(a.orgId)).toBe(0);

    const closed = await closeAuction(auctionId, new Date(Date.now() + 601_000));
    expect(closed).toMatchObject({ result: 'sold', winnerOrgId: b.orgId, priceFen: 3_650 });
    if (closed.result !== 'sold') return;
    const [order] = await db.select().from(orders).where(eq(orders.id, closed.orderId));
    expect(order).toMatchObject({
      source: 'auction',
      buyerOrgId: b.orgId,
      quantity: 100_000,
      unitPriceFen: 3_650,
      subtotalFen: 365_000,
    });
    const events = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.subjectId, auctionId));
    expect(events.map((e) => `${e.type}:${e.orgId}`).sort()).toEqual(
      [`outbid:${a.orgId}`, `auction-won:${b.orgId}`, `auction-lost:${a.orgId}`].sort(),
    );

    const sellerBefore = (await balances(db, seller.orgId)).find((x) => x.kind === 'available')?.amount ?? 0;
    await actOnOrder(closed.orderId, { userId: null, parties: ['system'] }, { action: 'expire_unpaid' });
    expect(await heldBalance(b.orgId)).toBe(0);
    const sellerAfter = (await balances(db, seller.orgId)).find((x) => x.kind === 'available')?.amount ?? 0;
    const fee = Math.round((bDeposit * order.feeBps) / 10_000);
    expect(sellerAfter - sellerBefore).toBe(bDeposit - fee);
    const queued = await db.select().from(outbox).where(eq(outbox.name, 'second-chance'));
    expect(queued.some((j) => (j.payload as { auctionId: string }).auctionId === auctionId)).toBe(true);

    // The runner-up is offered the lot at its own highest bid.
    const offer = await offerSecondChance(auctionId);
    expect(offer).not.toBeNull();
    const [second] = await db
      .select()
      .from(orders)
      .where(eq(orders.id, offer?.orderId ?? ''));
    expect(second).toMatchObject({ buyerOrgId: a.orgId, unitPriceFen: 3_600, status: 'pending_payment' });
    expect(await offerSecondChance(auctionId)).toBeNull();
    const chance = await db
      .select()
      .from(notificationEvents)
      .where(
        and(
          eq(notificationEvents.subjectId, auctionId),
          eq(notificationEvents.type, 'auction-second-chance'),
        ),
      );
    expect(chance.map((e) => e.orgId)).toEqual([a.orgId]);
  });

  it('releases the winner deposit when it pays, and gives an unsold lot its stock back', async () => {
    const auctionId = await english({ seconds: 600 });
    const a = await bidder();
    await placeBid({ auctionId, orgId: a.orgId, userId: a.userId, kind: 'proxy', amountFen: 4_000 });
    const closed = await closeAuction(auctionId, new Date(Date.now() + 601_000));
    if (closed.result !== 'sold') throw new Error('expected a sale');
    await actOnOrder(closed.orderId, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
    expect(await heldBalance(a.orgId)).toBe(0);

    const empty = await english({ seconds: 600, kg: 50 });
    const [row] = await db.select().from(auctions).where(eq(auctions.id, empty));
    const [lotBefore] = await db.select().from(listings).where(eq(listings.id, row.listingId));
    expect(lotBefore.quantityAvailable).toBe(0);
    expect(await closeAuction(empty, new Date(Date.now() + 601_000))).toEqual({ result: 'unsold' });
    const [lotAfter] = await db.select().from(listings).where(eq(listings.id, row.listingId));
    expect(lotAfter.quantityAvailable).toBe(50_000);
  });

  it('refuses a bid on its own lot, on a closed auction, below the increment and without deposit', async () => {
    const auctionId = await english({ seconds: 600 });
    await expect(
      placeBid({ auctionId, orgId: seller.orgId, userId: seller.userId, kind: 'manual', amountFen: 5_000 }),
    ).rejects.toMatchObject({ status: 403 });
    const poor = await bidder(0);
    expect(
      await placeBid({ auctionId, orgId: poor.orgId, userId: poor.userId, kind: 'manual', amountFen: 5_000 }),
    ).toMatchObject({
      ok: false,
      status: 402,
    });
    const a = await bidder();
    await placeBid({ auctionId, orgId: a.orgId, userId: a.userId, kind: 'manual', amountFen: 5_000 });
    const b = await bidder();
    expect(
      await placeBid({ auctionId, orgId: b.orgId, userId: b.userId, kind: 'manual', amountFen: 5_020 }),
    ).toMatchObject({
      ok: false,
      status: 400,
      minimumFen: 5_050,
    });
    await closeAuction(auctionId, new Date(Date.now() + 601_000));
    expect(
      await placeBid({ auctionId, orgId: b.orgId, userId: b.userId, kind: 'manual', amountFen: 9_000 }),
    ).toMatchObject({
      ok: false,
      status: 409,
    });
    const kept = await db
      .select()
      .from(auctionBids)
      .where(eq(auctionBids.auctionId, auctionId))
      .orderBy(auctionBids.seq);
    expect(kept.map((bid) => `${bid.status}:${bid.outcome}`)).toEqual([
      'rejected:no_deposit',
      'accepted:leading',
      'rejected:too_low',
      'rejected:closed',
    ]);
  });
});

describe('Dutch clock', () => {
  async function dutch(kg: number) {
    const lot = await liveShrimpLot(db, seller, String(kg));
    // A minute ahead: the pre-sale below presses on the real clock, before the start, and a busy machine can
    // take more than half a second to get there. Everything after the start passes its own `now`.
    const startsAt = new Date(Date.now() + 60_000);
    const id = await db.transaction((tx) =>
      createAuction(tx, {
        listingId: lot,
        sellerOrgId: seller.orgId,
        userId: seller.userId,
        type: 'dutch',
        quantity: kg * 1000,
        priceUnit: 'kg',
        startPriceFen: 6_000,
        floorPriceFen: 3_000,
        presalePriceFen: 6_500,
        startsAt,
      }),
    );
    return { id, startsAt };
  }

  it('sells 300 of 1,000 kg at the clock price, restarts for 700, and withdraws the rest at the floor', async () => {
    const { id, startsAt } = await dutch(1_000);
    const a = await bidder();
    const pre = await pressClock({
      auctionId: id,
      orgId: a.orgId,
      userId: a.userId,
      quantity: 100_000,
      seenRound: null,
      presale: true,
    });
    expect(pre).toMatchObject({ ok: true, priceFen: 6_500, filled: 100_000 });
    const at = new Date(startsAt.getTime() + 3_500);
    const bought = await pressClock({
      auctionId: id,
      orgId: a.orgId,
      userId: a.userId,
      quantity: 300_000,
      seenRound: 0,
      now: at,
    });
    expect(bought).toMatchObject({ ok: true, priceFen: 5_970, filled: 300_000 });
    const [row] = await db.select().from(auctions).where(eq(auctions.id, id));
    expect(row).toMatchObject({ remaining: 600_000, clockRound: 1, status: 'open' });
    expect(row.clockStartsAt).toEqual(at);
    const order = await db
      .select()
      .from(orders)
      .where(eq(orders.id, bought.ok ? (bought.orderId ?? '') : ''));
    expect(order[0]).toMatchObject({ quantity: 300_000, unitPriceFen: 5_970, source: 'auction' });

    const floorPassed = new Date(at.getTime() + (300 + 1) * 1_000);
    expect(await closeAuction(id, new Date(at.getTime() + 1_000))).toMatchObject({ result: 'not_due' });
    expect(await closeAuction(id, floorPassed)).toEqual({ result: 'withdrawn' });
    const [lot] = await db.select().from(listings).where(eq(listings.id, row.listingId));
    expect(lot.quantityAvailable).toBe(600_000);
  });

  it('never sells the last 100 kg twice when two buyers press in the same instant', async () => {
    for (const [askA, askB] of [
      [100_000, 100_000],
      [60_000, 100_000],
    ]) {
      const { id, startsAt } = await dutch(1_000);
      const c = await bidder();
      const now = new Date(startsAt.getTime() + 2_000);
      await pressClock({
        auctionId: id,
        orgId: c.orgId,
        userId: c.userId,
        quantity: 900_000,
        seenRound: 0,
        now,
      });
      const [a, b] = [await bidder(), await bidder()];
      const when = new Date(now.getTime() + 1_000);
      const results = await Promise.all([
        pressClock({
          auctionId: id,
          orgId: a.orgId,
          userId: a.userId,
          quantity: askA,
          seenRound: 1,
          now: when,
        }),
        pressClock({
          auctionId: id,
          orgId: b.orgId,
          userId: b.userId,
          quantity: askB,
          seenRound: 1,
          now: when,
        }),
      ]);
      const filled = results.reduce((sum, r) => sum + (r.ok ? (r.filled ?? 0) : 0), 0);
      expect(filled).toBeLessThanOrEqual(100_000);
      const winners = results.filter((r) => r.ok);
      expect(winners.length).toBeGreaterThanOrEqual(1);
      const first = winners[0];
      expect(first.ok && first.filled).toBe(first === results[0] ? askA : askB);
      for (const r of results)
        if (!r.ok) expect(['auctions.errors.sold', 'auctions.errors.clockRestarted']).toContain(r.messageKey);
      const sold = await db
        .select()
        .from(orders)
        .where(inArray(orders.buyerOrgId, [a.orgId, b.orgId]));
      expect(sold.reduce((sum, o) => sum + o.quantity, 0)).toBe(filled);
    }
  });
});

describe('sealed bid', () => {
  it('keeps bids hidden, counts the last replacement, charges the second price and releases losers', async () => {
    const lot = await liveShrimpLot(db, seller, '100');
    const now = Date.now();
    const id = await db.transaction((tx) =>
      createAuction(tx, {
        listingId: lot,
        sellerOrgId: seller.orgId,
        userId: seller.userId,
        type: 'sealed',
        sealedPricing: 'second',
        quantity: 100_000,
        priceUnit: 'kg',
        startPriceFen: 3_000,
        startsAt: new Date(now - 1_000),
        endsAt: new Date(now + 600_000),
      }),
    );
    const [a, b] = [await bidder(), await bidder()];
    await placeBid({ auctionId: id, orgId: a.orgId, userId: a.userId, kind: 'sealed', amountFen: 5_000 });
    await placeBid({ auctionId: id, orgId: b.orgId, userId: b.userId, kind: 'sealed', amountFen: 6_000 });
    await placeBid({ auctionId: id, orgId: a.orgId, userId: a.userId, kind: 'sealed', amountFen: 4_500 });
    expect(await heldBalance(a.orgId)).toBe(
      depositFor({ priceFen: 4_500, quantity: 100_000, perBase: 1000, depositBps: 1_000 }),
    );
    const { publicState } = await import('../../app/auctions/live.server');
    const [open] = await db.select().from(auctions).where(eq(auctions.id, id));
    const visible = await publicState(db, open);
    expect(visible).toMatchObject({ priceFen: null, leader: null, bids: [], bidCount: 0 });
    expect(JSON.stringify(visible)).not.toContain('6000');

    const closed = await closeAuction(id, new Date(now + 601_000));
    expect(closed).toMatchObject({ result: 'sold', winnerOrgId: b.orgId, priceFen: 4_500 });
    expect(await heldBalance(a.orgId)).toBe(0);
    await expect(
      placeBid({
        auctionId: id,
        orgId: seller.orgId,
        userId: seller.userId,
        kind: 'sealed',
        amountFen: 9_000,
      }),
    ).rejects.toBeInstanceOf(AuctionError);
  });
});
