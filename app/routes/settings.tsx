// Settings: interface language and the devices signed in to this account, each revocable.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { and, desc, eq, gt, isNull, ne, sql } from '~/lib/db.server';
import { SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Card, PageHeader } from '~/components/ui';
import { db } from '~/lib/db.server';
import { sessions, users } from '~/lib/db.server';
import { roleAtLeast, requireUser } from '~/lib/auth.server';
import { LOCALES, isLocale, useLocale, useT } from '~/lib/i18n';
import { redirectWithToast } from '~/lib/toast.server';
import { revokeSession } from '~/lib/session.server';
import { pageTitle } from '~/lib/meta';
import { describeDevice } from '~/lib/user-agent';
import { readFormData } from '~/lib/forms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const devices = await db
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, viewer.user.id),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
  const org = viewer.activeOrg;
  return json({
    locale: viewer.user.locale,
    // Links to the other settings this user may open (each page checks again).
    links: {
      verification: Boolean(org && (org.kind === 'seller' || org.kind === 'buyer' || org.kind === 'both')),
      webhooks: org && roleAtLeast(org.role, 'admin') ? org.orgId : null,
    },
    devices: devices.map((d) => ({
      ...d,
      userAgent: describeDevice(d.userAgent),
      id: d.id.slice(0, 16),
      current: d.id === viewer.sessionId,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'language') {
    const locale = formData.get('locale');
    if (!isLocale(locale)) return json({ error: 'errors.chooseOne' }, { status: 400 });
    await db.update(users).set({ locale }).where(eq(users.id, viewer.user.id));
    return redirectWithToast('/settings', 'settings.languageSaved');
  }
  if (intent === 'revoke') {
    // The page shows a prefix of the session's hash; it identifies the row among this user's only.
    const prefix = formData.get('session');
    if (typeof prefix !== 'string' || prefix.length !== 16)
      return json({ error: 'errors.invalid' }, { status: 400 });
    const [target] = await db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, viewer.user.id), sql`left(${sessions.id}, 16) = ${prefix}`));
    if (!target) return json({ error: 'errors.invalid' }, { status: 404 });
    await revokeSession(db, target.id, viewer.user.id);
    return redirectWithToast(target.id === viewer.sessionId ? '/login' : '/settings', 'settings.revoked');
  }
  if (intent === 'revoke-others') {
    await db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(sessions.userId, viewer.user.id),
          ne(sessions.id, viewer.sessionId),
          isNull(sessions.revokedAt),
        ),
      );
    return redirectWithToast('/settings', 'settings.revoked');
  }
  return json({ error: 'errors.invalid' }, { status: 400 });
}

export default function Settings() {
  const { locale: saved, devices, links } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = useT();
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title={t('settings.title')} />
      <nav aria-label={t('settings.more')} className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
        <Link to="/settings/notifications" className="text-sea-700 underline">
          {t('settings.notificationsLink')}
        </Link>
        <Link to="/settings/privacy" className="text-sea-700 underline">
          {t('settings.privacyLink')}
        </Link>
        {links.verification ? (
          <Link to="/settings/verification" className="text-sea-700 underline">
            {t('settings.verificationLink')}
          </Link>
        ) : null}
        {links.webhooks ? (
          <Link to={`/orgs/${links.webhooks}/webhooks`} className="text-sea-700 underline">
            {t('settings.webhooksLink')}
          </Link>
        ) : null}
        <Link to="/reports" className="text-sea-700 underline">
          {t('settings.reportsLink')}
        </Link>
        <Link to="/settings/privacy/delete" className="text-red-700 underline">
          {t('erasure.settingsLink')}
        </Link>
      </nav>
      <Card title={t('settings.language')}>
        <Form method="post" className="flex flex-wrap items-center gap-4">
          {LOCALES.map((l) => (
            <label key={l} className="flex items-center gap-2 text-sm">
              <input type="radio" name="locale" value={l} defaultChecked={(saved ?? locale) === l} />
              <span lang={l}>{t(`lang.${l}`)}</span>
            </label>
          ))}
          <SubmitButton intent="language">{t('settings.save')}</SubmitButton>
        </Form>
      </Card>
      <Card title={t('settings.sessions')}>
        <p className="mb-3 text-sm text-slate-600">{t('settings.sessionsLead')}</p>
        <ul className="divide-y divide-slate-100">
          {devices.map((device) => (
            <li key={device.id} className="flex items-center justify-between gap-3 py-3 text-sm">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">{device.userAgent ?? '—'}</p>
                <p className="text-xs text-slate-500">
                  {t('settings.signedIn')} {formatTime(device.createdAt, locale)} · {t('settings.lastSeen')}{' '}
                  {formatTime(device.lastSeenAt, locale)}
                  {device.current ? (
                    <strong className="ml-2 text-emerald-700">{t('settings.thisDevice')}</strong>
                  ) : null}
                </p>
              </div>
              <Form method="post" className="shrink-0">
                <input type="hidden" name="session" value={device.id} />
                <SubmitButton intent="revoke" variant="danger">
                  {t('settings.revoke')}
                </SubmitButton>
              </Form>
            </li>
          ))}
        </ul>
        {devices.length > 1 ? (
          <Form method="post" className="mt-3">
            <SubmitButton intent="revoke-others" variant="secondary">
              {t('settings.revokeOthers')}
            </SubmitButton>
          </Form>
        ) : null}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'settings.title');
