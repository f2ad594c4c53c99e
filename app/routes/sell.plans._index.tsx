// The seller's harvest plans (订单农业): every plan of the active org with its state and what buyers pre-ordered, sorted and paged.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PlanStatusBadges } from '~/components/plan-parts';
import { Pager } from '~/components/pager';
import { EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { pageOf, sellerPlans, sortOf } from '~/farming/pages.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketToday } from '~/lib/market-time';
import { type QuantityUnit, formatQuantity } from '~/lib/units';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const url = new URL(request.url);
  const page = pageOf(url.searchParams.get('page'));
  const sort = sortOf(url.searchParams.get('sort'));
  const { rows, hasMore } = await sellerPlans(db, viewer.activeOrg.orgId, page, sort);
  return json({
    rows,
    hasMore,
    page,
    sort,
    canAct: roleAtLeast(viewer.activeOrg.role, 'trader'),
    today: marketToday(),
  });
}

export default function SellerPlans() {
  const { rows, hasMore, page, sort, canAct, today } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const newButton = canAct ? (
    <Link
      to="/sell/plans/new"
      className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
    >
      + {t('farming.sell.new')}
    </Link>
  ) : null;
  return (
    <div>
      <PageHeader title={t('farming.sell.title')}>{newButton}</PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('farming.sell.lead')}</p>
      {rows.length === 0 ? (
        <EmptyState action={newButton}>{page > 1 ? t('market.pastEnd') : t('farming.sell.empty')}</EmptyState>
      ) : (
        <TableScroll label={t('farming.sell.title')}>
          <table className="min-w-full divide-y divide-slate-200 bg-white text-sm" data-testid="seller-plans">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t('farming.sell.plan')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('farming.sell.status')}
                </th>
                <th
                  scope="col"
                  className="px-3 py-2"
                  aria-sort={sort === 'harvest' ? 'ascending' : undefined}
                >
                  <Link to="?sort=harvest" className="underline">
                    {t('farming.facts.window')}
                  </Link>
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('farming.facts.taken')}
                </th>
                <th
                  scope="col"
                  className="px-3 py-2"
                  aria-sort={sort === 'newest' ? 'descending' : undefined}
                >
                  <Link to="?sort=newest" className="underline">
                    {t('farming.sell.sortNewest')}
                  </Link>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((plan) => (
                <tr key={plan.id}>
                  <td className="px-3 py-2">
                    <Link to={`/sell/plans/${plan.id}`} className="font-medium text-sea-700 underline">
                      {plan.title}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <PlanStatusBadges plan={plan} today={today} />
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {plan.harvestFrom} – {plan.harvestTo}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {t('farming.facts.takenOf', {
                      taken: formatQuantity(plan.committed, plan.displayUnit as QuantityUnit, locale),
                      max: formatQuantity(plan.expectedMax, plan.displayUnit as QuantityUnit, locale),
                    })}
                  </td>
                  <td className="px-3 py-2">v{plan.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager page={page} hasMore={hasMore} hrefFor={(p) => `/sell/plans?sort=${sort}&page=${p}`} />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'farming.sell.title');
