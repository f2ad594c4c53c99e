// The market floor: search and filter live lots in a GET form that works without JavaScript; open to everyone.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSubmit } from '@remix-run/react';
import {
  ColdChainFilter,
  FilterNumber,
  FilterPanel,
  FilterSelect,
  hrefWith,
} from '~/components/filter-panel';
import { ListingCard, cardItem, labelIn } from '~/components/listing-card';
import { EmptyState, PageHeader } from '~/components/ui';
import { yourCardPrices } from '~/b2b/price-lists.server';
import { getViewer } from '~/lib/auth.server';
import { readerFor } from '~/lib/read-db.server';
import { resolveLocale } from '~/lib/locale.server';
import { type MessageKey, useLocale, useT } from '~/lib/i18n';
import { SORTS, marketFilterOptions, marketSearch, parseMarketSearch } from '~/listings/queries.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  // The search may read a moment behind (a replica), except for a user who just wrote (ADR 0055).
  const db = readerFor(request);
  const viewer = await getViewer(request);
  const { filters, values, errors } = parseMarketSearch(new URL(request.url).searchParams);
  const [result, options, locale] = await Promise.all([
    marketSearch(db, filters, viewer, { reuse: true }),
    marketFilterOptions(db),
    resolveLocale(request),
  ]);
  // Cards in the reader's language only; the sorts come with the data (a .server module's values do not reach
  // the browser bundle).
  const items = result.items.map((item) => cardItem(item, locale));
  // A buyer org's own prices from its sellers' price lists (ADR 0051): for that org alone, nothing for anyone else.
  const org = viewer?.activeOrg;
  const yourPrices =
    org && (org.kind === 'buyer' || org.kind === 'both')
      ? await yourCardPrices(
          db,
          org.orgId,
          items.map((item) => item.id),
          new Date(),
        )
      : {};
  return json({ ...result, items, values, errors, options, sorts: SORTS, yourPrices });
}

const FILTER_FIELDS = [
  'category',
  'state',
  'region',
  'coldChain',
  'priceMin',
  'priceMax',
  'minQty',
  'verified',
];

