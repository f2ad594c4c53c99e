// Unit tests of the Dutch clock (a pure function of time), presses, sealed-bid settlement and deposit shares.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { depositFor } from '../../app/auctions/deposit';
import { clockAt, floorEndsAt, press } from '../../app/auctions/dutch';
import { settleSealed } from '../../app/auctions/sealed';

const start = new Date('2026-11-28T10:00:00Z');
const clock = {
  startPriceFen: 3_000,
  floorPriceFen: 2_000,
  stepFen: 100,
  tickMs: 1_000,
  clockStartsAt: start,
};
const at = (ms: number) => new Date(start.getTime() + ms);

describe('Dutch clock', () => {
  it('falls one step per whole tick from the start price to the floor, then passes the floor after one tick', () => {
    expect(clockAt(clock, at(-500))).toMatchObject({ phase: 'before', priceFen: 3_000 });
    expect(clockAt(clock, at(0))).toMatchObject({ phase: 'running', priceFen: 3_000 });
    expect(clockAt(clock, at(999))).toMatchObject({ phase: 'running', priceFen: 3_000, nextTickInMs: 1 });
    expect(clockAt(clock, at(2_500))).toMatchObject({ phase: 'running', priceFen: 2_800 });
    expect(clockAt(clock, at(10_000))).toMatchObject({ phase: 'running', priceFen: 2_000 });
    expect(floorEndsAt(clock)).toEqual(at(11_000));
    expect(clockAt(clock, at(11_000))).toMatchObject({ phase: 'floor_passed' });
  });

  it('never rises within a run and never leaves [floor, start]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 100, max: 60_000 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 2, maxLength: 20 }),
        (a, b, stepFen, tickMs, times) => {
          const params = {
            startPriceFen: Math.max(a, b),
            floorPriceFen: Math.min(a, b),
            stepFen,
            tickMs,
            clockStartsAt: start,
          };
          let last = Number.POSITIVE_INFINITY;
          for (const t of [...times].sort((x, y) => x - y)) {
            const { priceFen } = clockAt(params, at(t));
            expect(priceFen).toBeLessThanOrEqual(last);
            expect(priceFen).toBeGreaterThanOrEqual(params.floorPriceFen);
            expect(priceFen).toBeLessThanOrEqual(params.startPriceFen);
            last = priceFen;
          }
        },
      ),
    );
  });

  it('fills a press at the clock price up to what remains, and refuses a press on an older run or a sold lot', () => {
    const lot = { ...clock, remaining: 100_000, round: 2, minimumBase: 1_000 };
    expect(press(lot, { askedBase: 300_000, seenRound: 2, now: at(1_500) })).toEqual({
      ok: true,
      priceFen: 2_900,
      filled: 100_000,
    });
    expect(press(lot, { askedBase: 50_000, seenRound: 1, now: at(1_500) })).toEqual({
      ok: false,
      reason: 'clock_restarted',
    });
    expect(press({ ...lot, remaining: 0 }, { askedBase: 1_000, seenRound: 2, now: at(1_500) })).toEqual({
      ok: false,
      reason: 'sold',
    });
    expect(press(lot, { askedBase: 500, seenRound: null, now: at(1_500) })).toEqual({
      ok: false,
      reason: 'too_small',
    });
    expect(press(lot, { askedBase: 5_000, seenRound: null, now: at(-1) })).toEqual({
      ok: false,
      reason: 'not_started',
    });
    expect(press(lot, { askedBase: 5_000, seenRound: null, now: at(20_000) })).toEqual({
      ok: false,
      reason: 'floor_passed',
    });
  });
});

describe('sealed bid', () => {
  const bids = [
    { bidderId: 'a', amountFen: 5_000, seq: 3 },
    { bidderId: 'b', amountFen: 7_000, seq: 5 },
    { bidderId: 'c', amountFen: 7_000, seq: 4 },
  ];

  it('gives first price to the highest bid, the earlier one on a tie', () => {
    const outcome = settleSealed(bids, { pricing: 'first', startPriceFen: 1_000, reservePriceFen: null });
    expect(outcome).toMatchObject({
      sold: true,
      priceFen: 7_000,
      winner: { bidderId: 'c' },
      runnerUp: { bidderId: 'b' },
    });
  });

  it('charges the second-highest bid at second price, the start or reserve when alone, never above the winner', () => {
    expect(
      settleSealed([bids[0], { bidderId: 'b', amountFen: 6_000, seq: 5 }], {
        pricing: 'second',
        startPriceFen: 1_000,
        reservePriceFen: null,
      }),
    ).toMatchObject({ sold: true, priceFen: 5_000, winner: { bidderId: 'b' } });
    expect(
      settleSealed([bids[0]], { pricing: 'second', startPriceFen: 1_000, reservePriceFen: 4_000 }),
    ).toMatchObject({ sold: true, priceFen: 4_000 });
    expect(
      settleSealed([bids[0]], { pricing: 'second', startPriceFen: 1_000, reservePriceFen: 6_000 }),
    ).toEqual({
      sold: false,
      reason: 'reserve_not_met',
    });
    expect(settleSealed([], { pricing: 'first', startPriceFen: 1_000, reservePriceFen: null })).toEqual({
      sold: false,
      reason: 'no_bids',
    });
  });
});

describe('deposit share', () => {
  it('is the category share of the bid for the whole lot, half-up', () => {
    // ¥42.00/kg for 500 kg = ¥21,000; 10% = ¥2,100.
    expect(depositFor({ priceFen: 4_200, quantity: 500_000, perBase: 1_000, depositBps: 1_000 })).toBe(
      210_000,
    );
    expect(depositFor({ priceFen: 4_200, quantity: 500_000, perBase: 1_000, depositBps: 0 })).toBe(0);
  });
});
