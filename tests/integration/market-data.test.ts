// Market data against real PostgreSQL and a real worker: exact VWAP/low/high from orders, refunds leaving the index,
// market days in Asia/Shanghai, the 14-day reference price, and the order-completes → trade-row job path.
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  categories,
  disputes,
  marketDayAggregates,
  marketTrades,
  orderEvents,
  orders,
} from '../../db/schema';
import { createListing } from '../../app/listings/listings.server';
import { parseListingForm } from '../../app/listings/form.server';
import { rebuildMarketAggregates, recordOrderTrade, tradeGrade } from '../../app/market-data/index.server';
import {
  boardFilters,
  priceSeries,
  quotesBoard,
  referencePriceFen,
} from '../../app/market-data/queries.server';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { processOrderJob } from '../../workers/orders';
import { type Seller, buyerOrg, shrimpLotFields, verifiedSeller } from '../support/listings';
import { startWorker, stopAllWorkers, waitFor } from '../support/worker-process';

afterEach(stopAllWorkers);

const operator = { userId: null, parties: ['operator' as const] };
let seller: Seller;
let buyer: Seller;

beforeAll(async () => {
  seller = await verifiedSeller(db);
  buyer = await buyerOrg();
});

/** A live shrimp lot of this test's own grade and origin, at `price` yuan per kg. */
async function lot(options: { price: string; count: string; origin: string; kg?: string }) {
  const categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
  const parsed = parseListingForm(
    {
      ...shrimpLotFields({ quantityKg: options.kg ?? '1000' }),
      titleZh: `南美白对虾 ${options.count} 批次 ${randomBytes(3).toString('hex')}`,
      originRegion: options.origin,
      'spec.count': options.count,
      'tiers.0.price': options.price,
    },
    categoriesById,
  );
  if (!parsed.ok) throw new Error(`fixture lot fails the form: ${JSON.stringify(parsed.errors)}`);
  const { id, status } = await createListing(db, {
    orgId: seller.orgId,
    actorUserId: seller.userId,
    draft: parsed.draft,
    submit: true,
  });
  if (status !== 'live') throw new Error(`fixture lot is ${status}`);
  return id;
}

/** Buys `kg` of a lot, pays, ships and delivers it: the order waits in its inspection window. */
async function delivered(listingId: string, kg: string, weighedKg?: string) {
  const placed = await placeBuyNow({
    buyerOrgId: buyer.orgId,
    actorUserId: buyer.userId,
    form: { listingId, quantity: kg, unit: 'kg', tolerancePercent: 10 },
  });
  if (!placed.ok) throw new Error(`buy failed: ${JSON.stringify(placed.errors)}`);
  const id = placed.orderId;
  const sellerActor = { userId: seller.userId, parties: ['seller' as const] };
  await actOnOrder(id, operator, { action: 'record_payment' });
  await actOnOrder(id, sellerActor, { action: 'ship' });
  if (weighedKg)
    await actOnOrder(id, sellerActor, { action: 'record_weight', quantity: weighedKg, unit: 'kg' });
  await actOnOrder(id, { userId: buyer.userId, parties: ['buyer'] }, { action: 'confirm_delivery' });
  return id;
}

/** The buyer accepts the goods (确认收货) — as if at `at` — and the market-data job runs for the order. */
async function complete(orderId: string, at?: string) {
  await actOnOrder(orderId, { userId: buyer.userId, parties: ['buyer'] }, { action: 'accept' });
  if (at)
    await db
      .update(orderEvents)
      .set({ at: new Date(at) })
      .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.toStatus, 'completed')));
  return processOrderJob({ name: 'record-trade', data: { orderId } });
}

async function trade(listingId: string, kg: string, at: string, weighedKg?: string) {
  const id = await delivered(listingId, kg, weighedKg);
  expect(await complete(id, at)).toEqual({ trade: 'recorded' });
  return id;
}

async function aggregate(count: string, origin: string, day: string) {
  const [row] = await db
    .select()
    .from(marketDayAggregates)
    .where(
      and(
        eq(marketDayAggregates.categoryId, 'whiteleg-shrimp'),
        eq(marketDayAggregates.grade, count),
        eq(marketDayAggregates.origin, origin),
        eq(marketDayAggregates.day, day),
      ),
    );
  return row;
}

