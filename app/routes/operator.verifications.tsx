// Seller verification requests waiting for an operator: the licence and details, approved or rejected with a reason.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FieldError, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Card, EmptyState, PageHeader } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { parseDecision, refusedDecision } from '~/trust/decision-form.server';
import { decideApplication, pendingApplications } from '~/trust/verification.server';
import { readFormData } from '~/lib/forms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ applications: await pendingApplications(db) });
}

const verificationDecision = { idField: 'applicationId', intents: ['approve', 'reject'] } as const;

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const parsed = parseDecision(await readFormData(request), verificationDecision);
  if (!parsed.ok) return parsed.response;
  const { decision } = parsed;
  try {
    await db.transaction((tx) =>
      decideApplication(tx, {
        applicationId: decision.id,
        operatorUserId: viewer.user.id,
        decision: decision.intent,
        reason: decision.reason,
      }),
    );
  } catch (error) {
    return refusedDecision(error, parsed);
  }
  return redirectWithToast(
    '/operator/verifications',
    decision.intent === 'approve' ? 'console.verify.approved' : 'console.verify.rejected',
  );
}

export default function Verifications() {
  const { applications } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.verify.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      {applications.length === 0 ? (
        <EmptyState>{t('console.verify.empty')}</EmptyState>
      ) : (
        <ul className="space-y-4">
          {applications.map((app) => {
            const errors: Record<string, string> = data?.applicationId === app.id ? data.errors : {};
            return (
              <li key={app.id}>
                <Card title={app.orgName}>
                  <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                    <dt className="text-slate-500">{t('trust.verify.legalName')}</dt>
                    <dd className="break-words">{app.legalName}</dd>
                    <dt className="text-slate-500">{t('trust.verify.licenceNumber')}</dt>
                    <dd className="font-mono">{app.licenceNumber}</dd>
                    <dt className="text-slate-500">{t('trust.verify.address')}</dt>
                    <dd className="break-words">{app.address}</dd>
                    <dt className="text-slate-500">{t('console.verify.submitted')}</dt>
                    <dd>{formatTime(app.createdAt, locale)}</dd>
                  </dl>
                  <a
                    href={`/operator/verifications/${app.id}/licence`}
                    target="_blank"
                    rel="noreferrer"
                    className="mt-2 inline-block text-sm text-sea-700 underline"
                  >
                    {t('console.verify.openLicence', {
                      type: app.licenceType === 'application/pdf' ? 'PDF' : t('console.verify.image'),
                    })}
                  </a>
                  <Form method="post" className="mt-3 space-y-2" noValidate>
                    <input type="hidden" name="applicationId" value={app.id} />
                    <label htmlFor={`reason-${app.id}`} className="block text-sm font-medium text-slate-700">
                      {t('console.verify.reason')}
                    </label>
                    <textarea
                      id={`reason-${app.id}`}
                      name="reason"
                      rows={2}
                      aria-invalid={errors.reason ? true : undefined}
                      className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
                    />
                    <FieldError name="reason" error={errors.reason ?? errors.form} />
                    <div className="flex flex-wrap gap-2">
                      <SubmitButton intent="approve">{t('console.verify.approve')}</SubmitButton>
                      <SubmitButton intent="reject" variant="danger">
                        {t('console.verify.reject')}
                      </SubmitButton>
                    </div>
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

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.verify.title');
