// Exchange order entry against a real writer (ADR 0031): buy cover held as deposit, sell stock reserved from a fitting
// lot and given back, sanctions and verification refused with nothing held, and each fill one normal order, once.
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  exchangeCursors,
  exchangeFills,
  exchangeOrders,
  instruments,
  listings,
  marketDayAggregates,
  orderEvents,
  orders,
  organisations,
} from '../../db/schema';
import { seedCatalogue } from '../../db/seed';
import { payInDeposit } from '../../app/auctions/deposits.server';
import {
  type ExchangeEngine,
  ExchangeOrderError,
  type Ticket,
  cancelExchangeOrder,
  amendExchangeOrder,
  liveExchange,
  placeExchangeOrder,
  projectJournal,
  referencePriceFen,
} from '../../app/exchange/orders.server';
import { addDays, marketToday } from '../../app/lib/market-time';
import { ExchangeUnavailable, closeSubmitter } from '../../app/exchange/submit.server';
import { type ExchangeWriter, startExchangeWriter } from '../../app/exchange/writer.server';
import { balances } from '../../app/ledger/ledger.server';
import { redis } from '../../app/lib/redis.server';
import { screenListing } from '../../app/trust/moderation.server';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { waitFor } from '../support/worker-process';

const writers: ExchangeWriter[] = [];
let engine: ExchangeEngine;

/** A shrimp 40/50 live instrument of its own (a fresh uuid: its Redis command list is this test's alone). */
async function instrument(phase: 'continuous' | 'call' = 'continuous', withWriter = true): Promise<string> {
  const id = randomUUID();
  await db.insert(instruments).values({
    id,
    code: `T-${id.slice(0, 8).toUpperCase()}`,
    nameZh: '白对虾 40/50 头 鲜活',
    nameEn: 'Whiteleg shrimp 40/50, live',
    categoryId: 'whiteleg-shrimp',
    grade: { count: '40/50', state: 'live' },
    unitGrams: 10_000,
    unitNameZh: '箱（10 公斤）',
    unitNameEn: 'case (10 kg)',
    tickFen: 50,
    deliveryPlace: '湛江霞山水产品批发市场',
    callStart: '05:30',
    openTime: '06:00',
    closeTime: '18:00',
    bandBps: 1_000,
    referencePriceFen: 40_000,
  });
  if (withWriter) {
    const writer = startExchangeWriter({
      instrumentId: id,
      tick: 50,
      phase,
      databaseUrl: process.env.DATABASE_URL as string,
      redis: redis(),
      lockRetryMs: 100,
    });
    writers.push(writer);
    await waitFor('the writer to serve', async () => writer.state === 'serving');
  }
  return id;
}

/** One origin's day of 40/50 trades at one price. */
function aggregate(a: { origin: string; day: string; fenPerKg: number; grams: number }) {
  return {
    categoryId: 'whiteleg-shrimp',
    grade: '40/50',
    origin: a.origin,
    day: a.day,
    valueMilliFen: a.fenPerKg * a.grams,
    amountFen: Math.round((a.fenPerKg * a.grams) / 1000),
    weightGrams: a.grams,
    lowFenPerKg: a.fenPerKg,
    highFenPerKg: a.fenPerKg,
    trades: 1,
  };
}

async function verifiedBuyer(depositFen = 1_000_000): Promise<Seller> {
  const buyer = await buyerOrg(db);
  await db.update(organisations).set({ verification: 'verified' }).where(eq(organisations.id, buyer.orgId));
  if (depositFen > 0)
    await db.transaction((tx) =>
      payInDeposit(tx, { orgId: buyer.orgId, amountFen: depositFen, reference: 'test' }),
    );
  return buyer;
}

async function sellerWithLot(kg = '1000') {
  const seller = await verifiedSeller(db);
  const lotId = await liveShrimpLot(db, seller, kg, {
    titleZh: `南美白对虾 40/50 头 鲜活 批次 ${randomUUID().slice(0, 6)}`,
  });
  await screenListing(db, lotId);
  return { seller, lotId };
}

const ticket = (fields: Partial<Ticket>): Ticket => ({
  side: 'buy',
  type: 'limit',
  tif: 'gtc',
  price: '400',
  quantity: 10,
  ...fields,
});

