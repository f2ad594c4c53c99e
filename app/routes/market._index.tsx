// The market floor: search and filter live lots in a GET form that works without JavaScript; open to everyone.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSubmit } from '@remix-run/react';
import { ListingCard, labelIn } from '~/components/listing-card';
import { EmptyState, PageHeader } from '~/components/ui';
import { getViewer } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { type MessageKey, useLocale, useT } from '~/lib/i18n';
import { SORTS, marketFilterOptions, marketSearch, parseMarketSearch } from '~/listings/queries.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const { filters, values, errors } = parseMarketSearch(new URL(request.url).searchParams);
  const [result, options] = await Promise.all([marketSearch(db, filters, viewer), marketFilterOptions(db)]);
  // The sorts come with the data: a .server module's values do not reach the browser bundle.
  return json({ ...result, values, errors, options, sorts: SORTS });
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
const COLD_CHAIN = ['frozen', 'chilled', 'live', 'ambient'] as const;

const selectClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-base shadow-sm focus:border-sea-600 focus:ring-1 focus:ring-sea-600 sm:text-sm';
const labelClass = 'block text-sm font-medium text-slate-700';

function hrefWith(values: Record<string, string>, changes: Record<string, string | null>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...changes })) if (value) params.set(name, value);
  const query = params.toString();
  return query ? `/market?${query}` : '/market';
}

export default function Market() {
  const { items, total, page, pageCount, values, errors, options, sorts } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const activeFilters = FILTER_FIELDS.filter((name) => values[name]).length;
  const marketEmpty = options.regions.length === 0;
  const sort = values.sort ?? (values.q ? 'relevance' : 'newest');
  const fieldError = (name: string) =>
    errors[name] ? (
      <p id={`${name}-error`} role="alert" className="mt-1 text-xs text-red-600">
        {t(errors[name])}
      </p>
    ) : null;
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

        <details
          open={activeFilters > 0 || Object.keys(errors).length > 0}
          className="mb-4 self-start rounded-lg border border-slate-200 bg-white p-3 shadow-sm lg:[&::details-content]:[content-visibility:visible]"
          data-testid="market-filters"
        >
          <summary className="cursor-pointer text-sm font-semibold text-slate-800 lg:pointer-events-none lg:list-none">
            {activeFilters > 0 ? t('market.filters.active', { count: activeFilters }) : t('market.filters')}
          </summary>
          <div className="mt-3 grid grid-cols-2 gap-3 lg:grid-cols-1">
            <div className="col-span-2 lg:col-span-1">
              <label htmlFor="category" className={labelClass}>
                {t('market.filter.category')}
              </label>
              <select
                id="category"
                name="category"
                defaultValue={values.category ?? ''}
                className={selectClass}
              >
                <option value="">{t('market.filter.allCategories')}</option>
                {groups.map(({ group, categories }) => (
                  <optgroup key={group} label={t(`listing.group.${group}`)}>
                    {categories.map((category) => (
                      <option key={category.id} value={category.id}>
                        {locale === 'en' ? category.nameEn : category.nameZh}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="state" className={labelClass}>
                {t('market.filter.state')}
              </label>
              <select id="state" name="state" defaultValue={values.state ?? ''} className={selectClass}>
                <option value="">{t('market.filter.any')}</option>
                {options.states.map((state) => (
                  <option key={state.value} value={state.value}>
                    {labelIn(state.label, locale)}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="coldChain" className={labelClass}>
                {t('market.filter.coldChain')}
              </label>
              <select
                id="coldChain"
                name="coldChain"
                defaultValue={values.coldChain ?? ''}
                className={selectClass}
              >
                <option value="">{t('market.filter.any')}</option>
                {COLD_CHAIN.map((value) => (
                  <option key={value} value={value}>
                    {t(`listing.coldChain.${value}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="col-span-2 lg:col-span-1">
              <label htmlFor="region" className={labelClass}>
                {t('market.filter.region')}
              </label>
              <select id="region" name="region" defaultValue={values.region ?? ''} className={selectClass}>
                <option value="">{t('market.filter.allRegions')}</option>
                {[...new Set([...options.regions, ...(values.region ? [values.region] : [])])].map(
                  (region) => (
                    <option key={region} value={region}>
                      {region}
                    </option>
                  ),
                )}
              </select>
            </div>
            <div>
              <label htmlFor="priceMin" className={labelClass}>
                {t('market.filter.priceMin')}
              </label>
              <input
                id="priceMin"
                name="priceMin"
                inputMode="decimal"
                defaultValue={values.priceMin ?? ''}
                aria-invalid={errors.priceMin ? true : undefined}
                aria-describedby={errors.priceMin ? 'priceMin-error price-hint' : 'price-hint'}
                className={`${selectClass} ${errors.priceMin ? 'border-red-500' : ''}`}
              />
              {fieldError('priceMin')}
            </div>
            <div>
              <label htmlFor="priceMax" className={labelClass}>
                {t('market.filter.priceMax')}
              </label>
              <input
                id="priceMax"
                name="priceMax"
                inputMode="decimal"
                defaultValue={values.priceMax ?? ''}
                aria-invalid={errors.priceMax ? true : undefined}
                aria-describedby={errors.priceMax ? 'priceMax-error price-hint' : 'price-hint'}
                className={`${selectClass} ${errors.priceMax ? 'border-red-500' : ''}`}
              />
              {fieldError('priceMax')}
            </div>
            <p id="price-hint" className="col-span-2 -mt-1 text-xs text-slate-500 lg:col-span-1">
              {t('market.filter.priceHint')}
            </p>
            <div className="col-span-2 lg:col-span-1">
              <label htmlFor="minQty" className={labelClass}>
                {t('market.filter.minQuantity')}
              </label>
              <input
                id="minQty"
                name="minQty"
                inputMode="decimal"
                defaultValue={values.minQty ?? ''}
                aria-invalid={errors.minQty ? true : undefined}
                aria-describedby={errors.minQty ? 'minQty-error minQty-hint' : 'minQty-hint'}
                className={`${selectClass} ${errors.minQty ? 'border-red-500' : ''}`}
              />
              {fieldError('minQty')}
              <p id="minQty-hint" className="mt-1 text-xs text-slate-500">
                {t('market.filter.minQuantityHint')}
              </p>
            </div>
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
            <div className="col-span-2 flex flex-wrap items-center gap-3 lg:col-span-1">
              <button
                type="submit"
                className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
              >
                {t('market.filter.apply')}
              </button>
              {activeFilters > 0 ? (
                <Link to={hrefWith({ q: values.q ?? '' }, {})} className="text-sm text-sea-700 underline">
                  {t('market.filter.clear')}
                </Link>
              ) : null}
            </div>
          </div>
        </details>

        <section className="min-w-0">
          <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
            <p className="text-sm text-slate-700" aria-live="polite" data-testid="result-count">
              {values.q
                ? t('market.resultsFor', { q: values.q, count: total })
                : t('market.results', { count: total })}
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
                  <Link to={hrefWith(values, {})} className="text-sm text-sea-700 underline">
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
                        to={hrefWith({ q: values.q ?? '' }, {})}
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
                  <ListingCard item={item} />
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
                  to={hrefWith(values, { page: page - 1 > 1 ? String(page - 1) : null })}
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
                  to={hrefWith(values, { page: String(page + 1) })}
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