describe('the day index', () => {
  it('gives the exact volume-weighted average (half-up), low, high, volume and trades of known trades', async () => {
    // 2.5 kg at ¥42.00, 1 kg at ¥40.00, 0.5 kg at ¥45.01: (2500·4200 + 1000·4000 + 500·4501) / 4000 = 4187.625.
    const [a, b, c] = [
      await lot({ price: '42.00', count: '20/30', origin: '测试甲省' }),
      await lot({ price: '40.00', count: '20/30', origin: '测试甲省' }),
      await lot({ price: '45.01', count: '20/30', origin: '测试甲省' }),
    ];
    await trade(a, '2.5', '2026-03-02T02:00:00Z');
    await trade(b, '1', '2026-03-02T03:00:00Z');
    await trade(c, '0.5', '2026-03-02T04:00:00Z');
    const board = await quotesBoard(db, { day: '2026-03-02', grade: '20/30', origin: '测试甲省' });
    expect(board).toEqual([
      {
        categoryId: 'whiteleg-shrimp',
        categoryName: { zh: '南美白对虾', en: 'Whiteleg shrimp' },
        grade: '20/30',
        origin: '测试甲省',
        vwapFen: 4188,
        lowFen: 4000,
        highFen: 4501,
        volumeGrams: 4000,
        trades: 3,
        prevVwapFen: null,
        referenceFen: null,
      },
    ]);
    const row = await aggregate('20/30', '测试甲省', '2026-03-02');
    // The money paid: 105.00 + 40.00 + 22.51 (half of 45.01, rounded half-up by the order's pricing).
    expect(row).toMatchObject({ amountFen: 16_751, weightGrams: 4000, valueMilliFen: 16_750_500 });
  });

  it('rounds an exact half up, and counts the weighed quantity, not the ordered one', async () => {
    const [a, b] = [
      await lot({ price: '10.00', count: '30/40', origin: '测试乙省' }),
      await lot({ price: '10.01', count: '30/40', origin: '测试乙省' }),
    ];
    // Ordered 10 kg, weighed 9 kg: 9 kg at ¥10.00 and 9 kg at ¥10.01 → 1000.5 fen per kg → 1001.
    const first = await trade(a, '10', '2026-03-03T02:00:00Z', '9');
    await trade(b, '9', '2026-03-03T02:30:00Z');
    const [point] = await priceSeries(db, {
      categoryId: 'whiteleg-shrimp',
      grade: '30/40',
      origin: '测试乙省',
      fromDay: '2026-03-03',
      toDay: '2026-03-03',
    });
    expect(point).toEqual({
      day: '2026-03-03',
      vwapFen: 1001,
      lowFen: 1000,
      highFen: 1001,
      volumeGrams: 18_000,
      trades: 2,
    });
    const [row] = await db.select().from(marketTrades).where(eq(marketTrades.orderId, first));
    expect(row).toMatchObject({ weightGrams: 9000, amountFen: 9000, priceFenPerKg: 1000, source: 'buy_now' });
    // A second run of the job changes nothing.
    expect(await processOrderJob({ name: 'record-trade', data: { orderId: first } })).toEqual({
      trade: 'unchanged',
    });
    expect((await aggregate('30/40', '测试乙省', '2026-03-03')).trades).toBe(2);
  });
});