async function held(orgId: string): Promise<number> {
  return (await balances(db, orgId)).find((b) => b.kind === 'held')?.amount ?? 0;
}
async function available(lotId: string): Promise<number> {
  const [lot] = await db
    .select({ q: listings.quantityAvailable })
    .from(listings)
    .where(eq(listings.id, lotId));
  return lot.q;
}
async function refusal(promise: Promise<unknown>): Promise<{ key: string; status: number; field?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExchangeOrderError)
      return { key: error.messageKey, status: error.status, field: error.field };
    if (error instanceof Response) return { key: 'response', status: error.status };
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  await seedCatalogue(db);
  engine = liveExchange(3_000);
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  await closeSubmitter(redis());
});

describe('buy orders and their cover', () => {
  it('holds the category share of the order as deposit while it rests, and releases it on cancel', async () => {
    const instrumentId = await instrument();
    const buyer = await verifiedBuyer();
    const order = await placeExchangeOrder(db, engine, {
      instrumentId,
      orgId: buyer.orgId,
      userId: buyer.userId,
      ticket: ticket({ price: '400', quantity: 10 }),
    });
    expect(order.status).toBe('resting');
    // 10 cases at ¥400 = ¥4,000; the category's deposit share is 10 % → ¥400 = 40,000 fen.
    expect(order.coverFen).toBe(40_000);
    expect(await held(buyer.orgId)).toBe(40_000);

    const cancelled = await cancelExchangeOrder(db, engine, {
      orderId: order.id,
      orgId: buyer.orgId,
      userId: buyer.userId,
    });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.coverFen).toBe(0);
    expect(await held(buyer.orgId)).toBe(0);
  });

  it('refuses an order its deposit cannot cover, with nothing written or held', async () => {
    const instrumentId = await instrument();
    const buyer = await verifiedBuyer(10_000);
    const refused = await refusal(
      placeExchangeOrder(db, engine, {
        instrumentId,
        orgId: buyer.orgId,
        userId: buyer.userId,
        ticket: ticket({}),
      }),
    );
    expect(refused).toMatchObject({ key: 'exchange.errors.coverShort', status: 409 });
    expect(await held(buyer.orgId)).toBe(0);
    const [{ n }] = await db
      .select({ n: count() })
      .from(exchangeOrders)
      .where(eq(exchangeOrders.orgId, buyer.orgId));
    expect(n).toBe(0);
  });

  it('refuses prices off the tick or outside the band, and unverified or sanctioned orgs', async () => {
    const instrumentId = await instrument();
    const buyer = await verifiedBuyer();
    const place = (fields: Partial<Ticket>, who: Seller = buyer) =>
      refusal(
        placeExchangeOrder(db, engine, {
          instrumentId,
          orgId: who.orgId,
          userId: who.userId,
          ticket: ticket(fields),
        }),
      );
    expect(await place({ price: '400.20' })).toMatchObject({
      key: 'exchange.errors.tick',
      field: 'price',
      status: 400,
    });
    expect(await place({ price: '440.50' })).toMatchObject({ key: 'exchange.errors.band', field: 'price' });
    expect(await place({ price: '' })).toMatchObject({ key: 'errors.required', field: 'price' });
    expect(await place({ minQuantity: 11 })).toMatchObject({ key: 'exchange.errors.minQuantity' });

    const unverified = await buyerOrg(db);
    await db.transaction((tx) =>
      payInDeposit(tx, { orgId: unverified.orgId, amountFen: 1_000_000, reference: 'test' }),
    );
    expect(await place({}, unverified)).toMatchObject({ key: 'exchange.errors.notVerified', status: 403 });

    await db
      .update(organisations)
      .set({ suspendedUntil: new Date(Date.now() + 86_400_000) })
      .where(eq(organisations.id, buyer.orgId));
    expect(await place({})).toMatchObject({ key: 'response', status: 403 });
    expect(await held(buyer.orgId)).toBe(0);
    expect(await held(unverified.orgId)).toBe(0);
    const [{ n }] = await db
      .select({ n: count() })
      .from(exchangeOrders)
      .where(eq(exchangeOrders.instrumentId, instrumentId));
    expect(n).toBe(0);
  });

  it("centres the band on the market's reference of the grade once it has traded, scaled to the unit", async () => {
    const instrumentId = await instrument();
    const buyer = await verifiedBuyer();
    const place = (price: string) =>
      refusal(
        placeExchangeOrder(db, engine, {
          instrumentId,
          orgId: buyer.orgId,
          userId: buyer.userId,
          ticket: ticket({ price, tif: 'ioc' }),
        }),
      );
    const [row] = await db.select().from(instruments).where(eq(instruments.id, instrumentId));
    // No trade of 40/50 yet: the operator's ¥400 a case, band ¥360–440.
    expect(await referencePriceFen(db, row)).toBe(40_000);
    // Two days of 40/50 (from two origins) in the last 14: ¥44.50/kg × 300 kg and ¥46.00/kg × 100 kg → 4,487.5
    // fen/kg, half up 4,488 → 44,880 fen a 10 kg case; band ±10 % on the ¥0.50 tick: ¥404.00–493.50.
    const day = (back: number) => addDays(marketToday(), -back);
    await db.insert(marketDayAggregates).values([
      aggregate({ origin: '广东湛江', day: day(1), fenPerKg: 4_450, grams: 300_000 }),
      aggregate({ origin: '广西钦州', day: day(3), fenPerKg: 4_600, grams: 100_000 }),
      // Outside the 14-day window: no weight.
      aggregate({ origin: '广东湛江', day: day(20), fenPerKg: 9_000, grams: 900_000 }),
    ]);
    try {
      expect(await referencePriceFen(db, row)).toBe(44_880);
      expect(await place('400')).toMatchObject({ key: 'exchange.errors.band', field: 'price' });
      expect(await place('494')).toMatchObject({ key: 'exchange.errors.band', field: 'price' });
      // Inside the band, its edge included: accepted (an IOC with nothing to meet, so it rests nothing).
      for (const price of ['404', '440.50', '493.50'])
        await expect(
          placeExchangeOrder(db, engine, {
            instrumentId,
            orgId: buyer.orgId,
            userId: buyer.userId,
            ticket: ticket({ price, tif: 'ioc' }),
          }),
        ).resolves.toBeTruthy();
    } finally {
      await db.delete(marketDayAggregates).where(eq(marketDayAggregates.categoryId, 'whiteleg-shrimp'));
    }
  });

  it('takes more cover before an amend to a higher price, and gives back what a smaller quantity frees', async () => {
    const instrumentId = await instrument();
    const buyer = await verifiedBuyer();
    const order = await placeExchangeOrder(db, engine, {
      instrumentId,
      orgId: buyer.orgId,
      userId: buyer.userId,
      ticket: ticket({ price: '400', quantity: 10 }),
    });
    const up = await amendExchangeOrder(db, engine, {
      orderId: order.id,
      orgId: buyer.orgId,
      userId: buyer.userId,
      price: '420',
    });
    expect(up).toMatchObject({ priceFen: 42_000, remaining: 10, coverFen: 42_000, status: 'resting' });
    const down = await amendExchangeOrder(db, engine, {
      orderId: order.id,
      orgId: buyer.orgId,
      userId: buyer.userId,
      quantity: 4,
    });
    expect(down).toMatchObject({ remaining: 4, coverFen: 16_800 });
    expect(await held(buyer.orgId)).toBe(16_800);
  });
});

