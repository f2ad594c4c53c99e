// Market-time helpers for the cold chain's forms: a datetime-local value read in the market's zone, and a day's date there.

/** The zone's offset from UTC at an instant, as "+08:00". */
export function zoneOffset(timeZone: string, at: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = part?.match(/GMT([+-]\d{2}:\d{2})/);
  return match ? match[1] : '+00:00';
}

/** "2026-11-28T14:30" as market time → the instant; null for anything else. */
export function parseMarketDateTime(value: string, timeZone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const guess = new Date(`${value}:00Z`);
  if (Number.isNaN(guess.getTime())) return null;
  const at = new Date(`${value}:00${zoneOffset(timeZone, guess)}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The instant as a datetime-local value in market time (for form defaults). */
export function toMarketDateTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The market day an instant falls on, "2026-11-28": a vehicle's trip is one such day. */
export function marketDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);
}