describe('refunds and cancellations', () => {
  it('removes a refunded trade, and the day recomputes its low and high from the trades that stay', async () => {
    const origin = '测试丙省';
    const [cheap, mid, dear] = [
      await lot({ price: '30.00', count: '40/50', origin }),
      await lot({ price: '35.00', count: '40/50', origin }),
      await lot({ price: '50.00', count: '40/50', origin }),
    ];
    const cheapOrder = await trade(cheap, '2', '2026-03-04T02:00:00Z');
    await trade(mid, '2', '2026-03-04T03:00:00Z');
    const dearOrder = await trade(dear, '2', '2026-03-04T04:00:00Z');
    expect(await aggregate('40/50', origin, '2026-03-04')).toMatchObject({
      lowFenPerKg: 3000,
      highFenPerKg: 5000,
      trades: 3,
    });

    // The market refunds the cheapest and the dearest trade in full after the fact (the order now stands resolved
    // with a full refund, however it got there): the job takes both out of the index.
    for (const orderId of [cheapOrder, dearOrder]) {
      await db.update(orders).set({ status: 'resolved' }).where(eq(orders.id, orderId));
      await db.insert(disputes).values({
        id: `dsp_${randomBytes(5).toString('hex')}`,
        orderId,
        openedBy: buyer.userId,
        reason: '到货后发现质量问题',
        status: 'resolved',
        outcome: 'refund_full',
        refundFen: 10_000,
      });
    }
    expect(await processOrderJob({ name: 'record-trade', data: { orderId: cheapOrder } })).toEqual({
      trade: 'removed',
    });
    expect(await aggregate('40/50', origin, '2026-03-04')).toMatchObject({
      lowFenPerKg: 3500,
      highFenPerKg: 5000,
      trades: 2,
      weightGrams: 4000,
    });
    expect(await processOrderJob({ name: 'record-trade', data: { orderId: dearOrder } })).toEqual({
      trade: 'removed',
    });
    expect(await aggregate('40/50', origin, '2026-03-04')).toMatchObject({
      lowFenPerKg: 3500,
      highFenPerKg: 3500,
      trades: 1,
      weightGrams: 2000,
      valueMilliFen: 7_000_000,
    });
    expect(await db.select().from(marketTrades).where(eq(marketTrades.orderId, cheapOrder))).toHaveLength(0);

    // What the incremental path left equals a rebuild from the trades table.
    const before = await db.select().from(marketDayAggregates);
    await rebuildMarketAggregates(db);
    const after = await db.select().from(marketDayAggregates);
    const strip = (rows: typeof before) =>
      rows
        .map(({ updatedAt: _, ...rest }) => rest)
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(strip(after)).toEqual(strip(before));
  });

  it('drops the last trade of a day together with its aggregate', async () => {
    const origin = '测试丁省';
    const only = await trade(
      await lot({ price: '33.00', count: '40/50', origin }),
      '1',
      '2026-03-05T02:00:00Z',
    );
    await db.update(orders).set({ status: 'cancelled' }).where(eq(orders.id, only));
    expect(await processOrderJob({ name: 'record-trade', data: { orderId: only } })).toEqual({
      trade: 'removed',
    });
    expect(await aggregate('40/50', origin, '2026-03-05')).toBeUndefined();
    expect(await quotesBoard(db, { day: '2026-03-05', origin })).toEqual([]);
  });

  it('never counts an order refunded in a dispute; counts one whose dispute was rejected', async () => {
    const origin = '测试戊省';
    const refunded = await delivered(await lot({ price: '20.00', count: '50/60', origin }), '3');
    const rejected = await delivered(await lot({ price: '22.00', count: '50/60', origin }), '3');
    const buyerActor = { userId: buyer.userId, parties: ['buyer' as const] };
    for (const id of [refunded, rejected])
      await actOnOrder(id, buyerActor, { action: 'open_dispute', reason: '到货有三成死虾，附照片' });
    await actOnOrder(refunded, operator, {
      action: 'resolve_dispute',
      outcome: 'refund_full',
      resolution: '全额退款给买家',
    });
    await actOnOrder(rejected, operator, {
      action: 'resolve_dispute',
      outcome: 'rejected',
      resolution: '照片不能证明问题，驳回',
    });
    expect(await recordOrderTrade(db, refunded)).toBe('none');
    expect(await recordOrderTrade(db, rejected)).toBe('recorded');
    const rows = await db.select().from(marketTrades).where(eq(marketTrades.origin, origin));
    expect(rows.map((r) => [r.orderId, r.priceFenPerKg])).toEqual([[rejected, 2200]]);
  });
});

describe('market days', () => {
  it.each([
    ['15:59:59 UTC is 23:59:59 the same day in Shanghai', '2026-03-09T15:59:59Z', '2026-03-09'],
    ['16:00 UTC is midnight of the next day in Shanghai', '2026-03-09T16:00:00Z', '2026-03-10'],
    ['23:30 UTC is 07:30 of the next day in Shanghai', '2026-03-09T23:30:00Z', '2026-03-10'],
  ])('puts a completion at %s on its market day', async (_label, at, day) => {
    const origin = `测试时区${randomBytes(2).toString('hex')}`;
    const id = await trade(await lot({ price: '41.00', count: '60/70', origin }), '1', at);
    const [row] = await db.select().from(marketTrades).where(eq(marketTrades.orderId, id));
    expect(row.day).toBe(day);
    expect(row.completedAt.toISOString()).toBe(new Date(at).toISOString());
    expect(await quotesBoard(db, { day, origin })).toHaveLength(1);
  });
});

