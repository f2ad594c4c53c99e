// Market time (#13.5): the one module for the market's days, midnights, offsets and datetime-local values. Pure: every
// function takes the zone, defaulting to marketTimeZone(), the one place the setting is read. Nothing here assumes
// a fixed offset, so a zone with daylight saving (or a process running in another zone) gets the same answers.

/** The market's default zone; MARKET_TIME_ZONE (validated in env.server.ts) overrides it on the server. */
export const DEFAULT_MARKET_TIME_ZONE = 'Asia/Shanghai';

/** The market's IANA time zone: MARKET_TIME_ZONE where the process has it, else Asia/Shanghai (the browser). */
export function marketTimeZone(): string {
  const fromEnv = typeof process === 'undefined' ? undefined : process.env?.MARKET_TIME_ZONE;
  return fromEnv || DEFAULT_MARKET_TIME_ZONE;
}

const DAY_MS = 86_400_000;

/**
 * Building an Intl.DateTimeFormat costs far more than formatting with one (a market page formats dozens of dates):
 * one formatter per kind and zone, made on first use and kept.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'offset' | 'date' | 'dateTime', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let made = formatters.get(key);
  if (!made) {
    made =
      kind === 'offset'
        ? new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
        : kind === 'date'
          ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
          : new Intl.DateTimeFormat('en-CA', {
              timeZone,
              year: 'numeric',
              month: '2-digit',
              day: '2-digit',
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            });
    formatters.set(key, made);
  }
  return made;
}

/** The zone's offset from UTC at an instant, as "+08:00" (what EPCIS's eventTimeZoneOffset wants). */
export function zoneOffset(at: Date, timeZone = marketTimeZone()): string {
  const part = formatter('offset', timeZone)
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = part?.match(/GMT([+-]\d{2}:\d{2})/);
  return match ? match[1] : '+00:00';
}

function offsetMs(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * (h * 60 + m) * 60_000;
}

/** The market day an instant falls on, "2026-11-28". */
export function marketDate(at: Date = new Date(), timeZone = marketTimeZone()): string {
  return formatter('date', timeZone).format(at);
}

/** Today's market day, "2026-11-28". */
export function marketToday(timeZone = marketTimeZone(), now = new Date()): string {
  return marketDate(now, timeZone);
}

/** A calendar day plus `days` ("2026-03-29" + 1 = "2026-03-30"): calendar arithmetic, no zone involved. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instant a wall-clock time "YYYY-MM-DDTHH:MM[:SS]" happens in the zone. In a gap (spring forward) the
 * offset before the change is used; a repeated hour (fall back) resolves to its first occurrence.
 */
function wallClockToInstant(wall: string, timeZone: string): Date {
  const asUtc = Date.parse(`${wall.length === 16 ? `${wall}:00` : wall}Z`);
  // The offset one day either side brackets the answer; try the earlier offset first.
  const before = offsetMs(zoneOffset(new Date(asUtc - DAY_MS), timeZone));
  const after = offsetMs(zoneOffset(new Date(asUtc + DAY_MS), timeZone));
  for (const offset of before >= after ? [before, after] : [after, before]) {
    const at = new Date(asUtc - offset);
    if (offsetMs(zoneOffset(at, timeZone)) === offset) return at;
  }
  return new Date(asUtc - before);
}

/** Midnight at the start of a market day. */
export function startOfMarketDay(day: string, timeZone = marketTimeZone()): Date {
  return wallClockToInstant(`${day}T00:00:00`, timeZone);
}

/** The first instant after a market day (the next midnight), when something that lasts "until that day" ends. */
export function endOfMarketDay(day: string, timeZone = marketTimeZone()): Date {
  return startOfMarketDay(addDays(day, 1), timeZone);
}

/** A wall-clock time of a market day as an instant, e.g. noon of a harvest day. */
export function marketDayAt(day: string, time: string, timeZone = marketTimeZone()): Date {
  return wallClockToInstant(`${day}T${time.length === 5 ? `${time}:00` : time}`, timeZone);
}

/** "2026-11-28T14:30" (a datetime-local value) read in market time → the instant; null for anything else. */
export function parseMarketDateTime(value: string, timeZone = marketTimeZone()): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  if (Number.isNaN(Date.parse(`${value}:00Z`))) return null;
  const at = wallClockToInstant(value, timeZone);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The instant as a datetime-local value in market time (for form defaults). */
export function toMarketDateTime(at: Date, timeZone = marketTimeZone()): string {
  const parts = Object.fromEntries(
    formatter('dateTime', timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** hh:mm:ss of an instant in market time: the same on the server and in the browser. */
export function marketClock(at: Date, timeZone = marketTimeZone()): string {
  return `${toMarketDateTime(at, timeZone).slice(11)}:${String(at.getUTCSeconds()).padStart(2, '0')}`;
}
