// Pieces of the quotes board and chart pages: a price in the chosen unit, a change with arrow and words, the 公斤/斤 switch.
import { Link } from '@remix-run/react';
import { type Locale, useLocale, useT } from '~/lib/i18n';
import { formatMoney } from '~/lib/money';
import { pricePerUnit } from '~/lib/units';

export type PriceUnit = 'kg' | 'jin';

/** A per-kg price in fen shown per kg or per 斤 (half of it, half-up to the fen): "¥36.50". */
export function priceIn(fenPerKg: number, unit: PriceUnit, locale: Locale): string {
  return formatMoney(pricePerUnit(fenPerKg, unit), 'CNY', locale);
}

/**
 * A change in tenths of a percent as "▲ 2.3%" / "▼ 1.0%" / "— 0.0%", with the word (涨/跌/持平) for screen readers.
 * Colour follows the reader's market: red rises and green falls in Chinese, the other way round in English;
 * the arrow and the words carry the meaning without the colour.
 */
export function ChangeCell({ permille }: { permille: number | null }) {
  const t = useT();
  const locale = useLocale();
  if (permille === null)
    return (
      <span className="text-slate-500" data-change="none">
        {t('prices.change.none')}
      </span>
    );
  const direction = permille > 0 ? 'up' : permille < 0 ? 'down' : 'flat';
  const rise = locale === 'en' ? 'text-emerald-700' : 'text-red-700';
  const fall = locale === 'en' ? 'text-red-700' : 'text-emerald-700';
  const tone = direction === 'up' ? rise : direction === 'down' ? fall : 'text-slate-600';
  const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '—';
  const percent = `${Math.floor(Math.abs(permille) / 10)}.${Math.abs(permille) % 10}%`;
  return (
    <span className={`font-medium tabular-nums ${tone}`} data-change={direction}>
      <span aria-hidden>{arrow} </span>
      <span className="sr-only">{t(`prices.change.${direction}`)} </span>
      {percent}
    </span>
  );
}

/** The 公斤/斤 switch: two links (works without JavaScript), the current one marked for screen readers. */
export function UnitSwitch({ unit, hrefFor }: { unit: PriceUnit; hrefFor: (unit: PriceUnit) => string }) {
  const t = useT();
  return (
    <nav
      aria-label={t('prices.unit')}
      className="inline-flex overflow-hidden rounded-md border border-sea-700"
    >
      {(['kg', 'jin'] as const).map((u) => (
        <Link
          key={u}
          to={hrefFor(u)}
          aria-current={u === unit ? 'true' : undefined}
          preventScrollReset
          className={`px-3 py-1.5 text-sm font-medium ${
            u === unit ? 'bg-sea-700 text-white' : 'bg-white text-sea-800 hover:bg-sea-50'
          }`}
        >
          {t(u === 'kg' ? 'prices.unit.kg' : 'prices.unit.jin')}
        </Link>
      ))}
    </nav>
  );
}
