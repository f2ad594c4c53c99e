// Report a listing or an organisation to the market operator, with a reason; the outcome shows under "my reports".
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton, TextareaField } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { fileReport, reportSchema, reportSubject } from '~/trust/reports.server';
import { notFound } from '~/lib/http.server';

function subjectFrom(url: URL) {
  const subject = url.searchParams.get('subject');
  const id = url.searchParams.get('id') ?? '';
  if (subject === 'listing' || subject === 'org') return { subject, id } as const;
  return null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const wanted = subjectFrom(new URL(request.url));
  const target = wanted ? await reportSubject(db, wanted.subject, wanted.id) : null;
  if (!target) throw notFound();
  return json({ target: { subject: target.subject, id: target.id, name: target.name } });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const formData = await readFormData(request);
  const parsed = parseForm(formData, reportSchema);
  if (!parsed.ok) {
    const errors = { ...parsed.errors };
    // The schema's own message for an empty reason is a trust key; parseForm keeps only generic ones.
    if (errors.reason)
      errors.reason = formValues(formData).reason?.trim() ? errors.reason : 'trust.errors.reportReason';
    return json({ errors, values: parsed.values }, { status: 400 });
  }
  const target = await reportSubject(db, parsed.data.subject, parsed.data.id);
  if (!target) throw notFound();
  await db.transaction((tx) =>
    fileReport(tx, {
      reporterUserId: viewer.user.id,
      subject: parsed.data.subject,
      id: parsed.data.id,
      reason: parsed.data.reason,
    }),
  );
  return redirectWithToast('/reports', 'trust.report.filed');
}

export default function NewReport() {
  const { target } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const errors: Record<string, string> = data?.errors ?? {};
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <PageHeader title={t('trust.report.title')}>
        <Link to="/reports" className="text-sm text-sea-700 underline">
          {t('trust.report.mine')}
        </Link>
      </PageHeader>
      <Card>
        <p className="text-sm text-slate-600">
          {t(`trust.report.about.${target.subject}`)} <strong className="break-words">{target.name}</strong>
        </p>
        <Form method="post" className="mt-4 space-y-4" noValidate>
          <FormAlert error={errors.form} />
          <input type="hidden" name="subject" value={target.subject} />
          <input type="hidden" name="id" value={target.id} />
          <TextareaField
            name="reason"
            label={t('trust.report.reason')}
            hint={t('trust.report.reasonHint')}
            error={errors.reason}
            defaultValue={data?.values?.reason}
          />
          <SubmitButton>{t('trust.report.submit')}</SubmitButton>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'trust.report.title');
