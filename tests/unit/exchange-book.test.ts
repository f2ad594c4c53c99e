// The rules of the exchange's order book, one example each: read as the specification a trader can check.
// Prices are fen per unit of trade (tick 10 fen here), quantities units of trade.
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../app/exchange/book';
import type { Event, NewOrder, Phase } from '../../app/exchange/types';

let ids = 0;
function order(o: Partial<NewOrder> & Pick<NewOrder, 'side'>): NewOrder {
  return {
    id: `o${++ids}`,
    orgId: 'org-a',
    userId: 'u',
    type: 'limit',
    tif: 'gtc',
    price: 1000,
    quantity: 10,
    minQuantity: null,
    ...o,
  };
}
const book = (phase: Phase = 'continuous') => new OrderBook({ tick: 10, phase });
const place = (b: OrderBook, o: Partial<NewOrder> & Pick<NewOrder, 'side'>) =>
  b.apply({ type: 'place', order: order(o) });
const fills = (events: Event[]) =>
  events.flatMap((e) =>
    e.type === 'fill'
      ? [{ buy: e.buyOrderId, sell: e.sellOrderId, price: e.price, quantity: e.quantity }]
      : [],
  );
const last = (events: Event[]) => events[events.length - 1];

describe('limit orders and price-time priority', () => {
  it('a buy that reaches the best ask trades at the resting price, best price first, then earliest', () => {
    const b = book();
    place(b, { id: 's-late', orgId: 'org-s1', side: 'sell', price: 1010, quantity: 5 });
    place(b, { id: 's-early', orgId: 'org-s2', side: 'sell', price: 1000, quantity: 5 });
    place(b, { id: 's-later', orgId: 'org-s3', side: 'sell', price: 1000, quantity: 5 });
    const events = place(b, { id: 'b', orgId: 'org-b', side: 'buy', price: 1020, quantity: 12 });
    expect(fills(events)).toEqual([
      { buy: 'b', sell: 's-early', price: 1000, quantity: 5 },
      { buy: 'b', sell: 's-later', price: 1000, quantity: 5 },
      { buy: 'b', sell: 's-late', price: 1010, quantity: 2 },
    ]);
    expect(b.depth(5)).toEqual({ bids: [], asks: [{ price: 1010, quantity: 3, orders: 1 }] });
  });

  it('what does not trade rests at its limit', () => {
    const b = book();
    const events = place(b, { id: 'b', side: 'buy', price: 990, quantity: 7 });
    expect(events).toEqual([
      { type: 'accepted', orderId: 'b' },
      { type: 'rested', orderId: 'b', side: 'buy', price: 990, remaining: 7 },
    ]);
    expect(b.depth(5).bids).toEqual([{ price: 990, quantity: 7, orders: 1 }]);
  });

  it('prices off the tick, non-positive prices and quantities, and repeated ids are rejected', () => {
    const b = book();
    expect(place(b, { id: 'x1', side: 'buy', price: 1005 })).toEqual([
      { type: 'rejected', orderId: 'x1', reason: 'tick' },
    ]);
    expect(last(place(b, { id: 'x2', side: 'buy', price: 0 }))).toMatchObject({ reason: 'bad-price' });
    expect(last(place(b, { id: 'x3', side: 'buy', quantity: 0 }))).toMatchObject({ reason: 'bad-quantity' });
    place(b, { id: 'same', side: 'buy' });
    expect(last(place(b, { id: 'same', side: 'buy' }))).toMatchObject({ reason: 'duplicate' });
  });
});

