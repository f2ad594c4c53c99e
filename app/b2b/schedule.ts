// Standing-order dates in market time: the weekday of a market day, the week a run belongs to, the next run day.
// Pure (no clock, no database), so the sweep, the pages and the unit test agree.
import { addDays, marketDate } from '../lib/market-time';

/** ISO weekdays: 1 Monday … 7 Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function isWeekday(value: number): value is Weekday {
  return Number.isInteger(value) && value >= 1 && value <= 7;
}

/** The ISO weekday of a calendar day "YYYY-MM-DD" (a market day: no zone involved). */
export function weekdayOf(day: string): Weekday {
  const sunday0 = new Date(`${day}T00:00:00Z`).getUTCDay();
  return (sunday0 === 0 ? 7 : sunday0) as Weekday;
}

/** The Monday of the market week a day is in: the key a standing order runs at most once per. */
export function weekOf(day: string): string {
  return addDays(day, 1 - weekdayOf(day));
}

/** The first market day on or after `today` that falls on `weekday`. */
export function nextRunDay(today: string, weekday: Weekday): string {
  return addDays(today, (weekday - weekdayOf(today) + 7) % 7);
}

/** Whether a standing order for `weekday` is due at instant `now`: its weekday is today's in market time. */
export function dueAt(now: Date, weekday: number, timeZone?: string): boolean {
  return weekdayOf(marketDate(now, timeZone)) === weekday;
}
