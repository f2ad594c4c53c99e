// Model tests of the exchange's order book: random command streams through OrderBook and the naive ReferenceBook
// give the same events, depth and self-trade outcomes; the opening uncross equals a brute-force search over every
// tick price; a snapshot restored mid-stream carries on exactly as the uninterrupted book.
// Bounded runs with a fixed seed (BOOK_SEED, BOOK_RUNS to change).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../app/exchange/book';
import type { Command, Event, NewOrder, Phase } from '../../app/exchange/types';
import { ReferenceBook } from '../support/reference-book';

const SEED = Number(process.env.BOOK_SEED ?? 1414);
const RUNS = Number(process.env.BOOK_RUNS ?? 200);
const TIMEOUT = 60_000;
const TICK = 5;
const ORGS = ['org-a', 'org-b', 'org-c', 'org-d'];

/** Placeholder ids: `realize` turns them into fresh ids, a repeated id, or the id of an order placed before. */
const orderId = fc.integer({ min: 0, max: 1_000 }).map((n) => `#${n}`);
const org = fc.constantFrom(...ORGS);
/** Mostly tick prices in a narrow band so books cross; sometimes off-tick or invalid. */
const price = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 18, max: 24 }).map((t) => t * TICK) },
  { weight: 1, arbitrary: fc.constantFrom(0, -5, 101, 7.5) },
);
const quantity = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 2.5) },
);

const newOrder: fc.Arbitrary<NewOrder> = fc
  .record({
    id: orderId,
    orgId: org,
    side: fc.constantFrom('buy' as const, 'sell' as const),
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constant('limit' as const) },
      { weight: 1, arbitrary: fc.constant('market' as const) },
    ),
    tif: fc.constantFrom('gtc' as const, 'day' as const, 'ioc' as const, 'fok' as const),
    price,
    quantity,
    minQuantity: fc.oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 14 }) },
    ),
    badPrice: fc.boolean(),
  })
  .map(({ badPrice, ...o }) => ({
    ...o,
    userId: `user-${o.orgId}`,
    // A market order with a price (or a limit order without one) now and then.
    price: o.type === 'market' ? (badPrice && o.price === 100 ? 100 : null) : o.price,
  }));

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 10, arbitrary: newOrder.map((order) => ({ type: 'place' as const, order })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ orderId, orgId: org })
      .map(({ orderId, orgId }) => ({ type: 'cancel' as const, orderId, orgId })),
  },
  {
    weight: 5,
    arbitrary: fc
      .record({
        orderId,
        orgId: org,
        price: fc.option(price, { freq: 3 }),
        quantity: fc.option(quantity, { freq: 3 }),
      })
      .map((a) => ({ type: 'amend' as const, ...a })),
  },
  {
    weight: 1,
    // Mostly towards trading: open and resume more often than close and halt.
    arbitrary: fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .option(fc.integer({ min: 80, max: 130 }), { freq: 4 })
          .map((referencePrice) => ({ type: 'open' as const, referencePrice })),
      },
      { weight: 1, arbitrary: fc.constant({ type: 'close' as const }) },
      { weight: 2, arbitrary: fc.constant({ type: 'start-call' as const }) },
      { weight: 1, arbitrary: fc.constant({ type: 'halt' as const }) },
      { weight: 2, arbitrary: fc.constant({ type: 'resume' as const }) },
    ),
  },
);

/**
 * Makes a raw stream meaningful by running it through a reference book: places get fresh ids (one in twenty
 * repeats an earlier id); nine in ten cancels and amends name an order resting at that moment, three in four
 * of those with its own org.
 */
function realize(phase: Phase, raw: Command[]): Command[] {
  const book = new ReferenceBook(TICK, phase);
  const ids: string[] = [];
  return raw.map((c, i) => {
    let concrete = c;
    if (c.type === 'place') {
      const n = Number(c.order.id.slice(1));
      const id = n % 20 === 0 && ids.length > 0 ? ids[n % ids.length] : `o${i}`;
      ids.push(id);
      concrete = { ...c, order: { ...c.order, id } };
    } else if (c.type === 'amend' || c.type === 'cancel') {
      const n = Number(c.orderId.slice(1));
      const resting = book.resting();
      const target =
        n % 10 === 9 || resting.length === 0 ? { id: `x${n}`, orgId: 'org-a' } : resting[n % resting.length];
      concrete = { ...c, orderId: target.id, orgId: c.orgId === 'org-d' ? c.orgId : target.orgId };
    }
    book.apply(concrete);
    return concrete;
  });
}

