// Open reports about listings and orgs, oldest first; the operator upholds or dismisses with an outcome the reporter reads.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FieldError, SelectField, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Card, EmptyState, PageHeader } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { TrustError } from '~/trust/moderation.server';
import { openReports, resolveReport, resolveSchema } from '~/trust/reports.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ reports: await openReports(db) });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const values = formValues(await readFormData(request));
  const parsed = resolveSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return json({ reportId: values.reportId ?? null, errors, values }, { status: 400 });
  }
  try {
    await db.transaction((tx) =>
      resolveReport(tx, {
        reportId: parsed.data.reportId,
        operatorUserId: viewer.user.id,
        status: parsed.data.status,
        outcome: parsed.data.outcome,
        removeListing: parsed.data.removeListing === 'on',
      }),
    );
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    return json(
      { reportId: parsed.data.reportId, errors: { [error.field]: error.messageKey }, values },
      { status: error.status },
    );
  }
  return redirectWithToast('/operator/reports', 'console.reports.resolved');
}

export default function OperatorReports() {
  const { reports } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.reports.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      {reports.length === 0 ? (
        <EmptyState>{t('console.reports.empty')}</EmptyState>
      ) : (
        <ul className="space-y-4">
          {reports.map((r) => {
            const errors: Record<string, string> = data?.reportId === r.id ? data.errors : {};
            const title =
              (locale === 'en'
                ? r.listingTitleEn || r.listingTitleZh
                : r.listingTitleZh || r.listingTitleEn) ?? '';
            return (
              <li key={r.id} data-report={r.id}>
                <Card>
                  <p className="flex flex-wrap gap-2 text-sm">
                    <span className="font-medium">{t(`trust.report.about.${r.subjectType}`)}</span>
                    {r.listingId ? (
                      <Link to={`/market/${r.listingId}`} className="break-words underline">
                        {title}
                      </Link>
                    ) : null}
                    <span className="text-slate-600">{r.orgName}</span>
                    <span className="text-xs text-slate-500">{formatTime(r.createdAt, locale)}</span>
                  </p>
                  <p className="mt-2 whitespace-pre-wrap break-words text-sm">{r.reason}</p>
                  <Form method="post" className="mt-3 space-y-2" noValidate>
                    <input type="hidden" name="reportId" value={r.id} />
                    <SelectField
                      name={`status`}
                      label={t('console.reports.decision')}
                      error={errors.status}
                      defaultValue="upheld"
                      options={(['upheld', 'dismissed'] as const).map((s) => ({
                        value: s,
                        label: t(`trust.report.status.${s}`),
                      }))}
                    />
                    <label htmlFor={`outcome-${r.id}`} className="block text-sm font-medium text-slate-700">
                      {t('console.reports.outcome')}
                    </label>
                    <textarea
                      id={`outcome-${r.id}`}
                      name="outcome"
                      rows={2}
                      aria-invalid={errors.outcome ? true : undefined}
                      className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
                    />
                    <FieldError name="outcome" error={errors.outcome ?? errors.form} />
                    {r.listingId ? (
                      <label className="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="removeListing" /> {t('console.reports.removeListing')}
                      </label>
                    ) : (
                      <Link
                        to={`/operator/orgs?q=${r.orgId}`}
                        className="block text-sm text-sea-700 underline"
                      >
                        {t('console.reports.toOrg')}
                      </Link>
                    )}
                    <SubmitButton>{t('console.reports.resolve')}</SubmitButton>
                  </Form>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.reports.title');
