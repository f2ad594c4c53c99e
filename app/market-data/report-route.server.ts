// The loaders both trade reports share: the org's own rows sorted as asked (the page), or the same rows as a CSV
// download (a resource route of its own beside the page, /sell/reports/csv and /orders/reports/csv: a page route's
// loader answering a document request with CSV would have Remix render the page around it).
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

async function sortedRows(request: Request, orgId: string, side: ReportSide) {
  const { sort, dir } = reportQuery(new URL(request.url));
  return { rows: sortReport(await tradeReport(db, { orgId, side }), sort, dir), sort, dir };
}

export async function reportData(request: Request, orgId: string, side: ReportSide) {
  const { rows, sort, dir } = await sortedRows(request, orgId, side);
  return json({ rows, totals: reportTotals(rows), sort, dir });
}

export async function reportCsvResponse(request: Request, orgId: string, side: ReportSide) {
  const { rows } = await sortedRows(request, orgId, side);
  const name = `${side === 'seller' ? 'sales' : 'purchases'}-${orgId}.csv`;
  return new Response(reportCsv(rows, side, await resolveLocale(request)), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
