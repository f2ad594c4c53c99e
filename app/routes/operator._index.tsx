// The operator console's front page: what waits for a decision, the health of every queue, and the console's pages.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { count, isNull } from '~/lib/db.server';
import { Card, PageHeader, TableScroll } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db, organisations, outbox, users } from '~/lib/db.server';
import { type KeyIn, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { consoleCounts, queueCounts } from '~/trust/console.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [counts, [orgCount], [userCount], [backlog], queues] = await Promise.all([
    consoleCounts(db),
    db.select({ n: count() }).from(organisations),
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt)),
    queueCounts(),
  ]);
  return json({ counts, orgs: orgCount.n, users: userCount.n, backlog: backlog.n, queues });
}

const PAGES = [
  ['/operator/reviews', 'console.nav.reviews'],
  ['/operator/verifications', 'console.nav.verifications'],
  ['/operator/reports', 'console.nav.reports'],
  ['/operator/orgs', 'console.nav.orgs'],
  ['/operator/sellers', 'console.nav.sellers'],
  ['/operator/words', 'console.nav.words'],
  ['/operator/settings', 'console.nav.settings'],
  ['/operator/categories', 'operator.categories.link'],
  ['/operator/fairs', 'fairs.operator.title'],
  ['/operator/payments', 'payments.title'],
  ['/operator/audit', 'console.nav.audit'],
  // E-mails kept when SMTP_URL is unset (app/notify/mailbox.server.ts).
  ['/mailbox', 'mailbox.title'],
] as const;

export default function OperatorConsole() {
  const { counts, orgs, users: userTotal, backlog, queues } = useLoaderData<typeof loader>();
  const t = useT();
  const waiting = [
    ['console.count.reviews', counts.reviews, '/operator/reviews'],
    ['console.count.verifications', counts.verifications, '/operator/verifications'],
    ['console.count.reports', counts.reports, '/operator/reports'],
    ['console.count.disputes', counts.disputes, '/operator/payments'],
    ['console.count.sanctioned', counts.sanctioned, '/operator/orgs'],
  ] as const;
  const stats = [
    ['operator.orgs', orgs],
    ['operator.users', userTotal],
    ['operator.outboxBacklog', backlog],
  ] as const;
  const columns = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
  return (
    <div className="space-y-6">
      <PageHeader title={t('operator.title')} />
      <nav aria-label={t('console.nav.label')} className="flex flex-wrap gap-2">
        {PAGES.map(([to, label]) => (
          <Link
            key={to}
            to={to}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold"
          >
            {t(label)}
          </Link>
        ))}
        <a
          href="/operator/queues"
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold"
        >
          {t('console.nav.bullBoard')}
        </a>
      </nav>
      <section aria-label={t('console.waitingTitle')} className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {waiting.map(([label, value, to]) => (
          <Link
            key={label}
            to={to}
            className={`rounded-lg border bg-white p-4 ${value > 0 ? 'border-amber-300' : 'border-slate-200'}`}
          >
            <p className="text-xs text-slate-500">{t(label)}</p>
            <p className="mt-1 text-2xl font-bold tabular-nums" data-count={label}>
              {value}
            </p>
          </Link>
        ))}
      </section>
      <div className="grid grid-cols-3 gap-3">
        {stats.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-xs text-slate-500">{t(label)}</p>
            <p className="mt-1 text-xl font-bold tabular-nums">{value}</p>
          </div>
        ))}
      </div>
      <Card title={t('operator.queues')}>
        {queues ? (
          <TableScroll label={t('operator.queues')}>
            <table className="min-w-full text-sm">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="whitespace-nowrap py-2 pr-2 sm:pr-4 font-medium">{t('operator.queue')}</th>
                  {columns.map((c) => (
                    <th key={c} className="whitespace-nowrap py-2 pr-2 sm:pr-4 text-right font-medium">
                      {t(`operator.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {queues.map((q) => (
                  <tr key={q.name}>
                    <td className="py-2 pr-2 sm:pr-4">
                      {t(`console.queue.${q.name}` as KeyIn<'console.queue'>)}
                      <span className="ml-2 font-mono text-xs text-slate-500">{q.name}</span>
                    </td>
                    {columns.map((c) => (
                      <td
                        key={c}
                        className={`py-2 pr-2 sm:pr-4 text-right tabular-nums ${c === 'failed' && (q.counts[c] ?? 0) > 0 ? 'font-bold text-red-600' : ''}`}
                      >
                        {c === 'failed' && (q.counts[c] ?? 0) > 0 ? (
                          <a href={`/operator/queues/queue/${q.name}?status=failed`} className="underline">
                            {q.counts[c]}
                          </a>
                        ) : (
                          (q.counts[c] ?? 0)
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : (
          <p className="text-sm text-amber-700">{t('operator.queuesDown')}</p>
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'operator.title');
