// The operator console's front page: the market's size, the outbox backlog and the health of every queue.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { count, desc, isNull } from 'drizzle-orm';
import { formatTime } from '~/components/notification';
import { Badge, Card, PageHeader } from '~/components/ui';
import { db } from '~/lib/db.server';
import { organisations, outbox, users } from '~/lib/db.server';
import { requireOperator } from '~/lib/auth.server';
import { useLocale, useT } from '~/lib/i18n';
import { queue, queueNames } from '~/lib/queues.server';
import { pageTitle } from '~/lib/meta';

async function queueHealth() {
  try {
    return await Promise.all(
      queueNames.map(async (name) => ({
        name,
        counts: await queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
      })),
    );
  } catch {
    return null;
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [[orgCount], [userCount], [backlog], recent, queues] = await Promise.all([
    db.select({ n: count() }).from(organisations),
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt)),
    db
      .select({
        id: organisations.id,
        name: organisations.name,
        kind: organisations.kind,
        verification: organisations.verification,
        createdAt: organisations.createdAt,
      })
      .from(organisations)
      .orderBy(desc(organisations.createdAt))
      .limit(10),
    queueHealth(),
  ]);
  return json({ orgs: orgCount.n, users: userCount.n, backlog: backlog.n, recent, queues });
}

export default function OperatorConsole() {
  const { orgs, users: userTotal, backlog, recent, queues } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const stats = [
    ['operator.orgs', orgs],
    ['operator.users', userTotal],
    ['operator.outboxBacklog', backlog],
  ] as const;
  const columns = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
  return (
    <div className="space-y-6">
      <PageHeader title={t('operator.title')}>
        <Link
          to="/operator/categories"
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
        >
          {t('operator.categories.link')}
        </Link>
        <Link
          to="/operator/payments"
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
        >
          {t('payments.title')}
        </Link>
      </PageHeader>
      <div className="grid grid-cols-3 gap-3">
        {stats.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-xs text-slate-500">{t(label)}</p>
            <p className="mt-1 text-2xl font-bold tabular-nums">{value}</p>
          </div>
        ))}
      </div>
      <Card title={t('operator.queues')}>
        {queues ? (
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="whitespace-nowrap py-2 pr-4 font-medium">{t('operator.queue')}</th>
                  {columns.map((c) => (
                    <th key={c} className="whitespace-nowrap py-2 pr-4 text-right font-medium">
                      {t(`operator.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {queues.map((q) => (
                  <tr key={q.name}>
                    <td className="py-2 pr-4 font-mono">{q.name}</td>
                    {columns.map((c) => (
                      <td
                        key={c}
                        className={`py-2 pr-4 text-right tabular-nums ${c === 'failed' && (q.counts[c] ?? 0) > 0 ? 'font-bold text-red-600' : ''}`}
                      >
                        {q.counts[c] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-amber-700">{t('operator.queuesDown')}</p>
        )}
      </Card>
      <Card title={t('operator.recentOrgs')}>
        <ul className="divide-y divide-slate-100 text-sm">
          {recent.map((org) => (
            <li key={org.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="font-medium">{org.name}</span>
              <span className="flex items-center gap-2 text-slate-500">
                <Badge tone="sea">{t(`orgKind.${org.kind}`)}</Badge>
                <Badge tone={org.verification === 'verified' ? 'green' : 'amber'}>
                  {t(`verification.${org.verification}`)}
                </Badge>
                {formatTime(org.createdAt, locale)}
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'operator.title');
