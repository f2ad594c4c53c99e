// The active organisation's orders: buying and selling tabs, filtered by status, paged, newest first.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { formatTime } from '~/components/notification';
import { listingTitle } from '~/components/listing-form';
import { OrderStatusBadge } from '~/components/order-timeline';
import { EmptyState, PageHeader } from '~/components/ui';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { formatMoney } from '~/lib/money';
import { formatQuantity } from '~/lib/units';
import {
  ORDER_STATUSES,
  type OrderFilter,
  orderListPage,
  orderListQuery,
  sidesOf,
} from '~/orders/pages.server';
import { Pager } from '~/components/pager';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'buyer', 'both']);
  const sides = sidesOf(viewer.activeOrg.kind);
  const query = orderListQuery(new URL(request.url), sides);
  const list = await orderListPage(db, viewer.activeOrg.orgId, query);
  return json({
    ...list,
    sides,
    side: query.side,
    status: query.status,
    canAct: roleAtLeast(viewer.activeOrg.role, 'trader'),
    // Owners and admins of a buying org approve orders over members' limits (ADR 0052).
    canApprove: sides.includes('buying') && roleAtLeast(viewer.activeOrg.role, 'admin'),
    // Open, all, then each status the side has orders in.
    filters: (['open', 'all', ...ORDER_STATUSES] as OrderFilter[]).filter(
      (filter) => filter === 'open' || filter === 'all' || list.counts[filter] > 0,
    ),
  });
}

