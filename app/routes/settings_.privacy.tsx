// Privacy settings (PIPL arts. 44–46): what the market holds about the signed-in user, corrections, consents and
// data exports, with the history of the user's requests.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Badge, Card, PageHeader, TableScroll } from '~/components/ui';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { type KeyIn, storedKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { describeDevice } from '~/lib/user-agent';
import { type ConsentKey, consentsOf, isConsentKey, setConsent } from '~/privacy/consents.server';
import { EXPORT_DAYS, exportsOf, requestExport } from '~/privacy/export.server';
import { correctAccount, correctionSchema, logView, privacyOverview } from '~/privacy/overview.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const user = viewer.user;
  await logView(db, user.id);
  const [overview, consents, exports] = await Promise.all([
    privacyOverview(db, user),
    consentsOf(db, user.id),
    exportsOf(db, user.id),
  ]);
  return json({
    ...overview,
    memberships: viewer.memberships.map((m) => ({ orgId: m.orgId, orgName: m.orgName, role: m.role })),
    sessions: overview.sessions.map((s) => ({ ...s, userAgent: describeDevice(s.userAgent) })),
    consents,
    exports: exports.map((e) => ({
      id: e.id,
      status: e.status,
      bytes: e.bytes,
      createdAt: e.createdAt,
      expiresAt: e.expiresAt,
    })),
    exportDays: EXPORT_DAYS,
    // Rows per table as of the newest built export: counting them again here would read every table.
    counted: (() => {
      const built = exports.find((e) => e.counts);
      return built?.counts ? { at: built.readyAt ?? built.createdAt, counts: built.counts } : null;
    })(),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'correct') {
    const parsed = parseForm(formData, correctionSchema);
    if (!parsed.ok) return formError(parsed.errors, parsed.values);
    const result = await db.transaction((tx) => correctAccount(tx, viewer.user.id, parsed.data));
    if (!result.ok) return formError(result.errors, formValues(formData));
    return redirectWithToast(
      '/settings/privacy',
      result.changed.length ? 'privacy.corrected' : 'privacy.unchanged',
    );
  }
  if (intent === 'consents') {
    // Every consent the form showed comes as `shown`; the ticked ones also as `granted`.
    const shown = formData.getAll('shown').map(String);
    const granted = new Set(formData.getAll('granted').map(String));
    if (shown.length === 0 || !shown.every(isConsentKey))
      return json(
        { ok: false as const, errors: { consents: 'errors.invalid' }, values: {} },
        { status: 400 },
      );
    const current = await consentsOf(db, viewer.user.id);
    await db.transaction(async (tx) => {
      for (const key of shown) {
        const want = granted.has(key);
        if (current[key].granted !== want) await setConsent(tx, viewer.user.id, key, want);
      }
    });
    return redirectWithToast('/settings/privacy', 'privacy.consentsSaved');
  }
  if (intent === 'export') {
    const result = await db.transaction((tx) => requestExport(tx, viewer.user.id));
    if (!result.ok)
      return json({ ok: false as const, errors: { export: result.reason }, values: {} }, { status: 409 });
    return redirectWithToast('/settings/privacy#exports', 'privacy.exportAsked');
  }
  return json({ ok: false as const, errors: { form: 'errors.invalid' }, values: {} }, { status: 400 });
}

