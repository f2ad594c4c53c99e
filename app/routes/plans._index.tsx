// The order-farming board (订单农业): harvest plans taking pre-orders, soonest harvest first or newest, paged; public.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PlanCard } from '~/components/plan-parts';
import { Pager } from '~/components/pager';
import { EmptyState, PageHeader } from '~/components/ui';
import { mayPreOrder, openPlans, pageOf, sortOf } from '~/farming/pages.server';
import { getViewer } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const page = pageOf(url.searchParams.get('page'));
  const sort = sortOf(url.searchParams.get('sort'));
  const [viewer, board] = await Promise.all([getViewer(request), openPlans(db, page, sort)]);
  const kind = viewer?.activeOrg?.kind;
  return json({
    ...board,
    page,
    sort,
    canPreOrder: mayPreOrder(viewer),
    isSeller: kind === 'seller' || kind === 'both',
  });
}

export default function PlanBoard() {
  const { rows, hasMore, page, sort, canPreOrder, isSeller } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div>
      <PageHeader title={t('farming.board.title')}>
        {canPreOrder ? (
          <Link to="/preorders" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            {t('farming.mine.title')}
          </Link>
        ) : null}
        {isSeller ? (
          <Link to="/sell/plans" className="rounded-md bg-sea-700 px-3 py-2 text-sm font-semibold text-white">
            {t('farming.sell.title')}
          </Link>
        ) : null}
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('farming.board.lead')}</p>
      <nav aria-label={t('market.sort')} className="mb-4 flex gap-3 text-sm">
        {(['harvest', 'newest'] as const).map((s) => (
          <Link
            key={s}
            to={`/plans?sort=${s}`}
            aria-current={sort === s ? 'true' : undefined}
            className={sort === s ? 'font-semibold text-sea-800 underline' : 'text-sea-700'}
          >
            {t(`farming.board.sort.${s}`)}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <EmptyState>{page > 1 ? t('market.pastEnd') : t('farming.board.empty')}</EmptyState>
      ) : (
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3" data-testid="plan-board">
          {rows.map((plan) => (
            <li key={plan.id} className="flex">
              <PlanCard plan={plan} />
            </li>
          ))}
        </ul>
      )}
      <Pager page={page} hasMore={hasMore} hrefFor={(p) => `/plans?sort=${sort}&page=${p}`} />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'farming.board.title');
