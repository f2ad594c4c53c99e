// The demand board: open demands of buyers, filtered by category, place and cold chain, sorted and paged; a GET form that works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { DemandCard } from '~/components/demand-card';
import { Pager } from '~/components/pager';
import { EmptyState, PageHeader } from '~/components/ui';
import { BOARD_SORTS, boardFilterOptions, demandBoard, parseBoardSearch } from '~/demand/queries.server';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const { filters, values } = parseBoardSearch(new URL(request.url).searchParams);
  const [board, options] = await Promise.all([demandBoard(db, filters, viewer), boardFilterOptions(db)]);
  const kind = viewer.activeOrg?.kind;
  return json({
    ...board,
    values,
    options,
    sorts: BOARD_SORTS,
    canPost: (kind === 'buyer' || kind === 'both') && viewer.activeOrg?.role !== 'viewer',
  });
}

const selectClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-base shadow-sm sm:text-sm';
const labelClass = 'block text-sm font-medium text-slate-700';
const FILTERS = ['category', 'region', 'city', 'coldChain'];

export default function DemandBoard() {
  const { items, total, page, pages, values, options, sorts, canPost } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const active = FILTERS.filter((name) => values[name]).length;
  const href = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...values, ...changes })) if (value) params.set(name, value);
    const query = params.toString();
    return query ? `/demands?${query}` : '/demands';
  };
  return (
    <div>
      <PageHeader title={t('demand.board.title')}>
        {canPost ? (
          <Link
            to="/demands/new"
            className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
          >
            + {t('demand.board.post')}
          </Link>
        ) : null}
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('demand.board.lead')}</p>
      <Form method="get" action="/demands" className="lg:grid lg:grid-cols-[15rem_1fr] lg:gap-6">
        <details
          open={active > 0}
          className="mb-4 self-start rounded-lg border border-slate-200 bg-white p-3 shadow-sm lg:[&::details-content]:[content-visibility:visible]"
          data-testid="demand-filters"
        >
          <summary className="cursor-pointer text-sm font-semibold text-slate-800 lg:pointer-events-none lg:list-none">
            {active > 0 ? t('market.filters.active', { count: active }) : t('market.filters')}
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
                {options.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {locale === 'en' ? c.nameEn : c.nameZh}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="region" className={labelClass}>
                {t('market.filter.region')}
              </label>
              <select id="region" name="region" defaultValue={values.region ?? ''} className={selectClass}>
                <option value="">{t('market.filter.allRegions')}</option>
                {options.regions.map((region) => (
                  <option key={region} value={region}>
                    {region}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="city" className={labelClass}>
                {t('demand.board.city')}
              </label>
              <select id="city" name="city" defaultValue={values.city ?? ''} className={selectClass}>
                <option value="">{t('demand.board.anyCity')}</option>
                {options.cities.map((c) => (
                  <option key={c.id} value={c.id}>
                    {locale === 'en' ? c.nameEn : c.nameZh}
                  </option>
                ))}
              </select>
            </div>
            <div className="col-span-2 lg:col-span-1">
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
                {(['frozen', 'chilled', 'live', 'ambient'] as const).map((c) => (
                  <option key={c} value={c}>
                    {t(`listing.coldChain.${c}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="col-span-2 lg:col-span-1">
              <label htmlFor="sort" className={labelClass}>
                {t('market.sort')}
              </label>
              <select id="sort" name="sort" defaultValue={values.sort ?? 'newest'} className={selectClass}>
                {sorts.map((s) => (
                  <option key={s} value={s}>
                    {t(`demand.board.sort.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="col-span-2 flex flex-wrap items-center gap-3 lg:col-span-1">
              <button
                type="submit"
                className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
              >
                {t('market.filter.apply')}
              </button>
              {active > 0 ? (
                <Link to="/demands" className="text-sm text-sea-700 underline">
                  {t('market.filter.clear')}
                </Link>
              ) : null}
            </div>
          </div>
        </details>
        <section className="min-w-0">
          <p className="mb-3 text-sm text-slate-700" aria-live="polite" data-testid="demand-count">
            {t('demand.board.count', { count: total })}
          </p>
          {items.length === 0 ? (
            <EmptyState
              action={
                <div className="flex flex-wrap justify-center gap-3 text-sm">
                  {active > 0 ? (
                    <Link to="/demands" className="rounded-md border border-slate-300 bg-white px-3 py-2">
                      {t('market.filter.clear')}
                    </Link>
                  ) : null}
                  {canPost ? (
                    <Link
                      to="/demands/new"
                      className="rounded-md bg-sea-700 px-3 py-2 font-semibold text-white"
                    >
                      {t('demand.board.post')}
                    </Link>
                  ) : null}
                </div>
              }
            >
              {total > 0
                ? t('market.pastEnd')
                : active > 0
                  ? t('demand.board.noResults')
                  : t('demand.board.empty')}
            </EmptyState>
          ) : (
            <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3" data-testid="demand-results">
              {items.map((item) => (
                <li key={item.id} className="flex">
                  <DemandCard demand={item} />
                </li>
              ))}
            </ul>
          )}
          <Pager page={page} pages={pages} hrefFor={(p) => href({ page: p > 1 ? String(p) : null })} />
        </section>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'demand.board.title');
