// The after-fair report as CSV (#19.5): every exhibitor's row for an operator, the exhibitor's own row otherwise.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { exhibitorBooth } from '~/fairs/fairs.server';
import { fairById, fairReport, reportCsv } from '~/fairs/pages.server';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { translator } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  let orgId: string | undefined;
  if (!viewer.isOperator) {
    orgId = viewer.activeOrg?.orgId;
    if (!orgId || !(await exhibitorBooth(db, fair.id, orgId))) throw notFound();
  }
  const t = translator(await resolveLocale(request));
  const header = [
    t('fairs.field.boothNumber'),
    t('fairs.field.zone'),
    t('fairs.field.exhibitor'),
    t('fairs.report.visits'),
    t('fairs.report.leads'),
    t('fairs.report.appointments'),
    t('fairs.report.orders'),
    t('fairs.report.volumeYuan'),
  ];
  const csv = reportCsv(await fairReport(db, fair, orgId), header);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="fair-${fair.id}${orgId ? `-${orgId}` : ''}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
