// A visitor's own page at a fair (#19.3–4): the appointments its org booked (it may cancel them), and its badge —
// a QR code an exhibitor scans to record the visitor's org as a lead, shown only after the visitor agrees.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton } from '~/components/forms';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { FairError, badgeFor, cancelAppointment, setBadgeConsent } from '~/fairs/fairs.server';
import { fairName, meetingSpan } from '~/fairs/format';
import { absoluteUrl, appointmentsOf, fairById, fairView, qrSvg } from '~/fairs/pages.server';
import { requireActiveOrg } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireActiveOrg(request);
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const orgId = viewer.activeOrg.orgId;
  const badge = await badgeFor(db, { fairId: fair.id, userId: viewer.user.id, orgId });
  const url = absoluteUrl(request, `/fairs/${fair.id}/leads/${badge.token}`);
  const appointments = await appointmentsOf(db, fair.id, orgId);
  return json({
    fair: fairView(fair),
    org: viewer.activeOrg.orgName,
    consented: Boolean(badge.consentedAt),
    qr: badge.consentedAt ? await qrSvg(url) : null,
    appointments: appointments.filter((a) => a.visitorOrgId === orgId),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireActiveOrg(request, 'trader');
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const orgId = viewer.activeOrg.orgId;
  const values = formValues(await readFormData(request));
  const back = `/fairs/${fair.id}/visit`;
  try {
    if (values.intent === 'consent' || values.intent === 'withdraw') {
      const consent = values.intent === 'consent';
      if (consent && values.agree !== 'on') return formError({ agree: 'fairs.errors.mustAgree' }, values);
      await db.transaction((tx) =>
        setBadgeConsent(tx, { fairId: fair.id, userId: viewer.user.id, orgId, consent, now: new Date() }),
      );
      return redirectWithToast(back, consent ? 'fairs.toast.badgeOn' : 'fairs.toast.badgeOff');
    }
    if (values.intent === 'cancel') {
      await db.transaction((tx) =>
        cancelAppointment(tx, { appointmentId: values.appointmentId ?? '', orgId }),
      );
      return redirectWithToast(back, 'fairs.toast.cancelled');
    }
  } catch (error) {
    if (error instanceof FairError) return formError({ form: error.messageKey }, values, error.status);
    throw error;
  }
  return formError({ form: 'errors.invalid' }, values);
}

export default function Visit() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const { fair } = data;
  const errors: Record<string, string> = failed?.errors ?? {};
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <nav className="text-sm">
        <Link to={`/fairs/${fair.id}`} className="text-sea-700 underline">
          {fairName(fair, locale)}
        </Link>
      </nav>
      <PageHeader title={t('fairs.visit.title')} />
      <FormAlert error={errors.form} />
      <Card title={t('fairs.visit.appointments')}>
        {data.appointments.length === 0 ? (
          <EmptyState
            action={
              <Link to={`/fairs/${fair.id}`} className="text-sea-700 underline">
                {t('fairs.visit.findExhibitors')}
              </Link>
            }
          >
            {t('fairs.visit.noAppointments')}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="my-appointments">
            {data.appointments.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <span className="font-mono">{meetingSpan(a.from, a.until)}</span> ·{' '}
                  {a.number ? (
                    <Link to={`/fairs/${fair.id}/booths/${a.number}`} className="text-sea-700 underline">
                      {a.exhibitor}
                    </Link>
                  ) : (
                    a.exhibitor
                  )}{' '}
                  · {t(`fairs.mode.${a.mode}` as KeyIn<'fairs.mode'>)}{' '}
                  {a.status === 'cancelled' ? (
                    <Badge tone="slate">{t('fairs.status.cancelled')}</Badge>
                  ) : null}
                </span>
                {a.status === 'booked' ? (
                  <Form method="post">
                    <input type="hidden" name="appointmentId" value={a.id} />
                    <SubmitButton intent="cancel" variant="danger">
                      {t('fairs.exhibit.cancel')}
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('fairs.visit.badge')}>
        <p className="mb-3 text-sm text-slate-600">{t('fairs.visit.badgeLead', { org: data.org })}</p>
        {data.qr ? (
          <>
            <div
              className="mx-auto w-48"
              role="img"
              aria-label={t('fairs.visit.badgeQr')}
              // biome-ignore lint/security/noDangerouslySetInnerHtml: trusted, server-generated SVG
              dangerouslySetInnerHTML={{ __html: data.qr }}
            />
            <Form method="post" className="mt-3 text-center">
              <SubmitButton intent="withdraw" variant="secondary">
                {t('fairs.visit.withdraw')}
              </SubmitButton>
            </Form>
          </>
        ) : (
          <Form method="post" className="space-y-3">
            <label className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="agree"
                className="mt-1"
                aria-invalid={errors.agree ? true : undefined}
                aria-describedby={errors.agree ? 'agree-error' : undefined}
              />
              <span>{t('fairs.visit.agree', { org: data.org })}</span>
            </label>
            {errors.agree ? <FormAlert error={errors.agree} /> : null}
            <SubmitButton intent="consent">{t('fairs.visit.showBadge')}</SubmitButton>
          </Form>
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.visit.title');
