// Notification settings: per notification type, the inbox, e-mail and (for reminders) the daily digest.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { SubmitButton } from '~/components/forms';
import { Badge, Card, PageHeader, TableScroll } from '~/components/ui';
import { db } from '~/lib/db.server';
import { requireUser, roleAtLeast } from '~/lib/auth.server';
import { useLocale, useT, storedKey } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { USER_CHANNELS } from '~/notify/catalogue';
import { mailboxScope } from '~/notify/mailbox.server';
import {
  type PreferenceChange,
  checkPreferenceChanges,
  preferenceGrid,
  savePreferences,
} from '~/notify/preferences.server';
import { readFormData } from '~/lib/forms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const org = viewer.activeOrg;
  return json({
    grid: await preferenceGrid(db, viewer.user.id),
    savedLocale: viewer.user.locale,
    // Where the org's admins set the webhook, and whether this server keeps e-mails to read here.
    webhookOrgId: org && roleAtLeast(org.role, 'admin') ? org.orgId : null,
    mailbox: mailboxScope(viewer) !== null,
  });
}

/** `type:channel` → its parts; the channel is after the last colon (types never hold one). */
function splitKey(key: string): { type: string; channel: string } {
  const at = key.lastIndexOf(':');
  return at < 0 ? { type: key, channel: '' } : { type: key.slice(0, at), channel: key.slice(at + 1) };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const formData = await readFormData(request);
  // Every box the form showed comes as `shown`; the ticked ones also as `on` (an unticked box sends nothing).
  const shown = formData.getAll('shown').map(String);
  const on = new Set(formData.getAll('on').map(String));
  const changes: PreferenceChange[] = shown.map((key) => ({ ...splitKey(key), enabled: on.has(key) }));
  for (const key of on) if (!shown.includes(key)) changes.push({ ...splitKey(key), enabled: true });
  if (changes.length === 0)
    return json({ error: { messageKey: 'errors.invalid', params: {} } }, { status: 400 });
  const refusal = checkPreferenceChanges(changes);
  if (refusal) return json({ error: refusal }, { status: 400 });
  await db.transaction((tx) => savePreferences(tx, viewer.user.id, changes));
  return redirectWithToast('/settings/notifications', 'prefs.saved');
}

const priorityTone = { high: 'red', normal: 'sea', low: 'slate' } as const;

export default function NotificationSettings() {
  const { grid, savedLocale, webhookOrgId, mailbox } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <PageHeader title={t('prefs.title')}>
        <Link to="/inbox" className="text-sm text-sea-700 underline">
          {t('nav.inbox')}
        </Link>
        {webhookOrgId ? (
          <Link to={`/orgs/${webhookOrgId}/webhooks`} className="text-sm text-sea-700 underline">
            {t('webhooks.title')}
          </Link>
        ) : null}
        {mailbox ? (
          <Link to="/mailbox" className="text-sm text-sea-700 underline">
            {t('mailbox.title')}
          </Link>
        ) : null}
      </PageHeader>
      {data?.error ? (
        <div
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {t(storedKey(data.error.messageKey), data.error.params)}
        </div>
      ) : null}
      <Card>
        <p className="text-sm text-slate-600">{t('prefs.lead')}</p>
        <p className="mt-1 text-sm text-slate-600">
          {t('prefs.language', { language: t(`lang.${savedLocale ?? locale}`) })}{' '}
          <Link to="/settings" className="text-sea-700 underline">
            {t('settings.title')}
          </Link>
        </p>
        <Form method="post" className="mt-4">
          <TableScroll label={t('prefs.title')}>
            <table className="min-w-full text-left text-sm" data-testid="preferences">
              <thead className="border-b border-slate-200 text-slate-500">
                <tr>
                  <th className="py-2 pr-3 font-medium">{t('prefs.type')}</th>
                  {USER_CHANNELS.map((channel) => (
                    <th key={channel} className="whitespace-nowrap px-2 py-2 text-center font-medium">
                      {t(`notify.channel.${channel}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {grid.map((row) => (
                  <tr key={row.type} data-type={row.type}>
                    <td className="py-2 pr-3">
                      <span className="mr-2">{t(`notification.${row.type}.title`)}</span>
                      <Badge tone={priorityTone[row.priority]}>{t(`notify.priority.${row.priority}`)}</Badge>
                    </td>
                    {USER_CHANNELS.map((channel) => {
                      const key = `${row.type}:${channel}`;
                      if (channel === 'digest' && !row.digestOffered)
                        return (
                          <td key={channel} className="px-2 py-2 text-center text-slate-300" aria-hidden>
                            —
                          </td>
                        );
                      return (
                        <td key={channel} className="px-2 py-2 text-center">
                          <input type="hidden" name="shown" value={key} />
                          <input
                            type="checkbox"
                            name="on"
                            value={key}
                            defaultChecked={row.channels[channel]}
                            aria-label={`${t(`notification.${row.type}.title`)} · ${t(`notify.channel.${channel}`)}`}
                            className="size-4"
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <p className="mt-3 text-xs text-slate-500">{t('prefs.digestHint')}</p>
          <div className="mt-4">
            <SubmitButton>{t('prefs.save')}</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'prefs.title');