const stream = fc
  .tuple(
    fc.constantFrom<Phase>('continuous', 'continuous', 'call'),
    fc.array(command, { minLength: 20, maxLength: 200, size: 'medium' }),
  )
  .map(([phase, raw]) => ({ phase, commands: realize(phase, raw) }));

function expectNoSelfTrade(events: Event[]) {
  for (const e of events) if (e.type === 'fill') expect(e.buyOrgId).not.toBe(e.sellOrgId);
}

describe('order book against the reference book', () => {
  it(
    'random command streams give identical events, depth and self-trade outcomes',
    () => {
      fc.assert(
        fc.property(stream, ({ phase, commands }) => {
          const book = new OrderBook({ tick: TICK, phase });
          const reference = new ReferenceBook(TICK, phase);
          for (const c of commands) {
            const events = book.apply(c);
            expect(events, JSON.stringify(c)).toEqual(reference.apply(c));
            expect(events.length).toBeGreaterThan(0);
            expectNoSelfTrade(events);
            expect(book.phase).toBe(reference.phase);
            expect(book.depth(1_000)).toEqual(reference.depth());
            if (c.type !== 'place' && c.type !== 'cancel' && c.type !== 'amend') continue;
            const id = c.type === 'place' ? c.order.id : c.orderId;
            expect(book.order(id)?.remaining).toBe(reference.remaining(id));
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

/** A random call-phase book: limit and market orders from a few orgs in a band of prices. */
const callOrders = fc.array(
  fc.record({
    orgId: org,
    side: fc.constantFrom('buy' as const, 'sell' as const),
    market: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    tif: fc.constantFrom('gtc' as const, 'day' as const),
    ticks: fc.integer({ min: 10, max: 40 }),
    quantity: fc.integer({ min: 1, max: 30 }),
  }),
  { maxLength: 60 },
);

describe('opening call uncross against a brute-force search over every tick price', () => {
  it(
    'indicative price, volume and imbalance, then the open itself, match',
    () => {
      fc.assert(
        fc.property(
          callOrders,
          fc.option(fc.integer({ min: 1, max: 300 }), { freq: 3 }),
          (orders, referencePrice) => {
            const book = new OrderBook({ tick: TICK, phase: 'call' });
            const reference = new ReferenceBook(TICK, 'call');
            orders.forEach((o, i) => {
              const c: Command = {
                type: 'place',
                order: {
                  id: `c${i}`,
                  orgId: o.orgId,
                  userId: 'u',
                  side: o.side,
                  type: o.market ? 'market' : 'limit',
                  tif: o.tif,
                  price: o.market ? null : o.ticks * TICK,
                  quantity: o.quantity,
                  minQuantity: null,
                },
              };
              expect(book.apply(c)).toEqual(reference.apply(c));
            });
            expect(book.indicative(referencePrice)).toEqual(reference.indicative(referencePrice));
            const open: Command = { type: 'open', referencePrice };
            const events = book.apply(open);
            expect(events).toEqual(reference.apply(open));
            expectNoSelfTrade(events);
            expect(book.depth(1_000)).toEqual(reference.depth());
            // After the open the book is not crossed.
            const { bids, asks } = book.depth(1);
            if (bids[0] && asks[0]) expect(bids[0].price).toBeLessThan(asks[0].price);
          },
        ),
        { seed: SEED, numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );
});

describe('snapshot and restore', () => {
  it(
    'snapshot → JSON → restore → continue gives the same events as the uninterrupted book',
    () => {
      fc.assert(
        fc.property(stream, fc.nat(), ({ phase, commands }, cut) => {
          const at = cut % (commands.length + 1);
          const whole = new OrderBook({ tick: TICK, phase });
          const first = new OrderBook({ tick: TICK, phase });
          const wholeEvents = commands.map((c) => whole.apply(c));
          const firstEvents = commands.slice(0, at).map((c) => first.apply(c));
          const restored = OrderBook.restore(JSON.parse(JSON.stringify(first.snapshot())));
          const restEvents = commands.slice(at).map((c) => restored.apply(c));
          expect([...firstEvents, ...restEvents]).toEqual(wholeEvents);
          expect(restored.snapshot()).toEqual(whole.snapshot());
          expect(restored.depth(1_000)).toEqual(whole.depth(1_000));
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
