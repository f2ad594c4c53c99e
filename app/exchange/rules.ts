// Exchange rules that need no database: the tick, the daily price band around the reference price, and the trading
// session in market time (call, random end of the call within its last 15 s, continuous trading, close).
import { marketDayAt, marketTimeZone } from '../lib/market-time';
import type { Phase } from './types';

/** The call ends at a random instant within its last this-many milliseconds (nobody can time the uncross). */
export const CALL_RANDOM_END_MS = 15_000;

export function isOnTick(priceFen: number, tickFen: number): boolean {
  return Number.isSafeInteger(priceFen) && priceFen > 0 && priceFen % tickFen === 0;
}

export type PriceBand = { lowFen: number; highFen: number };

/**
 * The prices allowed today: ± bandBps of the reference price, rounded inward to the tick (a band never allows a
 * price beyond its percentage). Null without a reference price (nothing traded yet and no operator reference).
 */
export function priceBand(referenceFen: number | null, bandBps: number, tickFen: number): PriceBand | null {
  if (referenceFen === null || referenceFen <= 0) return null;
  const reach = Math.floor((referenceFen * bandBps) / 10_000);
  const lowFen = Math.max(tickFen, Math.ceil((referenceFen - reach) / tickFen) * tickFen);
  const highFen = Math.floor((referenceFen + reach) / tickFen) * tickFen;
  return { lowFen, highFen };
}

export type PriceProblem = 'bad-price' | 'tick' | 'band';

/** Whether a limit price may be entered: positive integer fen, on the tick, inside the band (when there is one). */
export function checkLimitPrice(
  priceFen: number,
  tickFen: number,
  band: PriceBand | null,
): PriceProblem | null {
  if (!Number.isSafeInteger(priceFen) || priceFen <= 0) return 'bad-price';
  if (priceFen % tickFen !== 0) return 'tick';
  if (band && (priceFen < band.lowFen || priceFen > band.highFen)) return 'band';
  return null;
}

/** Trading hours in market time, "HH:MM" or "HH:MM:SS" (as PostgreSQL's time columns give them). */
export type TradingHours = { callStart: string; openTime: string; closeTime: string };

export type SessionTimes = {
  day: string;
  callStart: Date;
  /** The earliest instant the call may end: the open less CALL_RANDOM_END_MS. */
  callEndEarliest: Date;
  open: Date;
  close: Date;
};

/** The instants of one market day's session. */
export function sessionTimes(hours: TradingHours, day: string, timeZone = marketTimeZone()): SessionTimes {
  const open = marketDayAt(day, hours.openTime, timeZone);
  return {
    day,
    callStart: marketDayAt(day, hours.callStart, timeZone),
    callEndEarliest: new Date(open.getTime() - CALL_RANDOM_END_MS),
    open,
    close: marketDayAt(day, hours.closeTime, timeZone),
  };
}

/**
 * Where the call of a session ends: a uniformly random instant in its last 15 s (rng in [0, 1)), never before
 * the call has started. The writer draws it once per session and keeps it to itself until it happens.
 */
export function randomCallEnd(times: SessionTimes, rng: () => number = Math.random): Date {
  const span = Math.min(CALL_RANDOM_END_MS, times.open.getTime() - times.callStart.getTime());
  const offset = Math.floor(Math.min(Math.max(rng(), 0), 0.999_999) * span);
  return new Date(times.open.getTime() - span + offset + 1);
}

/**
 * The phase the schedule asks for at `now`: the call from its start until the call ends (the drawn end, or the
 * open when it is not known yet), continuous until the close, else closed. A halt overrides the schedule.
 */
export function scheduledPhase(
  times: SessionTimes,
  now: Date,
  opts: { callEnd?: Date | null; halted?: boolean } = {},
): Phase {
  if (opts.halted) return 'halted';
  const t = now.getTime();
  const callEnd = (opts.callEnd ?? times.open).getTime();
  if (t < times.callStart.getTime() || t >= times.close.getTime()) return 'closed';
  if (t < callEnd) return 'call';
  return 'continuous';
}