const statusTone = { queued: 'amber', ready: 'green', failed: 'red', expired: 'slate' } as const;
const requestTone = { pending: 'amber', done: 'green', refused: 'red', failed: 'red' } as const;

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export default function PrivacySettings() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? {};
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const building = data.exports.some((e) => e.status === 'queued');
  // While an export is being built, look again every few seconds (without JS the refresh link does it).
  useEffect(() => {
    if (!building) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [building, revalidator]);
  const account = data.account;
  const time = (iso: string | null) => (iso ? formatTime(iso, locale) : '—');
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title={t('privacy.title')}>
        <Link to="/settings" className="text-sm text-sea-700 underline">
          {t('settings.title')}
        </Link>
      </PageHeader>
      <p className="text-sm text-slate-600">{t('privacy.lead')}</p>

      <Card title={t('privacy.account')}>
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm sm:gap-x-6">
          <dt className="text-slate-500">{t('privacy.name')}</dt>
          <dd className="break-words font-medium">{account.name}</dd>
          <dt className="text-slate-500">{t('privacy.email')}</dt>
          <dd className="break-all font-medium">{account.email}</dd>
          <dt className="text-slate-500">{t('privacy.phone')}</dt>
          <dd>{t('privacy.phoneNone')}</dd>
          <dt className="text-slate-500">{t('privacy.locale')}</dt>
          <dd>{account.locale ? t(`lang.${account.locale}`) : t('privacy.localeDefault')}</dd>
          <dt className="text-slate-500">{t('privacy.since')}</dt>
          <dd>{time(account.createdAt)}</dd>
        </dl>
        <h3 className="mt-6 text-base font-semibold">{t('privacy.correct')}</h3>
        <p className="mt-1 text-sm text-slate-600">{t('privacy.correctLead')}</p>
        <Form method="post" className="mt-3 space-y-4" noValidate>
          {errors.form ? <FormAlert error={errors.form} /> : null}
          <Field
            name="name"
            label={t('privacy.name')}
            error={errors.name}
            defaultValue={values.name ?? account.name}
            autoComplete="name"
          />
          <Field
            name="email"
            type="email"
            label={t('privacy.email')}
            error={errors.email}
            defaultValue={values.email ?? account.email}
            autoComplete="email"
            inputMode="email"
          />
          <SubmitButton intent="correct">{t('privacy.correctSave')}</SubmitButton>
        </Form>
      </Card>

      <Card title={t('privacy.memberships')}>
        {data.memberships.length === 0 ? (
          <p className="text-sm text-slate-600">{t('privacy.noMemberships')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.memberships.map((m) => (
              <li key={m.orgId} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="min-w-0 break-words">{m.orgName}</span>
                <Badge tone="sea">{t(`role.${m.role}`)}</Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('privacy.sessions')}>
        <ul className="divide-y divide-slate-100 text-sm">
          {data.sessions.map((s) => (
            <li key={`${s.createdAt}-${s.userAgent}`} className="py-2">
              <p className="font-medium">{s.userAgent ?? '—'}</p>
              <p className="text-xs text-slate-500">
                {t('privacy.sessionLine', { signedIn: time(s.createdAt), lastSeen: time(s.lastSeenAt) })}
              </p>
            </li>
          ))}
        </ul>
        <Link to="/settings" className="mt-2 inline-block text-sm text-sea-700 underline">
          {t('privacy.sessionsManage')}
        </Link>
      </Card>

      <div className="grid gap-6 sm:grid-cols-2">
        <Card title={t('privacy.messages')}>
          <ul className="space-y-1 text-sm">
            <li>{t('privacy.inboxCount', { count: data.messages.inbox })}</li>
            <li>{t('privacy.emailsCount', { count: data.messages.emails })}</li>
            <li>{t('privacy.deliveriesCount', { count: data.messages.deliveries })}</li>
          </ul>
        </Card>
        <Card title={t('privacy.uploads')}>
          <ul className="space-y-1 text-sm">
            <li>{t('privacy.listingFiles', { count: data.uploads.listingFiles })}</li>
            <li>{t('privacy.licences', { count: data.uploads.licences })}</li>
          </ul>
        </Card>
      </div>

      <Card title={t('privacy.consents')}>
        <p className="mb-3 text-sm text-slate-600">{t('privacy.consentsLead')}</p>
        <Form method="post" className="space-y-4">
          {errors.consents ? <FormAlert error={errors.consents} /> : null}
          {(Object.keys(data.consents) as ConsentKey[]).map((key) => (
            <div key={key} className="flex items-start gap-3">
              <input type="hidden" name="shown" value={key} />
              <input
                id={`consent-${key}`}
                type="checkbox"
                name="granted"
                value={key}
                defaultChecked={data.consents[key].granted}
                aria-describedby={`consent-${key}-hint`}
                className="mt-1 size-4 shrink-0"
              />
              <div className="min-w-0">
                <label htmlFor={`consent-${key}`} className="text-sm font-medium">
                  {t(`privacy.consent.${key}`)}
                </label>
                <p id={`consent-${key}-hint`} className="text-xs text-slate-500">
                  {t(`privacy.consent.${key}.hint`)}
                </p>
              </div>
            </div>
          ))}
          <SubmitButton intent="consents" variant="secondary">
            {t('privacy.consentsSave')}
          </SubmitButton>
        </Form>
      </Card>

      <Card title={t('privacy.exports')}>
        <div id="exports" className="space-y-4">
          <p className="text-sm text-slate-600">{t('privacy.exportsLead', { days: data.exportDays })}</p>
          {errors.export ? <FormAlert error={errors.export} /> : null}
          <div className="flex flex-wrap items-center gap-3">
            <Form method="post">
              <SubmitButton intent="export">{t('privacy.exportAsk')}</SubmitButton>
            </Form>
            {building ? (
              <Link to="/settings/privacy#exports" className="text-sm text-sea-700 underline">
                {t('privacy.exportRefresh')}
              </Link>
            ) : null}
          </div>
          {data.exports.length === 0 ? (
            <p className="text-sm text-slate-500">{t('privacy.exportsNone')}</p>
          ) : (
            <ul
              className="divide-y divide-slate-100 text-sm"
              aria-live="polite"
              data-testid="privacy-exports"
            >
              {data.exports.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <div className="min-w-0">
                    <p>
                      {t('privacy.exportRequested')} {time(e.createdAt)}
                    </p>
                    {e.status === 'ready' ? (
                      <p className="text-xs text-slate-500">
                        {t('privacy.exportExpires')} {time(e.expiresAt)} · {t('privacy.exportSize')}{' '}
                        {formatBytes(e.bytes)}
                      </p>
                    ) : null}
                  </div>
                  <div className="flex items-center gap-3">
                    <Badge tone={statusTone[e.status as keyof typeof statusTone] ?? 'slate'}>
                      {t(`privacy.exportStatus.${e.status}` as KeyIn<'privacy.exportStatus'>)}
                    </Badge>
                    {e.status === 'ready' ? (
                      <a
                        href={`/settings/privacy/exports/${e.id}`}
                        download
                        aria-label={t('privacy.exportDownloadLabel', { date: time(e.createdAt) })}
                        className="rounded-md bg-sea-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sea-800"
                      >
                        {t('privacy.exportDownload')}
                      </a>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      </Card>

      <Card title={t('privacy.held')}>
        {data.counted ? (
          <>
            <p className="mb-3 text-sm text-slate-600">
              {t('privacy.heldLead', { date: time(data.counted.at) })}
            </p>
            <TableScroll label={t('privacy.held')}>
              <table className="min-w-full text-left text-sm">
                <thead className="border-b border-slate-200 text-slate-500">
                  <tr>
                    <th className="py-2 pr-3 font-medium">{t('privacy.table')}</th>
                    <th className="py-2 text-right font-medium">{t('privacy.rows')}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {Object.entries(data.counted.counts)
                    .filter(([, n]) => n > 0)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([table, n]) => (
                      <tr key={table}>
                        <td className="py-1.5 pr-3">
                          {t(`privacy.table.${table}` as KeyIn<'privacy.table'>)}
                          <span className="ml-2 font-mono text-xs text-slate-500">{table}</span>
                        </td>
                        <td className="py-1.5 text-right tabular-nums">{n}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        ) : (
          <p className="text-sm text-slate-600">{t('privacy.heldNone')}</p>
        )}
      </Card>

      <Card title={t('privacy.requests')}>
        {data.requests.length === 0 ? (
          <p className="text-sm text-slate-500">{t('privacy.requestsNone')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="privacy-requests">
            {data.requests.map((r) => (
              <li key={r.id} className="py-2">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium">{t(`privacy.kind.${r.kind}` as KeyIn<'privacy.kind'>)}</span>
                  <Badge tone={requestTone[r.status as keyof typeof requestTone] ?? 'slate'}>
                    {t(`privacy.status.${r.status}` as KeyIn<'privacy.status'>)}
                  </Badge>
                </div>
                <p className="text-xs text-slate-500">{time(r.requestedAt)}</p>
                {r.reason ? <p className="mt-1 text-xs text-red-700">{t(storedKey(r.reason))}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'privacy.title');
