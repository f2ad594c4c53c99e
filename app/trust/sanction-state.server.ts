import { marketTimeZone } from '../lib/market-time';

/** Whether an org is barred from acting now, and until when (null for a ban). */
export function sanctionState(
  org: { suspendedUntil: Date | string | null; bannedAt: Date | string | null },
  now = new Date(),
): { blocked: false } | { blocked: true; banned: boolean; until: Date | null } {
  if (org.bannedAt) return { blocked: true, banned: true, until: null };
  const until = org.suspendedUntil ? new Date(org.suspendedUntil) : null;
  if (until && until > now) return { blocked: true, banned: false, until };
  return { blocked: false };
}

/** A time as the market reads it (app/lib/market-time.ts), for messages and notifications. */
export function marketTime(at: Date, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: marketTimeZone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    // h23, not hour12: false, which prints midnight as 24:00 in English.
    hourCycle: 'h23',
  }).format(at);
}