describe('sell orders and their stock', () => {
  it('reserves the units from a fitting lot while resting and gives them back on cancel', async () => {
    const instrumentId = await instrument();
    const { seller, lotId } = await sellerWithLot('1000');
    const order = await placeExchangeOrder(db, engine, {
      instrumentId,
      orgId: seller.orgId,
      userId: seller.userId,
      ticket: ticket({ side: 'sell', price: '410', quantity: 20, listingId: lotId }),
    });
    expect(order).toMatchObject({ status: 'resting', reservedGrams: 200_000 });
    expect(await available(lotId)).toBe(800_000);
    await cancelExchangeOrder(db, engine, { orderId: order.id, orgId: seller.orgId, userId: seller.userId });
    expect(await available(lotId)).toBe(1_000_000);
  });

  it('refuses a lot that does not fit the grade, and more units than the lot has', async () => {
    const instrumentId = await instrument();
    const { seller, lotId } = await sellerWithLot('100');
    await db
      .update(listings)
      .set({ spec: { count: '30/40', state: 'live' } })
      .where(eq(listings.id, lotId));
    const sell = (quantity: number) =>
      refusal(
        placeExchangeOrder(db, engine, {
          instrumentId,
          orgId: seller.orgId,
          userId: seller.userId,
          ticket: ticket({ side: 'sell', quantity, listingId: lotId }),
        }),
      );
    expect(await sell(1)).toMatchObject({ key: 'exchange.errors.lotDoesNotFit', field: 'listingId' });
    await db
      .update(listings)
      .set({ spec: { count: '40/50', state: 'live' } })
      .where(eq(listings.id, lotId));
    expect(await sell(11)).toMatchObject({ key: 'exchange.errors.stockShort', field: 'quantity' });
    expect(await available(lotId)).toBe(100_000);
  });
});

