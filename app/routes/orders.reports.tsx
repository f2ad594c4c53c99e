// The buyer's purchase report: volume, amount and average price per kg by month, category and grade, against the market.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { TradeReport } from '~/components/trade-report';
import { requireOrgKind } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { reportData } from '~/market-data/report-route.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  return reportData(request, viewer.activeOrg.orgId, 'buyer');
}

export default function PurchaseReport() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <TradeReport
      side="buyer"
      path="/orders/reports"
      back={{ to: '/orders?side=buying', label: t('tradeReport.backOrders') }}
      {...data}
    />
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'tradeReport.purchases.title');
