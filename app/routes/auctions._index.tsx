// Live and upcoming auctions: filters by type and category, sort, paging, and the viewer's own auctions and bids.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { formatLeft, priceText } from '~/components/auction-live';
import { hrefWith } from '~/components/filter-panel';
import { formatTime } from '~/components/notification';
import { listingTitle } from '~/components/listing-card';
import { Pager } from '~/components/pager';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { AUCTION_TYPES, SORTS } from '~/auctions/kinds';
import { auctionListPage, auctionListQuery, myAuctions } from '~/auctions/pages.server';
import { getViewer } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { formatQuantity } from '~/lib/units';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const query = auctionListQuery(new URL(request.url));
  const now = new Date();
  const list = await auctionListPage(db, query, now);
  const mine = viewer?.activeOrg ? await myAuctions(db, viewer.activeOrg.orgId) : [];
  return json({ ...list, query, mine, serverTime: now.toISOString() });
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auctions.title');

export default function Auctions() {
  const { rows, page, pages, categories, query, mine, serverTime, total } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const now = Date.parse(serverTime);
  const href = (p: number) =>
    hrefWith(
      '/auctions',
      { type: query.type, category: query.category, sort: query.sort === 'ending' ? null : query.sort },
      { page: p > 1 ? String(p) : null },
    );
  const filtered = Boolean(query.type || query.category);

  return (
    <div>
      <PageHeader title={t('auctions.title')} />
      <Form
        method="get"
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-4 sm:items-end"
      >
        <label className="text-sm">
          <span className="block text-slate-600">{t('auctions.filter.type')}</span>
          <select
            name="type"
            defaultValue={query.type ?? ''}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-2"
          >
            <option value="">{t('auctions.filter.all')}</option>
            {AUCTION_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`auctions.type.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">{t('auctions.filter.category')}</span>
          <select
            name="category"
            defaultValue={query.category ?? ''}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-2"
          >
            <option value="">{t('auctions.filter.all')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {locale === 'en' ? c.nameEn : c.nameZh}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">{t('auctions.filter.sort')}</span>
          <select
            name="sort"
            defaultValue={query.sort}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-2"
          >
            {SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {t(`auctions.sort.${sort}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white">
          {t('auctions.filter.apply')}
        </button>
      </Form>

      {rows.length === 0 ? (
        <EmptyState
          action={
            filtered ? (
              <Link to="/auctions" className="text-sea-700 underline">
                {t('auctions.empty.clear')}
              </Link>
            ) : (
              <Link to="/sell" className="text-sea-700 underline">
                {t('auctions.empty.sell')}
              </Link>
            )
          }
        >
          {filtered ? t('auctions.empty.filtered') : t('auctions.empty.none')}
        </EmptyState>
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-500">{t('auctions.count', { count: total })}</p>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="auction-list">
            {rows.map((row) => {
              const ends = row.endsAt ? Date.parse(row.endsAt) : null;
              return (
                <li key={row.id}>
                  <Link
                    to={`/auctions/${row.id}`}
                    className="block h-full rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-sea-400"
                  >
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge tone="sea">{t(`auctions.type.${row.type}`)}</Badge>
                      {row.upcoming ? (
                        <Badge tone="amber">{t('auctions.upcoming')}</Badge>
                      ) : (
                        <Badge tone="green">{t('auctions.live')}</Badge>
                      )}
                    </div>
                    <p className="mt-2 font-semibold text-slate-900">{listingTitle(row, locale)}</p>
                    <p className="text-sm text-slate-600">
                      {formatQuantity(row.remaining, row.displayUnit, locale, {
                        caseNetGrams: row.caseNetGrams ?? undefined,
                      })}
                    </p>
                    <p className="mt-2 text-lg font-bold tabular-nums text-sea-800">
                      {priceText(row.priceFen ?? row.startPriceFen, row.currency, row.priceUnit, locale)}
                    </p>
                    <p className="text-xs text-slate-500">
                      {row.upcoming
                        ? t('auctions.startsOn', {
                            time: formatTime(row.clockStartsAt ?? row.startsAt, locale),
                          })
                        : ends
                          ? t('auctions.endsIn', { time: formatLeft(ends - now, locale) })
                          : t('auctions.clock.running')}
                      {row.type !== 'sealed' ? ` · ${t('auctions.bidders', { count: row.bidderCount })}` : ''}
                    </p>
                  </Link>
                </li>
              );
            })}
          </ul>
          <Pager page={page} pages={pages} hrefFor={href} />
        </>
      )}

      {mine.length > 0 ? (
        <Card title={t('auctions.mine.title')} className="mt-6">
          <ul className="divide-y divide-slate-100 text-sm" data-testid="my-auctions">
            {mine.map((row) => (
              <li key={row.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <Link to={`/auctions/${row.id}`} className="min-w-0 text-sea-700 underline">
                  {listingTitle(row, locale)}
                </Link>
                <span className="flex flex-wrap items-center gap-2">
                  <Badge>{t(`auctions.mine.${row.role}`)}</Badge>
                  <Badge tone={row.status === 'open' ? 'green' : 'slate'}>
                    {t(`auctions.status.${row.status}`)}
                  </Badge>
                  {row.role === 'bidding' && row.status === 'open' && row.type === 'english' ? (
                    <Badge tone={row.leading ? 'green' : 'amber'}>
                      {row.leading ? t('auctions.mine.leading') : t('auctions.mine.outbid')}
                    </Badge>
                  ) : null}
                  {row.won ? <Badge tone="green">{t('auctions.mine.won')}</Badge> : null}
                  {row.priceFen !== null ? (
                    <span className="tabular-nums">
                      {priceText(row.priceFen, row.currency, row.priceUnit, locale)}
                    </span>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