describe('market orders and time in force', () => {
  it('a market order takes what there is and never rests', () => {
    const b = book();
    place(b, { id: 's', orgId: 'org-s', side: 'sell', price: 1000, quantity: 4 });
    const events = place(b, {
      id: 'm',
      orgId: 'org-b',
      side: 'buy',
      type: 'market',
      price: null,
      quantity: 10,
    });
    expect(fills(events)).toEqual([{ buy: 'm', sell: 's', price: 1000, quantity: 4 }]);
    expect(last(events)).toEqual({
      type: 'cancelled',
      orderId: 'm',
      remaining: 6,
      reason: 'market-unfilled',
    });
  });

  it('IOC trades what it can now, the rest is cancelled', () => {
    const b = book();
    place(b, { orgId: 'org-s', side: 'sell', price: 1000, quantity: 4 });
    const events = place(b, {
      id: 'ioc',
      orgId: 'org-b',
      side: 'buy',
      tif: 'ioc',
      price: 1000,
      quantity: 10,
    });
    expect(fills(events)).toHaveLength(1);
    expect(last(events)).toEqual({ type: 'cancelled', orderId: 'ioc', remaining: 6, reason: 'ioc' });
  });

  it('FOK fills completely or not at all', () => {
    const b = book();
    place(b, { orgId: 'org-s', side: 'sell', price: 1000, quantity: 4 });
    const none = place(b, { id: 'fok1', orgId: 'org-b', side: 'buy', tif: 'fok', quantity: 5 });
    expect(fills(none)).toEqual([]);
    expect(last(none)).toEqual({ type: 'cancelled', orderId: 'fok1', remaining: 5, reason: 'fok' });
    const all = place(b, { id: 'fok2', orgId: 'org-b', side: 'buy', tif: 'fok', quantity: 4 });
    expect(fills(all)).toEqual([{ buy: 'fok2', sell: expect.any(String), price: 1000, quantity: 4 }]);
  });

  it('a minimum quantity must be executable on entry, else nothing trades', () => {
    const b = book();
    place(b, { orgId: 'org-s', side: 'sell', price: 1000, quantity: 4 });
    const refused = place(b, { id: 'mq1', orgId: 'org-b', side: 'buy', quantity: 10, minQuantity: 5 });
    expect(last(refused)).toEqual({ type: 'cancelled', orderId: 'mq1', remaining: 10, reason: 'min-qty' });
    const taken = place(b, { id: 'mq2', orgId: 'org-b', side: 'buy', quantity: 10, minQuantity: 4 });
    expect(fills(taken)).toHaveLength(1);
    // After entry the minimum no longer applies: the rest rests.
    expect(last(taken)).toEqual({ type: 'rested', orderId: 'mq2', side: 'buy', price: 1000, remaining: 6 });
  });

  it('day orders expire at the close, GTC orders stay', () => {
    const b = book();
    place(b, { id: 'day', side: 'buy', tif: 'day', price: 990 });
    place(b, { id: 'gtc', side: 'buy', tif: 'gtc', price: 980 });
    expect(b.apply({ type: 'close' })).toEqual([
      { type: 'cancelled', orderId: 'day', remaining: 10, reason: 'expired' },
      { type: 'phase', phase: 'closed' },
    ]);
    expect(b.order('gtc')?.remaining).toBe(10);
  });
});

describe('cancel and amend', () => {
  it('only the owning org may cancel; the remaining quantity is reported', () => {
    const b = book();
    place(b, { id: 'b', orgId: 'org-a', side: 'buy' });
    expect(b.apply({ type: 'cancel', orderId: 'b', orgId: 'org-x' })).toEqual([
      { type: 'rejected', orderId: 'b', reason: 'not-owner' },
    ]);
    expect(b.apply({ type: 'cancel', orderId: 'b', orgId: 'org-a' })).toEqual([
      { type: 'cancelled', orderId: 'b', remaining: 10, reason: 'user' },
    ]);
    expect(last(b.apply({ type: 'cancel', orderId: 'b', orgId: 'org-a' }))).toMatchObject({
      reason: 'unknown-order',
    });
  });

  /** Two buys at 1000, 'first' ahead of 'second'; a seller of 5 shows who is first in the queue. */
  function queueAfter(amend: { price: number | null; quantity: number | null }) {
    const b = book();
    place(b, { id: 'first', orgId: 'org-a', side: 'buy', quantity: 10 });
    place(b, { id: 'second', orgId: 'org-b', side: 'buy', quantity: 10 });
    const amended = b.apply({ type: 'amend', orderId: 'first', orgId: 'org-a', ...amend });
    if (amend.price !== null)
      b.apply({ type: 'amend', orderId: 'first', orgId: 'org-a', price: 1000, quantity: null });
    const trade = fills(place(b, { orgId: 'org-s', side: 'sell', price: 1000, quantity: 5 }))[0];
    return { amended: amended[0], firstInQueue: trade.buy };
  }

  it('quantity down keeps time priority', () => {
    const { amended, firstInQueue } = queueAfter({ price: null, quantity: 6 });
    expect(amended).toEqual({
      type: 'amended',
      orderId: 'first',
      price: 1000,
      remaining: 6,
      lostPriority: false,
    });
    expect(firstInQueue).toBe('first');
  });

  it('quantity up loses time priority', () => {
    const { amended, firstInQueue } = queueAfter({ price: null, quantity: 12 });
    expect(amended).toMatchObject({ remaining: 12, lostPriority: true });
    expect(firstInQueue).toBe('second');
  });

  it('a price change loses time priority (even when moved back)', () => {
    const { amended, firstInQueue } = queueAfter({ price: 990, quantity: null });
    expect(amended).toMatchObject({ price: 990, lostPriority: true });
    expect(firstInQueue).toBe('second');
  });

  it('an amended price that crosses the book trades like an incoming order', () => {
    const b = book();
    place(b, { id: 's', orgId: 'org-s', side: 'sell', price: 1010, quantity: 4 });
    place(b, { id: 'b', orgId: 'org-b', side: 'buy', price: 1000, quantity: 10 });
    const events = b.apply({ type: 'amend', orderId: 'b', orgId: 'org-b', price: 1010, quantity: null });
    expect(events).toEqual([
      { type: 'amended', orderId: 'b', price: 1010, remaining: 10, lostPriority: true },
      expect.objectContaining({
        type: 'fill',
        buyOrderId: 'b',
        sellOrderId: 's',
        quantity: 4,
        aggressor: 'buy',
      }),
      { type: 'rested', orderId: 'b', side: 'buy', price: 1010, remaining: 6 },
    ]);
  });
});

