// The seller's sales report: volume, amount and average price per kg by month, category and grade, against the market.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { TradeReport } from '~/components/trade-report';
import { requireOrgKind } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { reportData } from '~/market-data/report-route.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  return reportData(request, viewer.activeOrg.orgId, 'seller');
}

export default function SalesReport() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <TradeReport
      side="seller"
      path="/sell/reports"
      back={{ to: '/sell', label: t('tradeReport.backSell') }}
      {...data}
    />
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'tradeReport.sales.title');
