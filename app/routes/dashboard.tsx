// The dashboard: who you act for, your role, the latest messages and what to do next.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { NotificationText } from '~/components/notification';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { db } from '~/lib/db.server';
import { requireUser } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { listInbox } from '~/notify/inbox.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const { items } = await listInbox(db, viewer.user.id, {});
  return json({
    name: viewer.user.name,
    org: viewer.activeOrg,
    latest: items.slice(0, 5).map((n) => ({ ...n, params: n.params as Record<string, string | number> })),
  });
}

export default function Dashboard() {
  const { name, org, latest } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div>
      <PageHeader title={t('dashboard.welcome', { name })} />
      {org ? (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card className="lg:col-span-1">
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-slate-500">{t('dashboard.actingFor')}</dt>
                <dd className="mt-0.5 text-base font-semibold" data-testid="active-org">
                  {org.orgName}
                </dd>
                <dd className="mt-1 flex flex-wrap gap-1">
                  <Badge tone="sea">{t(`orgKind.${org.kind}`)}</Badge>
                  <Badge tone={org.verification === 'verified' ? 'green' : 'amber'}>
                    {t(`verification.${org.verification}`)}
                  </Badge>
                </dd>
              </div>
              <div>
                <dt className="text-slate-500">{t('dashboard.yourRole')}</dt>
                <dd className="mt-0.5">{t(`role.${org.role}`)}</dd>
              </div>
            </dl>
            <h2 className="mt-6 text-sm font-semibold text-slate-700">{t('dashboard.nextSteps')}</h2>
            <ul className="mt-2 list-disc pl-5 space-y-1 text-sm text-sea-700">
              <li>
                <Link to={`/orgs/${org.orgId}/members`} className="underline">
                  {t('dashboard.stepMembers')}
                </Link>
              </li>
              {org.verification !== 'verified' && org.kind !== 'operator' ? (
                <li className="text-slate-600">{t('dashboard.stepVerify')}</li>
              ) : null}
              <li>
                <Link to="/inbox" className="underline">
                  {t('dashboard.stepInbox')}
                </Link>
              </li>
            </ul>
          </Card>
          <Card title={t('dashboard.recentInbox')} className="lg:col-span-2">
            {latest.length === 0 ? (
              <p className="text-sm text-slate-600">{t('dashboard.inboxEmpty')}</p>
            ) : (
              <ul className="divide-y divide-slate-100" data-testid="dashboard-inbox">
                {latest.map((item) => (
                  <li key={item.id} className="py-3">
                    <NotificationText item={item} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      ) : (
        <EmptyState
          action={
            <Link to="/invitations" className="text-sea-700 underline">
              {t('invitations.title')}
            </Link>
          }
        >
          {t('dashboard.noOrg')}
        </EmptyState>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'dashboard.title');
