// A lot's price tiers in the unit the buyer chose (kg or jin, by links, no script), each per kg and per jin.
import { Link } from '@remix-run/react';
import { useLocale, useT } from '~/lib/i18n';
import type { Currency } from '~/lib/money';
import { formatQuantity, pricePerUnit, unitLabel } from '~/lib/units';
import { formatUnitPrice } from './listing-card';

export type PriceUnitChoice = 'kg' | 'jin';

export function PriceTiers({
  tiers,
  baseUnit,
  unit,
  currency,
  hrefs,
}: {
  /** Unit prices in fen per kg (goods by weight) or per piece, from a minimum in base units. */
  tiers: { minQuantity: number; unitPriceFen: number }[];
  baseUnit: 'g' | 'piece';
  unit: PriceUnitChoice;
  currency: Currency;
  /** Where each unit's link goes (the same page with `unit` set). */
  hrefs: Record<PriceUnitChoice, string>;
}) {
  const t = useT();
  const locale = useLocale();
  const byPiece = baseUnit === 'piece';
  const header = (u: 'kg' | 'jin' | 'piece') =>
    t('market.detail.priceHeader', { unit: t('listing.perUnit', { unit: unitLabel(u, locale) }) });
  // The chosen unit's column comes first and stands out; the other stays for comparison.
  const columns: ('kg' | 'jin' | 'piece')[] = byPiece
    ? ['piece']
    : unit === 'jin'
      ? ['jin', 'kg']
      : ['kg', 'jin'];
  const quantityUnit = byPiece ? 'piece' : unit;

  return (
    <div data-testid="price-tiers">
      {byPiece ? null : (
        <nav
          aria-label={t('market.detail.unitSwitch')}
          className="mb-3 inline-flex rounded-md border border-slate-300 p-0.5 text-sm"
        >
          {(['kg', 'jin'] as const).map((choice) => (
            <Link
              key={choice}
              to={hrefs[choice]}
              replace
              preventScrollReset
              aria-current={choice === unit ? 'true' : undefined}
              className={`rounded px-3 py-1 ${choice === unit ? 'bg-sea-700 font-semibold text-white' : 'text-slate-700 hover:bg-slate-100'}`}
              data-testid={`unit-${choice}`}
            >
              {t(choice === 'kg' ? 'market.detail.perKg' : 'market.detail.perJin')}
            </Link>
          ))}
        </nav>
      )}
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-slate-500">
            <th scope="col" className="py-2 pr-3 font-medium">
              {t('market.detail.tierFrom')}
            </th>
            {columns.map((column, i) => (
              <th
                key={column}
                scope="col"
                className={`py-2 pr-3 font-medium ${i === 0 ? 'text-slate-800' : ''}`}
              >
                {header(column)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tiers.map((tier) => (
            <tr key={tier.minQuantity} className="border-b border-slate-100 last:border-0">
              <td className="py-2 pr-3 tabular-nums">
                {t('market.detail.tierMin', {
                  quantity: formatQuantity(tier.minQuantity, quantityUnit, locale),
                })}
              </td>
              {columns.map((column, i) => {
                const fen = column === 'jin' ? pricePerUnit(tier.unitPriceFen, 'jin') : tier.unitPriceFen;
                return (
                  <td
                    key={column}
                    className={`py-2 pr-3 tabular-nums ${i === 0 ? 'text-base font-bold text-red-700' : 'text-slate-600'}`}
                    data-testid={`tier-price-${column}`}
                  >
                    {formatUnitPrice(fen, currency, column, locale)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {byPiece ? null : <p className="mt-2 text-xs text-slate-500">{t('market.detail.roundingNote')}</p>}
    </div>
  );
}
