// Exchange rules: the tick, the price band rounded inward, and the session in market time with the call's random end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALL_RANDOM_END_MS,
  checkLimitPrice,
  isOnTick,
  priceBand,
  randomCallEnd,
  scheduledPhase,
  sessionTimes,
} from '../../app/exchange/rules';

const HOURS = { callStart: '05:30', openTime: '06:00', closeTime: '18:00:00' };

describe('tick and band', () => {
  it('accepts only positive multiples of the tick', () => {
    expect(isOnTick(40_000, 50)).toBe(true);
    expect(isOnTick(40_010, 50)).toBe(false);
    expect(isOnTick(0, 50)).toBe(false);
    expect(isOnTick(12.5, 1)).toBe(false);
  });

  it('rounds the band inward to the tick', () => {
    // 10 % of 40 030 = 4 003 → 36 027 … 44 033, inward to 50: 36 050 … 44 000
    expect(priceBand(40_030, 1_000, 50)).toEqual({ lowFen: 36_050, highFen: 44_000 });
    expect(priceBand(null, 1_000, 50)).toBeNull();
  });

  it('never allows a price beyond the percentage, and the band is on the tick', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        (reference, bps, tick) => {
          const band = priceBand(reference, bps, tick);
          if (!band) return false;
          expect(band.lowFen % tick).toBe(0);
          expect(band.highFen % tick).toBe(0);
          expect(band.highFen * 10_000).toBeLessThanOrEqual(reference * (10_000 + bps));
          if (band.lowFen > tick)
            expect(band.lowFen * 10_000).toBeGreaterThanOrEqual(reference * (10_000 - bps));
          return true;
        },
      ),
    );
  });

  it('names what is wrong with a limit price', () => {
    const band = priceBand(40_000, 1_000, 50);
    expect(checkLimitPrice(40_000, 50, band)).toBeNull();
    expect(checkLimitPrice(40_020, 50, band)).toBe('tick');
    expect(checkLimitPrice(44_050, 50, band)).toBe('band');
    expect(checkLimitPrice(35_950, 50, band)).toBe('band');
    expect(checkLimitPrice(-50, 50, band)).toBe('bad-price');
    expect(checkLimitPrice(99_950, 50, null)).toBeNull();
  });
});

describe('the session in market time', () => {
  it('places the hours in Asia/Shanghai', () => {
    const times = sessionTimes(HOURS, '2026-12-07', 'Asia/Shanghai');
    expect(times.callStart.toISOString()).toBe('2026-12-06T21:30:00.000Z');
    expect(times.open.toISOString()).toBe('2026-12-06T22:00:00.000Z');
    expect(times.close.toISOString()).toBe('2026-12-07T10:00:00.000Z');
    expect(times.open.getTime() - times.callEndEarliest.getTime()).toBe(CALL_RANDOM_END_MS);
  });

  it('ends the call at a random instant within its last 15 s', () => {
    const times = sessionTimes(HOURS, '2026-12-07', 'Asia/Shanghai');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (r) => {
        const end = randomCallEnd(times, () => r).getTime();
        return end > times.callEndEarliest.getTime() && end <= times.open.getTime();
      }),
    );
    const ends = new Set(Array.from({ length: 50 }, () => randomCallEnd(times).getTime()));
    expect(ends.size).toBeGreaterThan(40);
  });

  it('tells the phase from the schedule, the drawn end of the call and a halt', () => {
    const times = sessionTimes(HOURS, '2026-12-07', 'Asia/Shanghai');
    const callEnd = new Date(times.open.getTime() - 7_000);
    const at = (iso: string) => new Date(iso);
    expect(scheduledPhase(times, at('2026-12-06T21:29:59Z'), { callEnd })).toBe('closed');
    expect(scheduledPhase(times, at('2026-12-06T21:30:00Z'), { callEnd })).toBe('call');
    expect(scheduledPhase(times, new Date(callEnd.getTime() - 1), { callEnd })).toBe('call');
    expect(scheduledPhase(times, callEnd, { callEnd })).toBe('continuous');
    expect(scheduledPhase(times, at('2026-12-07T09:59:59Z'))).toBe('continuous');
    expect(scheduledPhase(times, at('2026-12-07T10:00:00Z'))).toBe('closed');
    expect(scheduledPhase(times, at('2026-12-07T03:00:00Z'), { halted: true })).toBe('halted');
  });

  it('keeps the wall-clock hours across a daylight-saving change', () => {
    const times = sessionTimes(HOURS, '2026-03-30', 'Europe/Oslo');
    expect(times.open.toISOString()).toBe('2026-03-30T04:00:00.000Z');
  });
});
