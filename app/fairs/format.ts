// Trade fairs: how pages write a fair's name, a meeting's time and a fen amount, the same on server and browser.
import type { Locale } from '../lib/i18n';
import { toMarketDateTime } from '../lib/market-time';
import { type Currency, formatMoney } from '../lib/money';

export function fairName(fair: { nameZh: string; nameEn: string }, locale: Locale): string {
  return locale === 'en' ? fair.nameEn : fair.nameZh;
}

/** "2026-12-08 10:00–10:30" in market time. */
export function meetingSpan(from: string, until: string): string {
  const start = toMarketDateTime(new Date(from));
  const end = toMarketDateTime(new Date(until));
  return `${start.replace('T', ' ')}–${start.slice(0, 10) === end.slice(0, 10) ? end.slice(11) : end.replace('T', ' ')}`;
}

/** "2026-12-08 10:00" in market time. */
export function marketMinute(at: string): string {
  return toMarketDateTime(new Date(at)).replace('T', ' ');
}

export function fen(amount: number, locale: Locale, currency = 'CNY'): string {
  return formatMoney(amount, currency as Currency, locale);
}
