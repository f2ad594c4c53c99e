// Seller files for the operator: every seller with the state of its file, missing ones first, sorted and paged.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { formatTime } from '~/components/notification';
import { Pager } from '~/components/pager';
import { Badge, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import {
  type FileState,
  SELLER_SORTS,
  type SellerSort,
  sellersForConsole,
} from '~/compliance/seller-files.server';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

const STATES: FileState[] = ['missing', 'kept', 'stopped'];
const TONE = { missing: 'amber', kept: 'green', stopped: 'slate' } as const;

function readQuery(url: URL) {
  const params = url.searchParams;
  const sort = SELLER_SORTS.find((s) => s === params.get('sort')) ?? 'state';
  const state = STATES.find((s) => s === params.get('state')) ?? null;
  const page = Math.min(10_000, Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1));
  const q = params.get('q')?.trim().slice(0, 80) || null;
  return { sort, state, page, q };
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const query = readQuery(new URL(request.url));
  const result = await sellersForConsole(db, query);
  // The sort names travel with the data: the .server module that declares them is empty in the browser.
  return json({ ...result, query, sorts: SELLER_SORTS });
}

export default function OperatorSellers() {
  const { rows, total, missing, pages, query, sorts } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const href = (changes: { sort?: SellerSort; state?: FileState | null; page?: number }) => {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    const sort = changes.sort ?? query.sort;
    if (sort !== 'state') params.set('sort', sort);
    const state = changes.state === undefined ? query.state : changes.state;
    if (state) params.set('state', state);
    const page = changes.page ?? query.page;
    if (page > 1) params.set('page', String(page));
    const search = params.toString();
    return search ? `/operator/sellers?${search}` : '/operator/sellers';
  };
  const filtered = Boolean(query.q || query.state);
  return (
    <div className="space-y-5">
      <PageHeader title={t('sellers.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      <p className="max-w-3xl text-sm text-slate-600">{t('sellers.intro')}</p>
      <Form method="get" className="flex flex-wrap gap-2">
        <input
          name="q"
          type="search"
          defaultValue={query.q ?? ''}
          aria-label={t('sellers.search')}
          placeholder={t('sellers.search')}
          className="w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {query.state ? <input type="hidden" name="state" value={query.state} /> : null}
        {query.sort !== 'state' ? <input type="hidden" name="sort" value={query.sort} /> : null}
        <button
          type="submit"
          className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
        >
          {t('sellers.find')}
        </button>
      </Form>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <nav aria-label={t('sellers.filter.label')} className="flex flex-wrap gap-2">
          {[null, ...STATES].map((state) => (
            <Link
              key={state ?? 'all'}
              to={href({ state, page: 1 })}
              aria-current={state === query.state ? 'true' : undefined}
              className={
                state === query.state
                  ? 'rounded-full bg-sea-700 px-3 py-1 text-white'
                  : 'rounded-full border border-slate-300 px-3 py-1 text-slate-700'
              }
            >
              {state ? t(`sellers.state.${state}`) : t('sellers.filter.all')}
            </Link>
          ))}
        </nav>
        <nav aria-label={t('sellers.sort.label')} className="flex flex-wrap gap-3">
          <span className="text-slate-500">{t('sellers.sort.label')}</span>
          {sorts.map((sort) => (
            <Link
              key={sort}
              to={href({ sort, page: 1 })}
              aria-current={sort === query.sort ? 'true' : undefined}
              className={sort === query.sort ? 'font-semibold text-sea-800' : 'text-sea-700 underline'}
            >
              {t(`sellers.sort.${sort}`)}
            </Link>
          ))}
        </nav>
      </div>
      <p className="text-sm text-slate-600">{t('sellers.summary', { count: total, missing })}</p>
      {rows.length === 0 ? (
        <EmptyState>{filtered ? t('sellers.empty') : t('sellers.emptyAll')}</EmptyState>
      ) : (
        <TableScroll label={t('sellers.tableLabel')}>
          <table className="w-full min-w-[36rem] text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t('sellers.col.name')}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t('sellers.col.state')}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t('sellers.col.updated')}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t('sellers.col.keepUntil')}
                </th>
                <th scope="col" className="py-2 font-medium">
                  <span className="sr-only">{t('sellers.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.orgId} className="border-b border-slate-100" data-seller={row.orgId}>
                  <td className="py-2 pr-3">
                    <span className="font-medium">{row.name}</span>
                    <span className="ml-2 text-xs text-slate-500">
                      {t(`verification.${row.verification}`)}
                    </span>
                  </td>
                  <td className="py-2 pr-3">
                    <Badge tone={TONE[row.state]}>{t(`sellers.state.${row.state}`)}</Badge>
                  </td>
                  <td className="py-2 pr-3 text-slate-600">
                    {row.updatedAt ? formatTime(row.updatedAt, locale) : '—'}
                  </td>
                  <td className="py-2 pr-3 text-slate-600">
                    {row.keepUntil ? formatTime(row.keepUntil, locale) : '—'}
                  </td>
                  <td className="py-2 text-right">
                    <Link
                      to={`/operator/sellers/${row.orgId}`}
                      className="whitespace-nowrap text-sea-700 underline"
                      aria-label={`${row.state === 'missing' ? t('sellers.create') : t('sellers.open')} ${row.name}`}
                    >
                      {row.state === 'missing' ? t('sellers.create') : t('sellers.open')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager page={query.page} pages={pages} hrefFor={(page) => href({ page })} />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sellers.title');
