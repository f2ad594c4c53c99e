// A buyer org's pre-orders on harvest plans: quantity, deposit held, state, the order a fill became; paged, newest first.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PreOrderStatusBadge, harvestIsLate } from '~/components/plan-parts';
import { Pager } from '~/components/pager';
import { Badge, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { buyerPreOrders, pageOf } from '~/farming/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketToday } from '~/lib/market-time';
import { formatMoney } from '~/lib/money';
import { type QuantityUnit, formatQuantity } from '~/lib/units';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const url = new URL(request.url);
  const page = pageOf(url.searchParams.get('page'));
  const status = url.searchParams.get('status') === 'live' ? 'live' : null;
  const { rows, hasMore } = await buyerPreOrders(db, viewer.activeOrg.orgId, page, status);
  return json({ rows, hasMore, page, status, today: marketToday() });
}

export default function MyPreOrders() {
  const { rows, hasMore, page, status, today } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div>
      <PageHeader title={t('farming.mine.title')}>
        <Link to="/plans" className="rounded-md bg-sea-700 px-3 py-2 text-sm font-semibold text-white">
          {t('farming.mine.browse')}
        </Link>
      </PageHeader>
      <nav aria-label={t('farming.mine.filter')} className="mb-4 flex gap-3 text-sm">
        <Link
          to="/preorders"
          aria-current={status ? undefined : 'true'}
          className={status ? 'text-sea-700' : 'font-semibold underline'}
        >
          {t('farming.mine.all')}
        </Link>
        <Link
          to="/preorders?status=live"
          aria-current={status ? 'true' : undefined}
          className={status ? 'font-semibold underline' : 'text-sea-700'}
        >
          {t('farming.mine.live')}
        </Link>
      </nav>
      {rows.length === 0 ? (
        <EmptyState
          action={
            <Link to="/plans" className="rounded-md bg-sea-700 px-3 py-2 text-sm font-semibold text-white">
              {t('farming.mine.browse')}
            </Link>
          }
        >
          {page > 1 ? t('market.pastEnd') : t('farming.mine.empty')}
        </EmptyState>
      ) : (
        <TableScroll label={t('farming.mine.title')}>
          <table
            className="min-w-full divide-y divide-slate-200 bg-white text-sm"
            data-testid="my-pre-orders"
          >
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t('farming.sell.plan')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('farming.facts.window')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('farming.pre.quantity')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('farming.pre.deposit')}
                </th>
                <th scope="col" className="px-3 py-2" aria-sort="descending">
                  {t('farming.pre.status')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('farming.pre.actions')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => {
                const unit = row.displayUnit as QuantityUnit;
                return (
                  <tr key={row.id}>
                    <td className="px-3 py-2">
                      <Link to={`/plans/${row.planId}`} className="font-medium text-sea-700 underline">
                        {row.title}
                      </Link>
                      <div className="text-xs text-slate-500">{row.sellerName}</div>
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {row.harvestFrom} – {row.harvestTo}
                      {harvestIsLate({ status: row.planStatus, harvestTo: row.harvestTo }, today) ? (
                        <div>
                          <Badge tone="red">{t('farming.late.badge')}</Badge>
                        </div>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {formatQuantity(row.quantity, unit, locale)}
                      {row.status === 'filled' && row.allocated !== null
                        ? ` → ${formatQuantity(row.allocated, unit, locale)}`
                        : ''}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {formatMoney(row.depositFen, 'CNY', locale)}
                    </td>
                    <td className="px-3 py-2">
                      <PreOrderStatusBadge status={row.status} />
                    </td>
                    <td className="px-3 py-2 space-x-3 whitespace-nowrap">
                      {row.orderId ? (
                        <Link to={`/orders/${row.orderId}`} className="text-sea-700 underline">
                          {t('farming.pre.order')}
                        </Link>
                      ) : null}
                      <Link to={`/preorders/${row.id}`} className="text-sea-700 underline">
                        {t('farming.mine.consumersLink')}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager
        page={page}
        hasMore={hasMore}
        hrefFor={(p) => `/preorders?${status ? 'status=live&' : ''}page=${p}`}
      />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'farming.mine.title');