describe('the reference price and the board around it', () => {
  it('weighs the 14 days before the day across origins, leaving out the day itself and day − 15', async () => {
    const count = '70/80';
    const north = '测试北省';
    const south = '测试南省';
    // Day D = 2026-04-20. In the window (D−14 … D−1): 2 kg at ¥30 (D−14, north), 1 kg at ¥36 (D−1, south).
    // Outside it: ¥99 on D−15, ¥77 on D itself.
    await trade(await lot({ price: '99.00', count, origin: north }), '1', '2026-04-05T04:00:00Z');
    await trade(await lot({ price: '30.00', count, origin: north }), '2', '2026-04-06T04:00:00Z');
    await trade(await lot({ price: '36.00', count, origin: south }), '1', '2026-04-19T04:00:00Z');
    await trade(await lot({ price: '77.00', count, origin: south }), '1', '2026-04-20T04:00:00Z');
    // North trades again 20 days after its last trade: its previous trading day lies before the reference window.
    await trade(await lot({ price: '31.00', count, origin: north }), '1', '2026-04-26T04:00:00Z');
    // (2000·3000 + 1000·3600) / 3000 = 3200.
    expect(
      await referencePriceFen(db, { categoryId: 'whiteleg-shrimp', grade: count, day: '2026-04-20' }),
    ).toBe(3200);
    // A day later the window is D−13 … D: the ¥30 trade left, the ¥77 one came in: (1000·3600 + 1000·7700) / 2000.
    expect(
      await referencePriceFen(db, { categoryId: 'whiteleg-shrimp', grade: count, day: '2026-04-21' }),
    ).toBe(5650);
    expect(
      await referencePriceFen(db, { categoryId: 'whiteleg-shrimp', grade: count, day: '2026-06-01' }),
    ).toBeNull();

    const board = await quotesBoard(db, { day: '2026-04-20', grade: count });
    expect(board).toHaveLength(1);
    // South traded on D−1 (¥36), so that is its previous trading day's VWAP; the reference is the category's.
    expect(board[0]).toMatchObject({ origin: south, vwapFen: 7700, prevVwapFen: 3600, referenceFen: 3200 });
    const series = await priceSeries(db, {
      categoryId: 'whiteleg-shrimp',
      grade: count,
      fromDay: '2026-04-01',
      toDay: '2026-04-30',
    });
    expect(series.map((p) => [p.day, p.vwapFen])).toEqual([
      ['2026-04-05', 9900],
      ['2026-04-06', 3000],
      ['2026-04-19', 3600],
      ['2026-04-20', 7700],
      ['2026-04-26', 3100],
    ]);
    expect(await quotesBoard(db, { day: '2026-04-26', grade: count })).toMatchObject([
      { origin: north, vwapFen: 3100, prevVwapFen: 3000, referenceFen: 5650 },
    ]);

    const filters = await boardFilters(db);
    expect(filters.categories).toContainEqual({
      id: 'whiteleg-shrimp',
      name: { zh: '南美白对虾', en: 'Whiteleg shrimp' },
    });
    expect(filters.origins).toEqual(expect.arrayContaining([north, south]));
    expect(filters.grades).toContain(count);
  });

  it('refuses a day that is not a calendar day', async () => {
    await expect(quotesBoard(db, { day: '2026-02-30' })).rejects.toThrow(RangeError);
    await expect(
      referencePriceFen(db, { categoryId: 'whiteleg-shrimp', grade: '40/50', day: "2026-04-20'; --" }),
    ).rejects.toThrow(RangeError);
  });

  it('grades a lot by its grade, else its count, else its size', () => {
    expect(tradeGrade({ grade: 'first', size: 'l' })).toBe('first');
    expect(tradeGrade({ count: '40/50', state: 'live' })).toBe('40/50');
    expect(tradeGrade({ size: 'm' })).toBe('m');
    expect(tradeGrade({ state: 'live' })).toBe('ungraded');
  });
});

describe('the worker', () => {
  it('turns an order the buyer accepts into a trade row and a day on the board, through the outbox', async () => {
    startWorker();
    const origin = '测试工人省';
    const id = await delivered(await lot({ price: '48.00', count: '80/100', origin }), '4');
    await actOnOrder(id, { userId: buyer.userId, parties: ['buyer'] }, { action: 'accept' });
    const row = await waitFor('the trade row', async () => {
      const [found] = await db.select().from(marketTrades).where(eq(marketTrades.orderId, id));
      return found;
    });
    expect(row).toMatchObject({ priceFenPerKg: 4800, weightGrams: 4000, grade: '80/100', origin });
    const board = await waitFor('the board row', async () => {
      const rows = await quotesBoard(db, { day: row.day, origin });
      return rows.length > 0 && rows;
    });
    expect(board[0]).toMatchObject({ vwapFen: 4800, trades: 1, volumeGrams: 4000 });
  });
});