describe('self-trade prevention per org', () => {
  it("an incoming order's remainder is cancelled when the best contra order is its own org's", () => {
    const b = book();
    place(b, { id: 'other', orgId: 'org-x', side: 'sell', price: 1000, quantity: 3 });
    place(b, { id: 'own', orgId: 'org-a', side: 'sell', price: 1010, quantity: 5 });
    const events = place(b, { id: 'b', orgId: 'org-a', side: 'buy', price: 1020, quantity: 10 });
    expect(fills(events)).toEqual([{ buy: 'b', sell: 'other', price: 1000, quantity: 3 }]);
    expect(last(events)).toEqual({ type: 'cancelled', orderId: 'b', remaining: 7, reason: 'stp' });
    expect(b.order('own')?.remaining).toBe(5);
  });

  it('in the call, an order that would cross its own org is cancelled on entry', () => {
    const b = book('call');
    place(b, { id: 'own', orgId: 'org-a', side: 'sell', price: 1000 });
    expect(last(place(b, { id: 'b', orgId: 'org-a', side: 'buy', price: 1000 }))).toEqual({
      type: 'cancelled',
      orderId: 'b',
      remaining: 10,
      reason: 'stp',
    });
  });
});

describe('phases', () => {
  it('halted: place and amend are refused, cancel still works; resume returns to trading', () => {
    const b = book();
    place(b, { id: 'b', side: 'buy' });
    expect(b.apply({ type: 'halt' })).toEqual([{ type: 'phase', phase: 'halted' }]);
    expect(last(place(b, { side: 'buy' }))).toMatchObject({ reason: 'halted' });
    expect(
      last(b.apply({ type: 'amend', orderId: 'b', orgId: 'org-a', price: 990, quantity: null })),
    ).toMatchObject({ reason: 'halted' });
    expect(last(b.apply({ type: 'cancel', orderId: 'b', orgId: 'org-a' }))).toMatchObject({ reason: 'user' });
    expect(b.apply({ type: 'resume' })).toEqual([{ type: 'phase', phase: 'continuous' }]);
  });

  it('closed: nothing is accepted until the next call starts', () => {
    const b = book('closed');
    expect(last(place(b, { side: 'buy' }))).toMatchObject({ reason: 'phase' });
    expect(b.apply({ type: 'start-call' })).toEqual([{ type: 'phase', phase: 'call' }]);
  });

  it('in the call orders only rest; IOC, FOK and minimum quantities are refused', () => {
    const b = book('call');
    place(b, { orgId: 'org-s', side: 'sell', price: 1000 });
    const events = place(b, { orgId: 'org-b', side: 'buy', price: 1010 });
    expect(fills(events)).toEqual([]);
    expect(last(events)).toMatchObject({ type: 'rested' });
    expect(last(place(b, { side: 'buy', tif: 'ioc' }))).toMatchObject({ reason: 'phase' });
    expect(last(place(b, { side: 'buy', tif: 'fok' }))).toMatchObject({ reason: 'phase' });
    expect(last(place(b, { side: 'buy', minQuantity: 1 }))).toMatchObject({ reason: 'phase' });
  });
});

