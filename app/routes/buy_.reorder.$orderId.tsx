// Reorder (再来一单): the same lot and quantity as a past order of the buyer org, on the buy step; or why not, and where to look instead.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Card, PageHeader } from '~/components/ui';
import { reorderTarget } from '~/b2b/repeat.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { storedKey, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const orderId = params.orderId ?? '';
  const target = await reorderTarget(db, orderId, viewer.activeOrg.orgId);
  // Another organisation's order is "not found", as on the order page.
  if (!target) throw notFound();
  if (target.ok) throw redirect(target.href);
  return json({ orderId, reason: target.reason, categoryId: target.categoryId });
}

export default function Reorder() {
  const { orderId, reason, categoryId } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t('repeat.reorder.title')} />
      <Card>
        <p role="status" className="text-sm text-slate-800" data-testid="reorder-refused">
          {t(storedKey(reason))}
        </p>
        <p className="mt-3 flex flex-wrap gap-4 text-sm">
          {categoryId ? (
            <Link
              to={`/market?${new URLSearchParams({ category: categoryId })}`}
              className="text-sea-700 underline"
            >
              {t('repeat.reorder.similar')}
            </Link>
          ) : null}
          <Link to={`/orders/${orderId}`} className="text-sea-700 underline">
            {t('repeat.reorder.back')}
          </Link>
        </p>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'repeat.reorder.title');
