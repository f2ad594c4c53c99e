// The loader both trade reports share: the org's own rows, sorted as asked, or the same rows as a CSV download.
import { json } from '@remix-run/node';
import { db } from '../lib/db.server';
import { resolveLocale } from '../lib/locale.server';
import {
  type ReportSide,
  reportCsv,
  reportQuery,
  reportTotals,
  sortReport,
  tradeReport,
} from './trade-reports.server';

export async function reportResponse(request: Request, orgId: string, side: ReportSide) {
  const url = new URL(request.url);
  const { sort, dir } = reportQuery(url);
  const rows = sortReport(await tradeReport(db, { orgId, side }), sort, dir);
  if (url.searchParams.get('format') === 'csv') {
    const name = `${side === 'seller' ? 'sales' : 'purchases'}-${orgId}.csv`;
    return new Response(reportCsv(rows, side, await resolveLocale(request)), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'private, no-store',
      },
    });
  }
  return json({ rows, totals: reportTotals(rows), sort, dir });
}
