// Close an organisation (PIPL art. 47): an owner or admin, typing its name; refused while trade is still open.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { requireOrgRole } from '~/lib/auth.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { closeOrganisation } from '~/privacy/erasure.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'admin');
  return json({ orgId, orgName: viewer.membership?.orgName ?? '' });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'admin');
  const formData = await readFormData(request);
  const typed = String(formData.get('name') ?? '').trim();
  if (!typed) return formError({ name: 'errors.required' }, formValues(formData));
  if (typed !== viewer.membership?.orgName.trim())
    return formError({ name: 'erasure.org.mismatch' }, formValues(formData));
  const result = await closeOrganisation(orgId, viewer.user.id);
  if (!result.ok) return formError({ form: result.reason }, formValues(formData), 409);
  return redirectWithToast('/dashboard', 'erasure.org.closed');
}

export default function LeaveOrg() {
  const { orgId, orgName } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const errors: Record<string, string> = data?.errors ?? {};
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <PageHeader title={`${t('erasure.org.title')} · ${orgName}`}>
        <Link to={`/orgs/${orgId}/members`} className="text-sm text-sea-700 underline">
          {t('members.title')}
        </Link>
      </PageHeader>
      <Card>
        <p className="text-sm text-slate-700">{t('erasure.org.lead')}</p>
        <p className="mt-2 text-sm text-slate-700">{t('erasure.org.kept')}</p>
        <p className="mt-2 text-sm text-slate-700">{t('erasure.org.blockers')}</p>
        <Form method="post" className="mt-4 space-y-4" noValidate>
          <FormAlert error={errors.form} />
          <Field
            name="name"
            label={t('erasure.org.confirm')}
            hint={t('erasure.org.confirmHint', { name: orgName })}
            error={errors.name}
            defaultValue={data?.values?.name}
            autoComplete="off"
            required
          />
          <SubmitButton variant="danger">{t('erasure.org.submit')}</SubmitButton>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'erasure.org.title');
