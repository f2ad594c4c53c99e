// Standing-order dates in market time: weekdays, the week key, the next run day, and "due" across a zone's midnight.
import { describe, expect, it } from 'vitest';
import { dueAt, nextRunDay, weekOf, weekdayOf } from '../../app/b2b/schedule';

describe('standing-order schedule', () => {
  it('names ISO weekdays of market days', () => {
    expect(weekdayOf('2026-12-07')).toBe(1); // a Monday
    expect(weekdayOf('2026-12-08')).toBe(2);
    expect(weekdayOf('2026-12-13')).toBe(7); // Sunday is 7, not 0
  });

  it('keys a week by its Monday, across a month and a year', () => {
    expect(weekOf('2026-12-07')).toBe('2026-12-07');
    expect(weekOf('2026-12-13')).toBe('2026-12-07');
    expect(weekOf('2027-01-01')).toBe('2026-12-28');
    expect(weekOf('2026-03-01')).toBe('2026-02-23');
  });

  it('finds the next run day on or after today', () => {
    expect(nextRunDay('2026-12-08', 2)).toBe('2026-12-08'); // Tuesday today
    expect(nextRunDay('2026-12-09', 2)).toBe('2026-12-15'); // Wednesday: next Tuesday
    expect(nextRunDay('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('is due on the market day, not the UTC day', () => {
    // 2026-12-07 17:30 UTC is already Tuesday 01:30 in Shanghai.
    const lateMondayUtc = new Date('2026-12-07T17:30:00Z');
    expect(dueAt(lateMondayUtc, 2, 'Asia/Shanghai')).toBe(true);
    expect(dueAt(lateMondayUtc, 1, 'Asia/Shanghai')).toBe(false);
    expect(dueAt(lateMondayUtc, 1, 'UTC')).toBe(true);
    // A zone behind UTC: 2026-12-08 03:00 UTC is still Monday evening in New York.
    expect(dueAt(new Date('2026-12-08T03:00:00Z'), 1, 'America/New_York')).toBe(true);
  });
});