describe('fills become orders', () => {
  it('makes one pending-payment order per fill, releases what the filled orders held, and never doubles on replay', async () => {
    const instrumentId = await instrument();
    const buyer = await verifiedBuyer();
    const { seller, lotId } = await sellerWithLot('1000');
    const sell = await placeExchangeOrder(db, engine, {
      instrumentId,
      orgId: seller.orgId,
      userId: seller.userId,
      ticket: ticket({ side: 'sell', price: '400', quantity: 6, listingId: lotId }),
    });
    const buy = await placeExchangeOrder(db, engine, {
      instrumentId,
      orgId: buyer.orgId,
      userId: buyer.userId,
      ticket: ticket({ side: 'buy', type: 'limit', tif: 'ioc', price: '405', quantity: 10 }),
    });
    // The IOC takes the 6 resting at ¥400 and its remaining 4 are cancelled.
    expect(buy).toMatchObject({ status: 'cancelled', statusReason: 'ioc', remaining: 4, coverFen: 0 });
    const [sold] = await db.select().from(exchangeOrders).where(eq(exchangeOrders.id, sell.id));
    expect(sold).toMatchObject({ status: 'filled', remaining: 0, reservedGrams: 0 });
    expect(await held(buyer.orgId)).toBe(0);
    // The 60 kg stay taken from the lot: they are the new order's.
    expect(await available(lotId)).toBe(940_000);

    const made = await db.select().from(orders).where(eq(orders.buyerOrgId, buyer.orgId));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      source: 'exchange',
      sellerOrgId: seller.orgId,
      listingId: lotId,
      status: 'pending_payment',
      quantity: 60_000,
      unitPriceFen: 40_000,
      perBase: 10_000,
      subtotalFen: 240_000,
    });
    const [created] = await db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, made[0].id), eq(orderEvents.kind, 'created')));
    expect(created.data).toMatchObject({ instrumentId, buyOrderId: buy.id, sellOrderId: sell.id });

    // The worker's consumer reading the whole journal again (cursor lost) changes nothing.
    await db
      .update(exchangeCursors)
      .set({ lastSeq: 0 })
      .where(eq(exchangeCursors.instrumentId, instrumentId));
    await projectJournal(db, instrumentId);
    expect(await db.select().from(orders).where(eq(orders.buyerOrgId, buyer.orgId))).toHaveLength(1);
    const [{ n }] = await db
      .select({ n: count() })
      .from(exchangeFills)
      .where(eq(exchangeFills.instrumentId, instrumentId));
    expect(n).toBe(1);
    expect(await available(lotId)).toBe(940_000);
    expect(await held(buyer.orgId)).toBe(0);
  });
});

describe('no writer', () => {
  it('throws ExchangeUnavailable and leaves the order pending with its cover until the journal tells', async () => {
    const instrumentId = await instrument('continuous', false);
    const buyer = await verifiedBuyer();
    const quick = liveExchange(300);
    await expect(
      placeExchangeOrder(db, quick, {
        instrumentId,
        orgId: buyer.orgId,
        userId: buyer.userId,
        ticket: ticket({}),
      }),
    ).rejects.toBeInstanceOf(ExchangeUnavailable);
    const [row] = await db.select().from(exchangeOrders).where(eq(exchangeOrders.orgId, buyer.orgId));
    expect(row).toMatchObject({ status: 'pending', coverFen: 40_000 });
  });
});