describe('the opening call', () => {
  it('opens at the price of most volume, shown beforehand as the indicative price', () => {
    const b = book('call');
    place(b, { id: 'b1', orgId: 'org-b1', side: 'buy', price: 1020, quantity: 10 });
    place(b, { id: 'b2', orgId: 'org-b2', side: 'buy', price: 1000, quantity: 10 });
    place(b, { id: 's1', orgId: 'org-s1', side: 'sell', price: 990, quantity: 15 });
    place(b, { id: 's2', orgId: 'org-s2', side: 'sell', price: 1010, quantity: 10 });
    // At 1000: buyers 20, sellers 15 → 15. At 990: 20 vs 15 → 15 but imbalance 5 as well; at 1010: 10 vs 25 → 10.
    // 990 and 1000 tie on volume and imbalance; with no reference the lower price wins.
    expect(b.indicative(null)).toEqual({ price: 990, volume: 15, imbalance: 5 });
    // With a reference price of 1000, the nearest of the tied prices wins.
    expect(b.indicative(1000)).toEqual({ price: 1000, volume: 15, imbalance: 5 });
    const events = b.apply({ type: 'open', referencePrice: 1000 });
    expect(events[0]).toEqual({ type: 'opened', price: 1000, volume: 15 });
    expect(fills(events)).toEqual([
      { buy: 'b1', sell: 's1', price: 1000, quantity: 10 },
      { buy: 'b2', sell: 's1', price: 1000, quantity: 5 },
    ]);
    expect(last(events)).toEqual({ type: 'phase', phase: 'continuous' });
    expect(b.depth(5)).toEqual({
      bids: [{ price: 1000, quantity: 5, orders: 1 }],
      asks: [{ price: 1010, quantity: 10, orders: 1 }],
    });
  });

  it('least imbalance decides between prices of equal volume', () => {
    const b = book('call');
    place(b, { orgId: 'org-b', side: 'buy', price: 1010, quantity: 10 });
    place(b, { orgId: 'org-c', side: 'buy', price: 1000, quantity: 4 });
    place(b, { orgId: 'org-s', side: 'sell', price: 1000, quantity: 10 });
    // 1000: 14 vs 10, volume 10, imbalance 4; 1010: 10 vs 10, volume 10, imbalance 0.
    expect(b.indicative(null)).toEqual({ price: 1010, volume: 10, imbalance: 0 });
  });

  it('market orders execute first at the uncross price; what they cannot get is cancelled', () => {
    const b = book('call');
    place(b, { id: 'm', orgId: 'org-m', side: 'buy', type: 'market', price: null, quantity: 8 });
    place(b, { id: 'b', orgId: 'org-b', side: 'buy', price: 1000, quantity: 5 });
    place(b, { id: 's', orgId: 'org-s', side: 'sell', price: 1000, quantity: 6 });
    place(b, { id: 'm2', orgId: 'org-n', side: 'sell', type: 'market', price: null, quantity: 1 });
    const events = b.apply({ type: 'open', referencePrice: null });
    expect(events[0]).toEqual({ type: 'opened', price: 1000, volume: 7 });
    expect(fills(events)).toEqual([
      { buy: 'm', sell: 'm2', price: 1000, quantity: 1 },
      { buy: 'm', sell: 's', price: 1000, quantity: 6 },
    ]);
    expect(events).toContainEqual({
      type: 'cancelled',
      orderId: 'm',
      remaining: 1,
      reason: 'market-unfilled',
    });
    expect(b.order('b')?.remaining).toBe(5);
  });

  it('a call with nothing crossing opens without a price', () => {
    const b = book('call');
    place(b, { orgId: 'org-b', side: 'buy', price: 990 });
    place(b, { orgId: 'org-s', side: 'sell', price: 1000 });
    expect(b.indicative(995)).toBeNull();
    expect(b.apply({ type: 'open', referencePrice: 995 })).toEqual([
      { type: 'opened', price: null, volume: 0 },
      { type: 'phase', phase: 'continuous' },
    ]);
  });
});

describe('snapshot', () => {
  it('is plain JSON and restores the same queues, counters and used ids', () => {
    const b = book();
    place(b, { id: 'a', orgId: 'org-a', side: 'buy', price: 1000, quantity: 3 });
    place(b, { id: 'c', orgId: 'org-c', side: 'buy', price: 1000, quantity: 3 });
    const restored = OrderBook.restore(JSON.parse(JSON.stringify(b.snapshot())));
    expect(restored.depth(5)).toEqual(b.depth(5));
    expect(last(place(restored, { id: 'a', side: 'sell' }))).toMatchObject({ reason: 'duplicate' });
    const events = place(restored, { id: 's', orgId: 'org-s', side: 'sell', price: 1000, quantity: 4 });
    expect(fills(events).map((f) => f.buy)).toEqual(['a', 'c']);
    expect(events.find((e) => e.type === 'fill')).toMatchObject({ tradeId: 1 });
  });
});
