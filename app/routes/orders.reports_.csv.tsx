// The buyer's purchase report as a CSV download (a resource route): the same rows, in the same order, as the page.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireOrgKind } from '~/lib/auth.server';
import { reportCsvResponse } from '~/market-data/report-route.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  return reportCsvResponse(request, viewer.activeOrg.orgId, 'buyer');
}
