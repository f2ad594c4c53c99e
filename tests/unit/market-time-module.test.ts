// The market-time module (#13.5) in a zone with daylight saving: MARKET_TIME_ZONE=Europe/Oslo, across the spring and
// autumn changes of 2026 (29 March, 25 October), and in Asia/Shanghai, whatever zone the process itself runs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  endOfMarketDay,
  marketClock,
  marketDate,
  marketDayAt,
  marketTimeZone,
  parseMarketDateTime,
  startOfMarketDay,
  toMarketDateTime,
  zoneOffset,
} from '../../app/lib/market-time';
import { buildEvent } from '../../app/trace/epcis';

describe('market time in Europe/Oslo (MARKET_TIME_ZONE)', () => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.MARKET_TIME_ZONE;
    process.env.MARKET_TIME_ZONE = 'Europe/Oslo';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.MARKET_TIME_ZONE;
    else process.env.MARKET_TIME_ZONE = saved;
  });

  it('reads the zone from MARKET_TIME_ZONE', () => {
    expect(marketTimeZone()).toBe('Europe/Oslo');
  });

  it('computes offsets per instant: +01:00 in winter, +02:00 in summer', () => {
    expect(zoneOffset(new Date('2026-03-29T00:59:00Z'))).toBe('+01:00');
    expect(zoneOffset(new Date('2026-03-29T01:00:00Z'))).toBe('+02:00');
    expect(zoneOffset(new Date('2026-10-25T00:59:00Z'))).toBe('+02:00');
    expect(zoneOffset(new Date('2026-10-25T01:00:00Z'))).toBe('+01:00');
  });

  it('gives EPCIS the offset of the event’s own instant', () => {
    const event = (time: string) =>
      buildEvent({
        id: 'evt_1',
        step: 'harvest',
        time: new Date(time),
        listingId: 'lst_1',
        categoryId: 'whiteleg-shrimp',
        baseUnit: 'g',
        readPoint: '湛江',
      });
    expect(event('2026-01-15T12:00:00Z').eventTimeZoneOffset).toBe('+01:00');
    expect(event('2026-07-15T12:00:00Z').eventTimeZoneOffset).toBe('+02:00');
  });

  it('makes the days around a change 23 and 25 hours long, midnight to midnight', () => {
    expect(startOfMarketDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfMarketDay('2026-03-29').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(endOfMarketDay('2026-03-29').getTime() - startOfMarketDay('2026-03-29').getTime()).toBe(
      23 * 3600_000,
    );
    expect(startOfMarketDay('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(endOfMarketDay('2026-10-25').getTime() - startOfMarketDay('2026-10-25').getTime()).toBe(
      25 * 3600_000,
    );
  });

  it('puts instants on their market day on both sides of midnight and of a change', () => {
    expect(marketDate(new Date('2026-03-28T22:59:59Z'))).toBe('2026-03-28');
    expect(marketDate(new Date('2026-03-28T23:00:00Z'))).toBe('2026-03-29');
    expect(marketDate(new Date('2026-10-24T21:59:59Z'))).toBe('2026-10-24');
    expect(marketDate(new Date('2026-10-24T22:00:00Z'))).toBe('2026-10-25');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });

  it('parses and formats datetime-local values across a change, round trip', () => {
    expect(parseMarketDateTime('2026-03-29T01:30')?.toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(parseMarketDateTime('2026-03-29T03:30')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(parseMarketDateTime('2026-10-25T12:00')?.toISOString()).toBe('2026-10-25T11:00:00.000Z');
    // 02:30 on 25 October happens twice: the first (summer time) is taken.
    expect(parseMarketDateTime('2026-10-25T02:30')?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    for (const value of ['2026-03-28T23:15', '2026-03-29T04:00', '2026-10-24T23:45', '2026-10-25T05:10'])
      expect(toMarketDateTime(parseMarketDateTime(value) as Date)).toBe(value);
    expect(parseMarketDateTime('2026-03-29 01:30')).toBeNull();
    expect(parseMarketDateTime('2026-13-01T00:00')).toBeNull();
    expect(marketDayAt('2026-07-01', '12:00').toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(marketClock(new Date('2026-07-01T10:11:12Z'))).toBe('12:11:12');
  });
});

describe('market time in Asia/Shanghai, passed explicitly', () => {
  it('has market midnight at 16:00 UTC the day before, every day of the year', () => {
    for (const day of ['2026-01-01', '2026-03-29', '2026-10-25', '2026-12-31'])
      expect(startOfMarketDay(day, 'Asia/Shanghai').toISOString()).toBe(`${addDays(day, -1)}T16:00:00.000Z`);
    expect(zoneOffset(new Date('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe('+08:00');
    expect(marketDate(new Date('2026-12-04T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-05');
    expect(toMarketDateTime(new Date('2026-12-04T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-05T00:00');
  });
});
