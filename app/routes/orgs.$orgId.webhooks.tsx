// An org's webhook for SMS or WeChat gateways: URL, a secret shown once, rotation, a test send and the delivery log.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { eq } from '~/lib/db.server';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Badge, Card, EmptyState, Notice, PageHeader } from '~/components/ui';
import { db } from '~/lib/db.server';
import { orgWebhooks } from '~/lib/db.server';
import { requireOrgRole } from '~/lib/auth.server';
import { env } from '~/lib/env.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { type MessageKey, useLocale, useT, type KeyIn } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { queueWebhookTest, webhookLog } from '~/notify/deliver.server';
import { checkWebhookUrl, rotateWebhookSecret, saveWebhook, webhookOf } from '~/notify/webhooks.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'admin');
  const hook = await webhookOf(db, orgId);
  const log = hook ? await webhookLog(db, hook.id) : [];
  return json({
    orgName: viewer.membership?.orgName ?? '',
    // Never the secret: it is shown once, in the answer to the step that made it.
    hook: hook
      ? { url: hook.url, enabled: hook.enabled, secretRotatedAt: hook.secretRotatedAt.toISOString() }
      : null,
    log: log.map((entry) => ({
      id: entry.id,
      type: entry.type,
      status: entry.status,
      createdAt: entry.createdAt.toISOString(),
      attempts: entry.attempts.map((a) => ({
        attempt: a.attempt,
        statusCode: a.statusCode,
        error: a.error,
        durationMs: a.durationMs,
        at: a.at.toISOString(),
      })),
    })),
    maxAttempts: env().NOTIFY_MAX_ATTEMPTS,
  });
}

type ActionData = {
  ok: boolean;
  notice?: MessageKey;
  secret?: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'admin');
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  const done = (data: Omit<ActionData, 'ok' | 'errors' | 'values'>) =>
    json<ActionData>({ ok: true, errors: {}, values: {}, ...data });

  if (intent === 'save') {
    const url = String(formData.get('url') ?? '').trim();
    if (!url) return formError({ url: 'errors.required' }, formValues(formData));
    const refusal = await checkWebhookUrl(url);
    if (refusal) return formError({ url: refusal }, formValues(formData));
    const { secret } = await saveWebhook(db, {
      orgId,
      url,
      enabled: formData.get('enabled') === 'on',
      userId: viewer.user.id,
    });
    return done({ notice: 'webhooks.saved', secret });
  }
  const hook = await webhookOf(db, orgId);
  if (!hook) return formError({ form: 'webhooks.errors.none' }, {}, 409);
  if (intent === 'rotate') {
    const secret = await rotateWebhookSecret(db, orgId, viewer.user.id);
    return done({ notice: 'webhooks.rotated', secret });
  }
  if (intent === 'test') {
    await db.transaction((tx) => queueWebhookTest(tx, orgId));
    return done({ notice: 'webhooks.testQueued' });
  }
  if (intent === 'remove') {
    await db.delete(orgWebhooks).where(eq(orgWebhooks.orgId, orgId));
    return done({ notice: 'webhooks.removed' });
  }
  return formError({ form: 'errors.invalid' }, {});
}

const statusTone = { pending: 'amber', sent: 'green', failed: 'red' } as const;

export default function Webhooks() {
  const { orgName, hook, log, maxAttempts } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = data?.errors ?? {};
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <PageHeader title={`${t('webhooks.title')} · ${orgName}`} />
      {data && 'notice' in data && data.notice ? <Notice>{t(data.notice)}</Notice> : null}
      {data && 'secret' in data && data.secret ? (
        <div
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
        >
          <p>{t('webhooks.secretOnce')}</p>
          <code
            className="mt-2 block break-all rounded bg-white p-2 font-mono text-sm"
            data-testid="webhook-secret"
          >
            {data.secret}
          </code>
        </div>
      ) : null}
      <Card>
        <p className="mb-4 text-sm text-slate-600">{t('webhooks.lead')}</p>
        <FormAlert error={errors.form} />
        <Form method="post" className="space-y-4" noValidate>
          <Field
            name="url"
            type="url"
            label={t('webhooks.url')}
            hint={t('webhooks.urlHint')}
            error={errors.url}
            defaultValue={data?.values?.url ?? hook?.url ?? ''}
            inputMode="text"
            required
          />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="enabled" defaultChecked={hook?.enabled ?? true} />
            {t('webhooks.enabled')}
          </label>
          <SubmitButton intent="save">{t('webhooks.save')}</SubmitButton>
        </Form>
        {hook ? (
          <div className="mt-6 border-t border-slate-100 pt-4">
            <h2 className="text-sm font-semibold text-slate-900">{t('webhooks.secret')}</h2>
            <p className="mt-1 text-sm text-slate-600">
              {t('webhooks.secretHidden', { at: formatTime(hook.secretRotatedAt, locale) })}
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              <Form method="post">
                <SubmitButton intent="test" variant="secondary">
                  {t('webhooks.test')}
                </SubmitButton>
              </Form>
              <Form method="post">
                <SubmitButton intent="rotate" variant="secondary">
                  {t('webhooks.rotate')}
                </SubmitButton>
              </Form>
              <Form method="post">
                <SubmitButton intent="remove" variant="danger">
                  {t('webhooks.remove')}
                </SubmitButton>
              </Form>
            </div>
          </div>
        ) : (
          <p className="mt-4 text-sm text-slate-600">{t('webhooks.none')}</p>
        )}
      </Card>
      <Card title={t('webhooks.log')}>
        {log.length === 0 ? (
          <EmptyState>{t('webhooks.logEmpty')}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="webhook-log">
            {log.map((entry) => (
              <li key={entry.id} className="py-3">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium">
                    {entry.type
                      ? t(`notification.${entry.type}.title` as KeyIn<'notification'>)
                      : t('webhooks.logTest')}
                  </span>
                  <span className="flex items-center gap-2 text-slate-500">
                    <time dateTime={entry.createdAt}>{formatTime(entry.createdAt, locale)}</time>
                    <Badge tone={statusTone[entry.status as keyof typeof statusTone] ?? 'slate'}>
                      {t(`webhooks.status.${entry.status}` as KeyIn<'webhooks.status'>)}
                    </Badge>
                  </span>
                </div>
                <ol className="mt-1 space-y-0.5 text-xs text-slate-600">
                  {entry.attempts.map((a) => (
                    <li key={a.attempt}>
                      {t('webhooks.attempt', {
                        n: a.attempt,
                        result: a.statusCode
                          ? `HTTP ${a.statusCode}`
                          : `${t('webhooks.noAnswer')} (${a.error ?? ''})`,
                        ms: a.durationMs,
                      })}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('webhooks.signingTitle')}>
        <div className="space-y-2 text-sm text-slate-700">
          <p>{t('webhooks.signing1')}</p>
          <p>{t('webhooks.signing2')}</p>
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {`signature = "v1=" + hex(hmac_sha256(secret, timestamp + "." + raw_body))
valid = constant_time_equal(signature, header["X-Wharf-Signature"])
        and abs(now - int(header["X-Wharf-Timestamp"])) <= 300`}
          </pre>
          <p>{t('webhooks.signing3', { max: maxAttempts })}</p>
        </div>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'webhooks.title');