export default function Market() {
  const { items, total, totalCapped, page, pageCount, values, errors, options, sorts, yourPrices } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const activeFilters = FILTER_FIELDS.filter((name) => values[name]).length;
  const marketEmpty = options.regions.length === 0;
  const sort = values.sort ?? (values.q ? 'relevance' : 'newest');
  const groups = (['seafood', 'farm'] as const).map((group) => ({
    group,
    categories: options.categories.filter((c) => c.group === group),
  }));

  return (
    <div>
      <PageHeader title={t('market.title')} />
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('market.lead')}</p>
      <Form method="get" action="/market" className="lg:grid lg:grid-cols-[15rem_1fr] lg:gap-6">
        <div className="mb-4 flex gap-2 lg:col-span-2" role="search">
          <label htmlFor="q" className="sr-only">
            {t('market.search.label')}
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={values.q ?? ''}
            placeholder={t('market.search.placeholder')}
            maxLength={200}
            className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-sea-600 focus:ring-1 focus:ring-sea-600"
          />
          <button
            type="submit"
            className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
          >
            {t('market.search.submit')}
          </button>
        </div>

        <FilterPanel
          testId="market-filters"
          active={activeFilters}
          open={activeFilters > 0 || Object.keys(errors).length > 0}
          clearHref={hrefWith('/market', { q: values.q })}
        >
          <FilterSelect
            name="category"
            label={t('market.filter.category')}
            value={values.category}
            any={t('market.filter.allCategories')}
            className="col-span-2 lg:col-span-1"
          >
            {groups.map(({ group, categories }) => (
              <optgroup key={group} label={t(`listing.group.${group}`)}>
                {categories.map((category) => (
                  <option key={category.id} value={category.id}>
                    {locale === 'en' ? category.nameEn : category.nameZh}
                  </option>
                ))}
              </optgroup>
            ))}
          </FilterSelect>
          <FilterSelect
            name="state"
            label={t('market.filter.state')}
            value={values.state}
            any={t('market.filter.any')}
            options={options.states.map((state) => ({
              value: state.value,
              label: labelIn(state.label, locale),
            }))}
          />
          <ColdChainFilter value={values.coldChain} />
          <FilterSelect
            name="region"
            label={t('market.filter.region')}
            value={values.region}
            any={t('market.filter.allRegions')}
            // A region asked for in the URL stays selectable even when no live lot is there now.
            options={[...new Set([...options.regions, ...(values.region ? [values.region] : [])])].map(
              (region) => ({ value: region, label: region }),
            )}
            className="col-span-2 lg:col-span-1"
          />
          <FilterNumber
            name="priceMin"
            label={t('market.filter.priceMin')}
            value={values.priceMin}
            error={errors.priceMin}
            hintId="price-hint"
          />
          <FilterNumber
            name="priceMax"
            label={t('market.filter.priceMax')}
            value={values.priceMax}
            error={errors.priceMax}
            hintId="price-hint"
          />
          <p id="price-hint" className="col-span-2 -mt-1 text-xs text-slate-500 lg:col-span-1">
            {t('market.filter.priceHint')}
          </p>
          <FilterNumber
            name="minQty"
            label={t('market.filter.minQuantity')}
            value={values.minQty}
            error={errors.minQty}
            hint={t('market.filter.minQuantityHint')}
            className="col-span-2 lg:col-span-1"
          />
          <label className="col-span-2 flex items-center gap-2 text-sm text-slate-700 lg:col-span-1">
            <input
              type="checkbox"
              name="verified"
              value="1"
              defaultChecked={values.verified === '1'}
              className="size-4 rounded border-slate-300"
            />
            {t('market.filter.verified')}
          </label>
        </FilterPanel>

        <section className="min-w-0">
          <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
            <p className="text-sm text-slate-700" aria-live="polite" data-testid="result-count">
              {values.q
                ? t(totalCapped ? 'market.resultsForMany' : 'market.resultsFor', {
                    q: values.q,
                    count: total,
                  })
                : t(totalCapped ? 'market.resultsMany' : 'market.results', { count: total })}
            </p>
            <div className="flex items-center gap-2">
              <label htmlFor="sort" className="text-sm text-slate-600">
                {t('market.sort')}
              </label>
              <select
                id="sort"
                name="sort"
                defaultValue={sort}
                onChange={(event) => submit(event.currentTarget.form)}
                className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
              >
                {sorts
                  .filter((s) => s !== 'relevance' || values.q)
                  .map((s) => (
                    <option key={s} value={s}>
                      {t(`market.sort.${s}` as MessageKey)}
                    </option>
                  ))}
              </select>
              <noscript>
                <button
                  type="submit"
                  className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
                >
                  {t('market.filter.apply')}
                </button>
              </noscript>
            </div>
          </div>

          {items.length === 0 ? (
            total > 0 ? (
              <EmptyState
                action={
                  <Link to={hrefWith('/market', values)} className="text-sm text-sea-700 underline">
                    {t('market.firstPage')}
                  </Link>
                }
              >
                {t('market.pastEnd')}
              </EmptyState>
            ) : marketEmpty ? (
              <EmptyState>{t('market.emptyMarket')}</EmptyState>
            ) : (
              <EmptyState
                action={
                  <div className="flex flex-wrap justify-center gap-3 text-sm">
                    {activeFilters > 0 ? (
                      <Link
                        to={hrefWith('/market', { q: values.q })}
                        className="rounded-md bg-sea-700 px-3 py-2 font-semibold text-white"
                      >
                        {t('market.filter.clear')}
                      </Link>
                    ) : null}
                    <Link to="/market" className="rounded-md border border-slate-300 bg-white px-3 py-2">
                      {t('market.showAll')}
                    </Link>
                  </div>
                }
              >
                {t('market.noResults')}
              </EmptyState>
            )
          ) : (
            <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3" data-testid="market-results">
              {items.map((item) => (
                <li key={item.id} className="flex">
                  <ListingCard item={item} yourPriceFen={yourPrices[item.id] ?? null} />
                </li>
              ))}
            </ul>
          )}

          {pageCount > 1 ? (
            <nav
              aria-label={t('market.pagination')}
              className="mt-6 flex items-center justify-between gap-3 text-sm"
              data-testid="pagination"
            >
              {page > 1 ? (
                <Link
                  to={hrefWith('/market', values, { page: page - 1 > 1 ? String(page - 1) : null })}
                  rel="prev"
                  className="rounded-md border border-slate-300 bg-white px-3 py-2"
                >
                  {t('market.prev')}
                </Link>
              ) : (
                <span />
              )}
              <span className="text-slate-600">{t('market.page', { page, pageCount })}</span>
              {page < pageCount ? (
                <Link
                  to={hrefWith('/market', values, { page: String(page + 1) })}
                  rel="next"
                  className="rounded-md border border-slate-300 bg-white px-3 py-2"
                >
                  {t('market.next')}
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </section>
      </Form>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'nav.market', data?.values.q || undefined);