export default function Orders() {
  const { rows, counts, page, pages, sides, side, status, canAct, canApprove, filters } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const href = (changes: { side?: string; status?: string; page?: number }) => {
    const params = new URLSearchParams();
    const nextSide = changes.side ?? side;
    const nextStatus = changes.status ?? status;
    if (sides.length > 1 && nextSide !== sides[0]) params.set('side', nextSide);
    if (nextStatus !== 'open') params.set('status', nextStatus);
    if (changes.page && changes.page > 1) params.set('page', String(changes.page));
    const search = params.toString();
    return search ? `/orders?${search}` : '/orders';
  };
  const filterLabel = (filter: OrderFilter) =>
    filter === 'open' || filter === 'all' ? t(`orders.filter.${filter}`) : t(`orders.status.${filter}`);
  const counterpartyLabel = side === 'buying' ? t('orders.col.seller') : t('orders.col.buyer');
  const cta = (to: string, label: string) => (
    <Link
      to={to}
      className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
    >
      {label}
    </Link>
  );

  return (
    <div>
      <PageHeader title={t('orders.title')}>
        {sides.includes('selling') ? (
          <Link to="/sell/reports" className="text-sm text-sea-700 underline">
            {t('tradeReport.sales.title')}
          </Link>
        ) : null}
        {sides.includes('buying') ? (
          <Link to="/orders/reports" className="text-sm text-sea-700 underline">
            {t('tradeReport.purchases.title')}
          </Link>
        ) : null}
        {canApprove ? (
          <Link to="/orders/approvals" className="text-sm text-sea-700 underline">
            {t('approvals.nav')}
          </Link>
        ) : null}
        <Link to="/statements" className="text-sm text-sea-700 underline">
          {t('terms.nav.statements')}
        </Link>
      </PageHeader>
      {sides.length > 1 ? (
        <nav aria-label={t('orders.tabs')} className="mb-3">
          <ul className="flex gap-1 border-b border-slate-200">
            {sides.map((entry) => (
              <li key={entry}>
                <Link
                  to={href({ side: entry, page: 1 })}
                  aria-current={entry === side ? 'page' : undefined}
                  className={`-mb-px block border-b-2 px-3 py-2 text-sm ${
                    entry === side
                      ? 'border-sea-700 font-semibold text-sea-800'
                      : 'border-transparent text-slate-600 hover:text-slate-900'
                  }`}
                >
                  {t(`orders.tab.${entry}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      {counts.all === 0 ? (
        <EmptyState
          action={
            canAct
              ? side === 'buying'
                ? cta('/market', t('orders.empty.goMarket'))
                : cta('/sell/new', t('orders.empty.listLot'))
              : null
          }
        >
          {t(side === 'buying' ? 'orders.empty.buying' : 'orders.empty.selling')}
        </EmptyState>
      ) : (
        <>
          <nav
            aria-label={t('orders.filter.label')}
            className="-mx-3 mb-3 overflow-x-auto px-3 sm:mx-0 sm:px-0"
          >
            <ul className="flex gap-1.5">
              {filters.map((filter) => {
                const active = filter === status;
                return (
                  <li key={filter} className="shrink-0">
                    <Link
                      to={href({ status: filter, page: 1 })}
                      aria-current={active ? 'true' : undefined}
                      className={`flex items-center gap-1.5 rounded-full border px-3 py-1 text-sm whitespace-nowrap ${
                        active
                          ? 'border-sea-700 bg-sea-700 font-semibold text-white'
                          : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
                      }`}
                    >
                      {filterLabel(filter)}
                      <span className={`text-xs ${active ? 'text-sea-100' : 'text-slate-500'}`}>
                        {counts[filter]}
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>

          {rows.length === 0 ? (
            <EmptyState>{t('orders.empty.filter', { filter: filterLabel(status) })}</EmptyState>
          ) : (
            <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
              <div className="hidden grid-cols-[6rem_minmax(0,2fr)_minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1fr)_8rem_9rem] gap-4 border-b border-slate-200 px-4 py-2 text-xs font-medium text-slate-500 lg:grid">
                <span>{t('orders.col.order')}</span>
                <span>{t('orders.col.lot')}</span>
                <span>{counterpartyLabel}</span>
                <span className="text-right">{t('orders.col.quantity')}</span>
                <span className="text-right">{t('orders.col.total')}</span>
                <span>{t('orders.col.status')}</span>
                <span>{t('orders.col.created')}</span>
              </div>
              <ul className="divide-y divide-slate-100" data-testid="order-rows">
                {rows.map((row) => (
                  <li
                    key={row.id}
                    className="relative grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-1 px-3 py-3 hover:bg-slate-50 sm:px-4 lg:grid-cols-[6rem_minmax(0,2fr)_minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1fr)_8rem_9rem] lg:items-center lg:gap-4"
                    data-testid="order-row"
                  >
                    <span className="order-1 font-mono text-xs text-slate-500 lg:order-none lg:text-sm">
                      {row.shortId}
                    </span>
                    <Link
                      to={`/orders/${row.id}`}
                      className="order-3 col-span-2 min-w-0 font-semibold break-words text-slate-900 after:absolute after:inset-0 hover:underline lg:order-none lg:col-span-1"
                    >
                      {listingTitle(row, locale)}
                    </Link>
                    <span className="order-4 col-span-2 min-w-0 truncate text-sm text-slate-600 lg:order-none lg:col-span-1">
                      <span className="lg:sr-only">
                        {counterpartyLabel}
                        {locale === 'en' ? ': ' : '：'}
                      </span>
                      {row.counterparty}
                    </span>
                    <span className="order-5 text-sm tabular-nums lg:order-none lg:text-right">
                      {formatQuantity(row.quantity, row.displayUnit, locale, {
                        caseNetGrams: row.caseNetGrams ?? undefined,
                      })}
                    </span>
                    <span className="order-6 text-right font-semibold tabular-nums lg:order-none">
                      {formatMoney(row.totalFen, row.currency, locale)}
                    </span>
                    <span className="order-2 justify-self-end lg:order-none lg:justify-self-start">
                      <OrderStatusBadge status={row.status} />
                    </span>
                    <time
                      dateTime={row.createdAt}
                      className="order-7 col-span-2 text-xs text-slate-500 lg:order-none lg:col-span-1"
                    >
                      {formatTime(row.createdAt, locale)}
                    </time>
                  </li>
                ))}
              </ul>
            </div>
          )}

          <Pager page={page} pages={pages} hrefFor={(p) => href({ page: p })} />
        </>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'orders.title');
