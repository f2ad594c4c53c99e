// An organisation's verification (sellers and buyers alike; ADR 0057): upload the business licence (image or PDF) and
// details; see the operator's decision.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FieldError, FormAlert, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Badge, Card, PageHeader } from '~/components/ui';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { readMultipart } from '~/lib/multipart.server';
import { redirectWithToast } from '~/lib/toast.server';
import { TrustError } from '~/trust/moderation.server';
import { applicationSchema, applicationsOf, submitApplication } from '~/trust/verification.server';

/** Every trading org: sellers to list without review, buyers to trade on the exchange (ADR 0057). */
const TRADERS = ['seller', 'buyer', 'both'] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, [...TRADERS]);
  const applications = await applicationsOf(db, viewer.activeOrg.orgId);
  return json({
    org: {
      name: viewer.activeOrg.orgName,
      kind: viewer.activeOrg.kind,
      verification: viewer.activeOrg.verification,
    },
    canApply: roleAtLeast(viewer.activeOrg.role, 'admin'),
    applications: applications.map((a) => ({
      id: a.id,
      status: a.status,
      reason: a.reason,
      createdAt: a.createdAt,
      decidedAt: a.decidedAt,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, [...TRADERS], 'admin');
  const { fields, uploads, errors } = await readMultipart(request, {
    fileFields: {
      licence: {
        max: 1,
        pdf: true,
        tooMany: 'trust.errors.oneLicence',
        wrongType: 'trust.errors.licenceFile',
      },
    },
  });
  const parsed = applicationSchema.safeParse(fields);
  const fieldErrors: Record<string, string> = { ...errors };
  if (!parsed.success)
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
  const licence = uploads.find((u) => u.field === 'licence');
  if (!licence && !fieldErrors.licence) fieldErrors.licence = 'trust.errors.licenceRequired';
  if (!parsed.success || !licence || Object.keys(fieldErrors).length > 0)
    return json({ errors: fieldErrors, values: fields }, { status: 400 });
  try {
    await db.transaction((tx) =>
      submitApplication(tx, {
        orgId: viewer.activeOrg.orgId,
        userId: viewer.user.id,
        details: parsed.data,
        licence,
      }),
    );
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    return json({ errors: { form: error.messageKey }, values: fields }, { status: error.status });
  }
  return redirectWithToast('/settings/verification', 'trust.verify.submitted');
}

export default function Verification() {
  const { org, canApply, applications } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = data?.errors ?? {};
  const values: Record<string, string> = data?.values ?? {};
  const mayApply = canApply && (org.verification === 'unverified' || org.verification === 'rejected');
  const tone = org.verification === 'verified' ? 'green' : org.verification === 'rejected' ? 'red' : 'amber';
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <PageHeader title={t('trust.verify.title')} />
      <Card>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-medium">{org.name}</span>
          <Badge tone={tone}>{t(`verification.${org.verification}`)}</Badge>
        </p>
        <p className="mt-2 text-sm text-slate-600">
          {org.kind === 'buyer' && (org.verification === 'unverified' || org.verification === 'verified')
            ? t(`trust.verify.buyerLead.${org.verification}`)
            : t(`trust.verify.lead.${org.verification}`)}
        </p>
      </Card>
      {mayApply ? (
        <Card title={t('trust.verify.formTitle')}>
          <Form method="post" encType="multipart/form-data" className="space-y-4" noValidate>
            <FormAlert error={errors.form} />
            <Field
              name="legalName"
              label={t('trust.verify.legalName')}
              error={errors.legalName}
              defaultValue={values.legalName}
            />
            <Field
              name="licenceNumber"
              label={t('trust.verify.licenceNumber')}
              hint={t('trust.verify.licenceNumberHint')}
              error={errors.licenceNumber}
              defaultValue={values.licenceNumber}
              autoComplete="off"
            />
            <Field
              name="address"
              label={t('trust.verify.address')}
              error={errors.address}
              defaultValue={values.address}
            />
            <div>
              <label htmlFor="licence" className="block text-sm font-medium text-slate-700">
                {t('trust.verify.licence')}
              </label>
              <input
                id="licence"
                name="licence"
                type="file"
                accept="image/jpeg,image/png,image/webp,application/pdf"
                aria-invalid={errors.licence ? true : undefined}
                className="mt-1 block w-full text-sm"
              />
              <p className="mt-1 text-xs text-slate-500">{t('trust.verify.licenceHint')}</p>
              <FieldError name="licence" error={errors.licence} />
            </div>
            <SubmitButton>{t('trust.verify.submit')}</SubmitButton>
          </Form>
        </Card>
      ) : !canApply && org.verification !== 'verified' ? (
        <p className="text-sm text-slate-600">{t('trust.verify.askAdmin')}</p>
      ) : null}
      {applications.length > 0 ? (
        <Card title={t('trust.verify.history')}>
          <ul className="divide-y divide-slate-100 text-sm">
            {applications.map((a) => (
              <li key={a.id} className="py-2">
                <span className="text-slate-500">{formatTime(a.createdAt, locale)}</span>{' '}
                <Badge tone={a.status === 'approved' ? 'green' : a.status === 'rejected' ? 'red' : 'amber'}>
                  {t(`trust.verify.status.${a.status}`)}
                </Badge>
                {a.reason ? (
                  <p className="mt-1 break-words text-slate-700">
                    {t('trust.verify.reason', { reason: a.reason })}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'trust.verify.title');
