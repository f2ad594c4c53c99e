// Presentational pieces of the demand area: a demand's card on the board, its status badge, and why a match ranks where it does.
import { Link } from '@remix-run/react';
import { Badge } from '~/components/ui';
import { priceLabel } from '~/demand/format';
import { type Locale, useLocale, useT, type KeyIn } from '~/lib/i18n';
import { type QuantityUnit, formatQuantity } from '~/lib/units';

type Label = { zh: string; en: string };

export type DemandCardData = {
  id: string;
  title: string;
  categoryZh: string;
  categoryEn: string;
  specRows: { key: string; label: Label; value: Label }[];
  quantity: number;
  displayUnit: QuantityUnit;
  targetPriceFen: number | null;
  priceUnit: string;
  deliverBy: string;
  cityZh: string;
  cityEn: string;
  coldChain: string;
  visibility: 'all' | 'verified';
  status: 'open' | 'closed' | 'fulfilled';
  buyerName: string;
  quoteCount: number;
  own?: boolean;
};

const l = (label: Label, locale: Locale) => (locale === 'en' ? label.en : label.zh);

export function targetText(
  demand: { targetPriceFen: number | null; priceUnit: string },
  locale: Locale,
  openText: string,
): string {
  return demand.targetPriceFen === null
    ? openText
    : priceLabel(demand.targetPriceFen, demand.priceUnit, locale);
}

export function DemandStatusBadge({
  status,
  expired,
}: {
  status: DemandCardData['status'];
  expired?: boolean;
}) {
  const t = useT();
  if (status === 'open' && expired) return <Badge tone="red">{t('demand.status.expired')}</Badge>;
  const tone = status === 'open' ? 'green' : status === 'fulfilled' ? 'sea' : 'slate';
  return <Badge tone={tone}>{t(`demand.status.${status}`)}</Badge>;
}

export function DemandCard({ demand }: { demand: DemandCardData }) {
  const t = useT();
  const locale = useLocale();
  return (
    <article
      className="flex w-full min-w-0 flex-col rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="demand-card"
    >
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span>{locale === 'en' ? demand.categoryEn : demand.categoryZh}</span>
        {demand.visibility === 'verified' ? (
          <Badge tone="amber">{t('demand.visibility.verifiedShort')}</Badge>
        ) : null}
        {demand.own ? <Badge tone="sea">{t('demand.card.own')}</Badge> : null}
      </div>
      <h2 className="mt-1 font-semibold break-words text-slate-900">
        <Link to={`/demands/${demand.id}`} className="hover:underline">
          {demand.title}
        </Link>
      </h2>
      {demand.specRows.length > 0 ? (
        <ul className="mt-2 flex flex-wrap gap-1">
          {demand.specRows.slice(0, 3).map((row) => (
            <li key={row.key} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
              {l(row.label, locale)} {l(row.value, locale)}
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-500">{t('demand.card.quantity')}</dt>
        <dd className="font-medium tabular-nums">
          {formatQuantity(demand.quantity, demand.displayUnit, locale)}
        </dd>
        <dt className="text-slate-500">{t('demand.card.target')}</dt>
        <dd className="tabular-nums">{targetText(demand, locale, t('demand.card.open'))}</dd>
        <dt className="text-slate-500">{t('demand.card.deliverTo')}</dt>
        <dd>
          {locale === 'en' ? demand.cityEn : demand.cityZh} ·{' '}
          {t('demand.card.by', { date: demand.deliverBy })}
        </dd>
        <dt className="text-slate-500">{t('demand.card.coldChain')}</dt>
        <dd>{t(`listing.coldChain.${demand.coldChain}` as KeyIn<'listing.coldChain'>)}</dd>
      </dl>
      <p className="mt-auto flex flex-wrap justify-between gap-2 pt-3 text-xs text-slate-500">
        <span className="min-w-0 truncate">{demand.buyerName}</span>
        <span>{t('demand.card.quotes', { count: demand.quoteCount })}</span>
      </p>
    </article>
  );
}

const PARTS = ['spec', 'price', 'quantity', 'distance', 'freshness', 'credit'] as const;

/** A match's score and its six parts as small bars, so a trader sees why it ranks where it does. */
export function MatchWhy({
  score,
  parts,
  distanceKm,
}: {
  score: number;
  parts: Record<(typeof PARTS)[number], number>;
  distanceKm: number | null;
}) {
  const t = useT();
  return (
    <div className="text-xs" data-testid="match-why">
      <p className="font-semibold text-sea-800">
        {t('demand.match.score', { score })}
        {distanceKm !== null ? (
          <span className="ml-2 font-normal text-slate-500">{t('demand.match.km', { km: distanceKm })}</span>
        ) : null}
      </p>
      <ul className="mt-1 grid grid-cols-2 gap-x-3 gap-y-0.5 sm:grid-cols-3">
        {PARTS.map((part) => (
          <li key={part} className="flex items-center gap-1.5">
            <span className="w-12 shrink-0 text-slate-500">{t(`demand.match.part.${part}`)}</span>
            <span className="h-1.5 min-w-0 flex-1 rounded bg-slate-100" aria-hidden>
              <span
                className="block h-1.5 rounded bg-sea-600"
                style={{ width: `${Math.round((parts[part] ?? 0) * 100)}%` }}
              />
            </span>
            <span className="w-8 shrink-0 text-right tabular-nums text-slate-600">
              {Math.round((parts[part] ?? 0) * 100)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export type SellerMatch = {
  demandId: string;
  title: string;
  quantity: number;
  displayUnit: QuantityUnit;
  targetPriceFen: number | null;
  priceUnit: string;
  deliverBy: string;
  cityZh: string;
  cityEn: string;
  buyerName: string;
  listingTitleZh: string | null;
  listingTitleEn: string | null;
  score: number;
  parts: Record<(typeof PARTS)[number], number>;
  distanceKm: number | null;
};

/** "Demands your lots fit", on the seller's desk: each open demand with the lot that fits it best and why. */
export function DemandsYourLotsFit({ items }: { items: SellerMatch[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section
      className="mb-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="seller-matches"
    >
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold text-slate-900">{t('demand.sellerMatches.title')}</h2>
        <Link to="/demands" className="text-sm text-sea-700 underline">
          {t('demand.sellerMatches.board')}
        </Link>
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">{t('demand.sellerMatches.empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {items.map((item) => (
            <li key={item.demandId} className="grid gap-2 py-3 md:grid-cols-[minmax(0,1fr)_minmax(0,18rem)]">
              <div className="min-w-0">
                <Link
                  to={`/demands/${item.demandId}`}
                  className="font-medium break-words text-slate-900 hover:underline"
                >
                  {item.title}
                </Link>
                <p className="text-sm text-slate-600">
                  {item.buyerName} · {formatQuantity(item.quantity, item.displayUnit, locale)} ·{' '}
                  {targetText(item, locale, t('demand.card.open'))} ·{' '}
                  {locale === 'en' ? item.cityEn : item.cityZh} ·{' '}
                  {t('demand.card.by', { date: item.deliverBy })}
                </p>
                <p className="text-xs text-slate-500">
                  {t('demand.sellerMatches.bestLot', {
                    lot:
                      (locale === 'en'
                        ? (item.listingTitleEn ?? item.listingTitleZh)
                        : (item.listingTitleZh ?? item.listingTitleEn)) ?? '',
                  })}
                </p>
              </div>
              <MatchWhy score={item.score} parts={item.parts} distanceKm={item.distanceKm} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
