// The development mailbox: e-mails kept instead of sent when no SMTP_URL is configured (operators see all;
// on a development server, each user sees its own).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { formatTime } from '~/components/notification';
import { EmptyState, PageHeader } from '~/components/ui';
import { db } from '~/lib/db.server';
import { requireUser } from '~/lib/auth.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { keptMails, mailboxScope } from '~/notify/mailbox.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const scope = mailboxScope(viewer);
  if (!scope) throw notFound();
  const before = new URL(request.url).searchParams.get('before') ?? undefined;
  const { mails, hasMore } = await keptMails(db, scope, viewer.user.id, { before });
  return json({
    scope,
    hasMore,
    paged: Boolean(before),
    mails: mails.map((mail) => ({
      id: mail.id,
      to: mail.toAddress,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      locale: mail.locale,
      createdAt: mail.createdAt.toISOString(),
    })),
  });
}

export default function Mailbox() {
  const { scope, mails, hasMore, paged } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const last = mails.at(-1);
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={t('mailbox.title')} />
      <p className="mb-4 text-sm text-slate-600">
        {scope === 'all' ? t('mailbox.lead') : t('mailbox.leadOwn')}
      </p>
      {mails.length === 0 ? (
        <EmptyState>{t('mailbox.empty')}</EmptyState>
      ) : (
        <ul className="space-y-2" data-testid="mailbox">
          {mails.map((mail) => (
            <li key={mail.id} className="rounded-lg border border-slate-200 bg-white" data-testid="mail">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-baseline justify-between gap-x-3 gap-y-1 px-4 py-3">
                  <span className="min-w-0 font-medium text-slate-900" data-testid="mail-subject">
                    {mail.subject}
                  </span>
                  <span className="min-w-0 break-all text-xs text-slate-500">
                    {t('mailbox.to')} {mail.to} ·{' '}
                    <time dateTime={mail.createdAt}>{formatTime(mail.createdAt, locale)}</time>
                  </span>
                </summary>
                <div className="space-y-3 border-t border-slate-100 px-4 py-3">
                  <iframe
                    title={mail.subject}
                    srcDoc={mail.html}
                    sandbox=""
                    className="h-80 w-full rounded border border-slate-200"
                  />
                  <pre className="whitespace-pre-wrap break-words text-xs text-slate-600" lang={mail.locale}>
                    {mail.text}
                  </pre>
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-4 flex justify-between text-sm">
        {paged ? (
          <Link to="/mailbox" className="text-sea-700 underline">
            {t('inbox.newest')}
          </Link>
        ) : (
          <span />
        )}
        {hasMore && last ? (
          <Link to={`/mailbox?before=${last.id}`} className="text-sea-700 underline">
            {t('inbox.older')}
          </Link>
        ) : null}
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'mailbox.title');
