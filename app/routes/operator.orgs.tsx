// Organisations for the operator: verification, credit and quality, and sanctions (suspend, ban, lift).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { Field, FieldError, SelectField, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { TrustError } from '~/trust/moderation.server';
import { liftSanctions, orgsForConsole, sanctionOrg, sanctionSchema } from '~/trust/sanctions.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const q = new URL(request.url).searchParams.get('q')?.trim().slice(0, 80) || null;
  const orgs = await orgsForConsole(db, q);
  const now = Date.now();
  return json({
    orgs: orgs.map((o) => ({
      ...o,
      sanction: o.bannedAt
        ? 'banned'
        : o.suspendedUntil && o.suspendedUntil.getTime() > now
          ? 'suspended'
          : null,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const values = formValues(await readFormData(request));
  try {
    if (values.intent === 'lift') {
      await db.transaction((tx) =>
        liftSanctions(tx, {
          orgId: values.orgId ?? '',
          operatorUserId: viewer.user.id,
          reason: values.reason,
        }),
      );
      return redirectWithToast('/operator/orgs', 'console.orgs.lifted');
    }
    const parsed = sanctionSchema.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      return json({ orgId: values.orgId ?? null, errors, values }, { status: 400 });
    }
    await db.transaction((tx) => sanctionOrg(tx, { ...parsed.data, operatorUserId: viewer.user.id }));
    return redirectWithToast(
      '/operator/orgs',
      parsed.data.kind === 'ban' ? 'console.orgs.banned' : 'console.orgs.suspended',
    );
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    return json(
      { orgId: values.orgId ?? null, errors: { [error.field]: error.messageKey }, values },
      { status: error.status },
    );
  }
}

export default function OperatorOrgs() {
  const { orgs } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.orgs.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      <Form method="get" className="flex gap-2">
        <input
          name="q"
          type="search"
          defaultValue={params.get('q') ?? ''}
          aria-label={t('console.orgs.search')}
          placeholder={t('console.orgs.search')}
          className="w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        <button
          type="submit"
          className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
        >
          {t('console.orgs.find')}
        </button>
      </Form>
      {orgs.length === 0 ? <EmptyState>{t('console.orgs.empty')}</EmptyState> : null}
      <ul className="space-y-3">
        {orgs.map((org) => {
          const errors: Record<string, string> = data?.orgId === org.id ? data.errors : {};
          const values: Record<string, string> = data?.orgId === org.id ? data.values : {};
          return (
            <li key={org.id} data-org={org.id}>
              <Card>
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-semibold">{org.name}</span>
                  <Badge tone="sea">{t(`orgKind.${org.kind}`)}</Badge>
                  <Badge tone={org.verification === 'verified' ? 'green' : 'amber'}>
                    {t(`verification.${org.verification}`)}
                  </Badge>
                  <span className="text-slate-600">
                    {t('trust.credit.short', { score: org.creditScore, cls: org.qualityClass })}
                  </span>
                  {org.sanction === 'banned' ? <Badge tone="red">{t('console.orgs.isBanned')}</Badge> : null}
                  {org.sanction === 'suspended' && org.suspendedUntil ? (
                    <Badge tone="red">
                      {t('console.orgs.isSuspended', { until: formatTime(org.suspendedUntil, locale) })}
                    </Badge>
                  ) : null}
                </div>
                {org.sanction ? (
                  <Form method="post" className="mt-3">
                    <input type="hidden" name="orgId" value={org.id} />
                    <SubmitButton intent="lift" variant="secondary">
                      {t('console.orgs.lift')}
                    </SubmitButton>
                  </Form>
                ) : (
                  <details className="mt-3" open={Boolean(data?.orgId === org.id)}>
                    <summary className="cursor-pointer text-sm text-red-700">
                      {t('console.orgs.sanction')}
                    </summary>
                    <Form method="post" className="mt-2 grid gap-3 sm:grid-cols-3" noValidate>
                      <input type="hidden" name="orgId" value={org.id} />
                      <SelectField
                        name="kind"
                        label={t('console.orgs.kind')}
                        error={errors.kind}
                        defaultValue={values.kind ?? 'suspend'}
                        options={(['suspend', 'ban'] as const).map((k) => ({
                          value: k,
                          label: t(`console.orgs.kind.${k}`),
                        }))}
                      />
                      <Field
                        name="days"
                        label={t('console.orgs.days')}
                        error={errors.days}
                        defaultValue={values.days ?? '7'}
                        inputMode="numeric"
                      />
                      <Field
                        name="reason"
                        label={t('console.orgs.reason')}
                        error={errors.reason}
                        defaultValue={values.reason}
                      />
                      <FieldError name="form" error={errors.form} />
                      <div className="sm:col-span-3">
                        <SubmitButton variant="danger">{t('console.orgs.apply')}</SubmitButton>
                      </div>
                    </Form>
                  </details>
                )}
              </Card>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.orgs.title');
