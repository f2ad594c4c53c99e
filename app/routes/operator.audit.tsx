// The audit log: the latest operator actions, sanctions, approvals and setting changes, and whether the chain holds.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { formatTime } from '~/components/notification';
import { Card, PageHeader, TableScroll } from '~/components/ui';
import { verifyAuditChain } from '~/lib/audit.server';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { type Translate, storedKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { recentAudit } from '~/trust/console.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [entries, broken] = await Promise.all([recentAudit(db), verifyAuditChain(db)]);
  return json({ entries, broken });
}

export default function AuditLog() {
  const { entries, broken } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.audit.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      <p
        role="status"
        className={`rounded-md p-3 text-sm ${broken === null ? 'bg-green-50 text-green-800' : 'bg-red-50 text-red-800'}`}
      >
        {broken === null ? t('console.audit.intact') : t('console.audit.broken', { seq: broken })}
      </p>
      <Card>
        <TableScroll label={t('console.audit.title')}>
          <table className="min-w-full text-sm">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-2 pr-3 font-medium">#</th>
                <th className="py-2 pr-3 font-medium">{t('console.audit.at')}</th>
                <th className="py-2 pr-3 font-medium">{t('console.audit.action')}</th>
                <th className="py-2 pr-3 font-medium">{t('console.audit.subject')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td className="py-2 pr-3 tabular-nums">{e.seq}</td>
                  <td className="whitespace-nowrap py-2 pr-3">{formatTime(e.at, locale)}</td>
                  <td className="py-2 pr-3">
                    {auditActionLabel(t, e.action)}
                    <span className="ml-2 font-mono text-xs text-slate-500">{e.action}</span>
                  </td>
                  <td className="break-all py-2 pr-3 font-mono text-xs">
                    {e.subjectType}:{e.subjectId}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.audit.title');

/** An audit code in the reader's words; a code written before it had words shows as itself. */
function auditActionLabel(t: Translate, code: string): string {
  const key = `console.audit.code.${code}`;
  const label = t(storedKey(key));
  return label === key ? code : label;
}
