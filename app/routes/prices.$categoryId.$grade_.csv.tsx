// A price series as a CSV download (a resource route): the same options and figures as its chart page.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { readerFor } from '~/lib/read-db.server';
import { translator } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { attachment, gradeName, loadSeries, seriesCsv } from '~/market-data/pages.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = readerFor(request);
  const { query, category, grade, fromDay, toDay, points } = await loadSeries(db, request, params);
  const locale = await resolveLocale(request);
  const t = translator(locale);
  const categoryName = locale === 'en' ? category.nameEn : category.nameZh;
  const origin = query.origin ? `-${query.origin}` : '';
  return new Response(seriesCsv(points, query.unit, t), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachment(
        `${t('nav.prices')}-${categoryName}-${gradeName(category.gradeNames, grade, locale, t)}${origin}-${fromDay}-${toDay}.csv`,
        `prices-${category.id}-${grade}-${fromDay}-${toDay}.csv`,
      ),
      'Cache-Control': 'no-store',
    },
  });
}
