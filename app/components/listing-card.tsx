// A lot in the market's results: photo, title in the reader's language, spec chips, origin, stock, best price, seller.
import { Link } from '@remix-run/react';
import type { Locale } from '~/lib/i18n';
import { useLocale, useT } from '~/lib/i18n';
import { type Currency, formatMoney } from '~/lib/money';
import { type QuantityUnit, formatQuantity, unitLabel } from '~/lib/units';
import type { Label, MarketItem } from '~/listings/queries.server';
import { Badge } from './ui';

/** The title in the reader's language, else the other one (a lot needs at least one). */
export function listingTitle(titles: { titleZh: string | null; titleEn: string | null }, locale: Locale) {
  return (locale === 'en' ? (titles.titleEn ?? titles.titleZh) : (titles.titleZh ?? titles.titleEn)) ?? '';
}

export function labelIn(label: Label, locale: Locale): string {
  return locale === 'en' ? label.en : label.zh;
}

/** '¥36.00/公斤' or 'CN¥36.00/kg'. */
export function formatUnitPrice(
  fen: number,
  currency: Currency,
  unit: 'kg' | 'jin' | 'piece',
  locale: Locale,
) {
  return `${formatMoney(fen, currency, locale)}/${unitLabel(unit, locale)}`;
}

export function formatStock(
  value: number,
  unit: QuantityUnit,
  locale: Locale,
  caseNetGrams: number | null,
): string {
  return formatQuantity(value, unit, locale, { caseNetGrams: caseNetGrams ?? undefined });
}

export function VerifiedBadge() {
  const t = useT();
  return (
    <Badge tone="green">
      <svg viewBox="0 0 20 20" className="mr-1 size-3.5" fill="currentColor" aria-hidden>
        <path d="M10 1.5 3 4.5v5c0 4.2 2.9 7.9 7 9 4.1-1.1 7-4.8 7-9v-5l-7-3Zm-1.2 12.1L5.5 10.3l1.3-1.3 2 2 4.4-4.4 1.3 1.3-5.7 5.7Z" />
      </svg>
      {t('market.verified')}
    </Badge>
  );
}

export function PhotoPlaceholder({ className = '' }: { className?: string }) {
  const t = useT();
  return (
    <div
      className={`flex flex-col items-center justify-center gap-1 bg-slate-100 text-slate-600 ${className}`}
      data-testid="photo-placeholder"
    >
      <svg
        viewBox="0 0 24 24"
        className="size-8"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        aria-hidden
      >
        <rect x="3" y="5" width="18" height="14" rx="2" />
        <circle cx="9" cy="10" r="1.5" />
        <path d="m21 16-5-5-8 8" />
      </svg>
      <span className="text-xs">{t('market.noPhoto')}</span>
    </div>
  );
}

/**
 * What a card shows, in the reader's language only: the market's loader sends this rather than both languages of
 * every title, category and spec label (a third of the page's data; issue #22, `ssr-market`).
 */
export type CardItem = Omit<
  MarketItem,
  'titleZh' | 'titleEn' | 'category' | 'spec' | 'bestBefore' | 'coldChain' | 'seller'
> & {
  seller: { name: string; verified: boolean };
  title: string;
  categoryName: string;
  /** Spec chips: an enum by its value's label ("冷冻"), anything else as label and value ("单条重量 500 g"). */
  chips: { key: string; text: string }[];
};

export function cardItem(item: MarketItem, locale: Locale): CardItem {
  // What the card does not show stays out of the page's data.
  const { titleZh, titleEn, category, spec, bestBefore: _, coldChain: __, seller, ...rest } = item;
  return {
    ...rest,
    seller: { name: seller.name, verified: seller.verified },
    title: listingTitle({ titleZh, titleEn }, locale),
    categoryName: locale === 'en' ? category.nameEn : category.nameZh,
    chips: spec.map((row) => ({
      key: row.key,
      text:
        row.kind === 'enum'
          ? labelIn(row.value, locale)
          : `${labelIn(row.label, locale)} ${labelIn(row.value, locale)}`,
    })),
  };
}

// Phones get a row (small square photo beside the text) so a screen holds several lots; wider screens a tile.
const PHOTO_CLASS =
  'aspect-square w-28 shrink-0 self-start bg-slate-100 object-cover sm:aspect-[4/3] sm:w-full sm:self-auto';

/** `yourPriceFen`: the signed-in buyer org's own lowest price from its seller's price list (ADR 0051), if any. */
export function ListingCard({ item, yourPriceFen = null }: { item: CardItem; yourPriceFen?: number | null }) {
  const t = useT();
  const locale = useLocale();
  const stock = (value: number) => formatStock(value, item.displayUnit, locale, item.caseNetGrams);
  return (
    <article
      className="relative flex w-full overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm transition hover:border-sea-600 hover:shadow sm:flex-col"
      data-testid="listing-card"
    >
      {item.thumbKey ? (
        <img src={`/files/${item.thumbKey}`} alt="" loading="lazy" className={PHOTO_CLASS} />
      ) : (
        <PhotoPlaceholder className={PHOTO_CLASS} />
      )}
      <div className="flex min-w-0 flex-1 flex-col gap-2 p-3">
        <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
          <span>{item.categoryName}</span>
          {item.own ? <Badge tone="sea">{t('market.own')}</Badge> : null}
        </div>
        <h2 className="line-clamp-2 font-semibold leading-snug text-slate-900">
          <Link
            to={`/market/${item.id}`}
            prefetch="intent"
            className="after:absolute after:inset-0 focus-visible:outline-none"
          >
            {item.title}
          </Link>
        </h2>
        {item.chips.length > 0 ? (
          <ul className="flex flex-wrap gap-1" aria-label={t('market.detail.spec')}>
            {item.chips.map((chip) => (
              <li key={chip.key} className="rounded bg-sea-50 px-1.5 py-0.5 text-xs text-sea-800">
                {chip.text}
              </li>
            ))}
          </ul>
        ) : null}
        <dl className="space-y-0.5 text-sm text-slate-600">
          <div>
            <dt className="sr-only">{t('market.detail.origin')}</dt>
            <dd>
              {item.originRegion} · {item.originName}
            </dd>
          </div>
          <div>
            <dt className="sr-only">{t('market.detail.harvestDate')}</dt>
            <dd>{t('market.harvested', { date: item.harvestDate })}</dd>
          </div>
          <div>
            <dt className="sr-only">{t('market.detail.available')}</dt>
            <dd>
              <span className="whitespace-nowrap">
                {t('market.available', { quantity: stock(item.quantityAvailable) })}
              </span>{' '}
              ·{' '}
              <span className="whitespace-nowrap">
                {t('market.moq', { quantity: stock(item.minOrderQuantity) })}
              </span>
            </dd>
          </div>
        </dl>
        <div className="mt-auto flex flex-wrap items-end justify-between gap-2 border-t border-slate-100 pt-2">
          <p className="text-lg font-bold text-red-700" data-testid="card-price">
            {t('market.priceFrom', {
              price: formatUnitPrice(item.lowestPriceFen, item.currency, item.priceUnit, locale),
            })}
          </p>
          {yourPriceFen !== null ? (
            <p className="text-sm font-semibold text-red-800" data-testid="card-your-price">
              {t('b2b.your.cardPrice', {
                price: formatUnitPrice(yourPriceFen, item.currency, item.priceUnit, locale),
              })}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-600">
          <span className="truncate">{item.seller.name}</span>
          {item.seller.verified ? <VerifiedBadge /> : null}
        </div>
      </div>
    </article>
  );
}
