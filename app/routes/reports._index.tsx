// My reports: what I reported to the operator and what came of it.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { formatTime } from '~/components/notification';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { reportsBy } from '~/trust/reports.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  return json({ reports: await reportsBy(db, viewer.user.id) });
}

export default function MyReports() {
  const { reports } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('trust.report.mine')} />
      {reports.length === 0 ? (
        <EmptyState
          action={
            <Link to="/market" className="text-sea-700 underline">
              {t('trust.report.toMarket')}
            </Link>
          }
        >
          {t('trust.report.none')}
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {reports.map((r) => {
            const name =
              r.subjectType === 'listing'
                ? ((locale === 'en'
                    ? r.listingTitleEn || r.listingTitleZh
                    : r.listingTitleZh || r.listingTitleEn) ?? '')
                : r.orgName;
            return (
              <li key={r.id} data-report={r.id}>
                <Card>
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <span className="min-w-0 break-words font-medium">
                      {t(`trust.report.about.${r.subjectType}`)} {name}
                    </span>
                    <Badge tone={r.status === 'open' ? 'amber' : r.status === 'upheld' ? 'green' : 'slate'}>
                      {t(`trust.report.status.${r.status}`)}
                    </Badge>
                  </div>
                  <p className="mt-2 break-words text-sm text-slate-700">{r.reason}</p>
                  <p className="mt-1 text-xs text-slate-500">{formatTime(r.createdAt, locale)}</p>
                  {r.outcome ? (
                    <p className="mt-2 break-words rounded-md bg-slate-50 p-2 text-sm" data-outcome>
                      {t('trust.report.outcome', { outcome: r.outcome })}
                    </p>
                  ) : null}
                </Card>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'trust.report.mine');
