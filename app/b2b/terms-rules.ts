// What the credit-terms pages share with the browser (ADR 0056): the net days a seller may grant, and months.
// Kept apart from terms.server.ts, whose exports are empty in the browser bundle.

export const TERMS_NET_DAYS = [7, 15, 30] as const;
export type NetDays = (typeof TERMS_NET_DAYS)[number];

export function isNetDays(value: number): value is NetDays {
  return (TERMS_NET_DAYS as readonly number[]).includes(value);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** The month a market day (YYYY-MM-DD) falls in. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The month `by` months after (or before, when negative) `month`. */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
