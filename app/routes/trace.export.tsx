// Trace exports: EPCIS 2.0 JSON-LD or the CSV of key data elements, per lot or per date range of an org's lots.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { eq } from '~/lib/db.server';
import { listings } from '~/lib/db.server';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { kdeCsv } from '~/trace/epcis';
import { type TraceScope, exportEpcis, exportKdeRows } from '~/trace/trace.server';
import { notFound } from '~/lib/http.server';
import { addDays, startOfMarketDay } from '~/lib/market-time';

function day(value: string | null, plusDays = 0): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return undefined;
  return startOfMarketDay(addDays(value, plusDays));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const url = new URL(request.url);
  const format = url.searchParams.get('format') === 'csv' ? 'csv' : 'jsonld';
  const lot = url.searchParams.get('lot');
  // Dates are market days; "to" includes its whole day.
  const scope: TraceScope = {
    from: day(url.searchParams.get('from')),
    to: day(url.searchParams.get('to'), 1),
  };
  let name = 'trace';
  if (lot) {
    const [listing] = await db
      .select({ id: listings.id, sellerOrgId: listings.sellerOrgId })
      .from(listings)
      .where(eq(listings.id, lot));
    // A lot's full trace (with order references) is its seller's and the operator's; others get 404.
    const mayExport = viewer.isOperator || viewer.memberships.some((m) => m.orgId === listing?.sellerOrgId);
    if (!listing || !mayExport) throw notFound();
    scope.listingIds = [listing.id];
    name = `trace-${listing.id}`;
  } else if (!viewer.isOperator || viewer.activeOrg?.kind !== 'operator') {
    if (!viewer.activeOrg) throw notFound();
    scope.sellerOrgId = viewer.activeOrg.orgId;
    name = `trace-${viewer.activeOrg.orgId}`;
  }
  const headers = (type: string, ext: string) => ({
    'Content-Type': type,
    'Content-Disposition': `attachment; filename="${name}.${ext}"`,
    'Cache-Control': 'private, no-store',
  });
  if (format === 'csv')
    return new Response(kdeCsv(await exportKdeRows(db, scope)), {
      headers: headers('text/csv; charset=utf-8', 'csv'),
    });
  return new Response(JSON.stringify(await exportEpcis(db, scope), null, 2), {
    headers: headers('application/ld+json; charset=utf-8', 'jsonld'),
  });
}
