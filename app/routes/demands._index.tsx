// The demand board: open demands of buyers, filtered by category, place and cold chain, sorted and paged; a GET form that works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { DemandCard } from '~/components/demand-card';
import { ColdChainFilter, FilterPanel, FilterSelect, hrefWith } from '~/components/filter-panel';
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

const FILTERS = ['category', 'region', 'city', 'coldChain'];

export default function DemandBoard() {
  const { items, total, page, pages, values, options, sorts, canPost } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const active = FILTERS.filter((name) => values[name]).length;
  const localName = (named: { nameZh: string; nameEn: string }) =>
    locale === 'en' ? named.nameEn : named.nameZh;
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
        <FilterPanel testId="demand-filters" active={active} clearHref="/demands">
          <FilterSelect
            name="category"
            label={t('market.filter.category')}
            value={values.category}
            any={t('market.filter.allCategories')}
            options={options.categories.map((c) => ({ value: c.id, label: localName(c) }))}
            className="col-span-2 lg:col-span-1"
          />
          <FilterSelect
            name="region"
            label={t('market.filter.region')}
            value={values.region}
            any={t('market.filter.allRegions')}
            options={options.regions.map((region) => ({ value: region, label: region }))}
          />
          <FilterSelect
            name="city"
            label={t('demand.board.city')}
            value={values.city}
            any={t('demand.board.anyCity')}
            options={options.cities.map((c) => ({ value: c.id, label: localName(c) }))}
          />
          <ColdChainFilter value={values.coldChain} className="col-span-2 lg:col-span-1" />
          <FilterSelect
            name="sort"
            label={t('market.sort')}
            value={values.sort ?? 'newest'}
            options={sorts.map((s) => ({ value: s, label: t(`demand.board.sort.${s}`) }))}
            className="col-span-2 lg:col-span-1"
          />
        </FilterPanel>
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
          <Pager
            page={page}
            pages={pages}
            hrefFor={(p) => hrefWith('/demands', values, { page: p > 1 ? String(p) : null })}
          />
        </section>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'demand.board.title');
