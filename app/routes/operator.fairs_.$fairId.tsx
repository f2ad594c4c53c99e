// Operator: one fair (#19) — its booths (added as data, shown on the hall map), the booth applications to approve
// and allocate (the fee is charged through the ledger), and the fair's totals per exhibitor with a CSV download.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { ReportTable } from '~/components/fair-report';
import { HallMap } from '~/components/hall-map';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { FairError, addBooth, allocateBooth, boothSchema, rejectApplication } from '~/fairs/fairs.server';
import { fairName, fen } from '~/fairs/format';
import { applicationsOf, fairById, fairReport, hallBooths, sortedReport } from '~/fairs/pages.server';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const [booths, applications, report] = await Promise.all([
    hallBooths(db, fair.id),
    applicationsOf(db, fair.id),
    fairReport(db, fair),
  ]);
  const url = new URL(request.url);
  const sorted = sortedReport(report, url.searchParams.get('sort'), url.searchParams.get('dir'));
  return json({ fair, booths, applications, report: sorted.rows, sort: sorted.sort, dir: sorted.dir });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const formData = await readFormData(request);
  const values = formValues(formData);
  const intent = values.intent;
  try {
    if (intent === 'booth') {
      const parsed = parseForm(formData, boothSchema);
      if (!parsed.ok) return formError(parsed.errors, parsed.values);
      await db.transaction((tx) => addBooth(tx, fair.id, parsed.data));
      return redirectWithToast(`/operator/fairs/${fair.id}`, 'fairs.toast.boothAdded');
    }
    if (intent === 'allocate') {
      if (!values.applicationId || !values.boothId) return formError({ boothId: 'errors.chooseOne' }, values);
      await db.transaction((tx) =>
        allocateBooth(tx, {
          applicationId: values.applicationId,
          boothId: values.boothId,
          operatorUserId: viewer.user.id,
        }),
      );
      return redirectWithToast(`/operator/fairs/${fair.id}`, 'fairs.toast.allocated');
    }
    if (intent === 'reject') {
      await db.transaction((tx) =>
        rejectApplication(tx, { applicationId: values.applicationId ?? '', operatorUserId: viewer.user.id }),
      );
      return redirectWithToast(`/operator/fairs/${fair.id}`, 'fairs.toast.rejected');
    }
  } catch (error) {
    if (error instanceof FairError)
      return formError({ [error.field]: error.messageKey }, values, error.status);
    throw error;
  }
  return formError({ form: 'errors.invalid' }, values);
}

export default function OperatorFair() {
  const { fair, booths, applications, report, sort, dir } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  const freeBooths = booths.filter((b) => !b.exhibitor);
  const totals = report.reduce(
    (sum, r) => ({
      visits: sum.visits + r.visits,
      leads: sum.leads + r.leads,
      appointments: sum.appointments + r.appointments,
      orders: sum.orders + r.orders,
      volumeFen: sum.volumeFen + r.volumeFen,
    }),
    { visits: 0, leads: 0, appointments: 0, orders: 0, volumeFen: 0 },
  );
  return (
    <div className="space-y-6">
      <PageHeader title={fairName(fair, locale)}>
        <Link
          to={`/fairs/${fair.id}`}
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
        >
          {t('fairs.operator.openHome')}
        </Link>
      </PageHeader>
      <p className="text-sm text-slate-600">
        {fair.startsOn} – {fair.endsOn} · {fair.hall} ·{' '}
        {t('fairs.home.online', { opens: fair.onlineOpens, closes: fair.onlineCloses })}
      </p>
      {errors.form || errors.boothId ? <FormAlert error={errors.form ?? errors.boothId} /> : null}

      <Card title={t('fairs.operator.applications')}>
        {applications.length === 0 ? (
          <EmptyState>{t('fairs.operator.noApplications')}</EmptyState>
        ) : (
          <TableScroll label={t('fairs.operator.applications')}>
            <table className="min-w-full text-left text-sm">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="py-2 pr-4">{t('fairs.field.exhibitor')}</th>
                  <th className="py-2 pr-4">{t('fairs.field.wantedZone')}</th>
                  <th className="py-2 pr-4">{t('fairs.field.pitch')}</th>
                  <th className="py-2 pr-4">{t('fairs.field.status')}</th>
                  <th className="py-2 pr-4">{t('fairs.operator.decide')}</th>
                </tr>
              </thead>
              <tbody>
                {applications.map((a) => (
                  <tr key={a.id} className="border-b border-slate-100 align-top">
                    <td className="py-2 pr-4">{a.name}</td>
                    <td className="py-2 pr-4">{a.wantedZone ?? '—'}</td>
                    <td className="py-2 pr-4 max-w-xs">{a.pitch || '—'}</td>
                    <td className="py-2 pr-4">
                      <Badge
                        tone={a.status === 'allocated' ? 'green' : a.status === 'pending' ? 'amber' : 'slate'}
                      >
                        {t(`fairs.status.${a.status}` as KeyIn<'fairs.status'>)}
                      </Badge>{' '}
                      {a.number ?? ''}
                    </td>
                    <td className="py-2 pr-4">
                      {a.status === 'pending' ? (
                        <div className="flex flex-wrap items-end gap-2">
                          <Form method="post" className="flex items-end gap-2">
                            <input type="hidden" name="applicationId" value={a.id} />
                            <label className="text-xs">
                              <span className="block text-slate-600">{t('fairs.operator.booth')}</span>
                              <select
                                name="boothId"
                                className="rounded border border-slate-300 px-2 py-1"
                                defaultValue={values.applicationId === a.id ? values.boothId : ''}
                              >
                                <option value="">{t('fairs.operator.chooseBooth')}</option>
                                {freeBooths.map((b) => (
                                  <option key={b.id} value={b.id}>
                                    {b.number} · {b.zone} · {fen(b.priceFen, locale)}
                                  </option>
                                ))}
                              </select>
                            </label>
                            <SubmitButton intent="allocate">{t('fairs.operator.allocate')}</SubmitButton>
                          </Form>
                          <Form method="post">
                            <input type="hidden" name="applicationId" value={a.id} />
                            <SubmitButton intent="reject" variant="danger">
                              {t('fairs.operator.reject')}
                            </SubmitButton>
                          </Form>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Card>

      <Card title={t('fairs.map.title')}>
        <HallMap fairId={fair.id} booths={booths} />
      </Card>

      <Card title={t('fairs.operator.addBooth')}>
        <Form method="post" className="grid gap-4 sm:grid-cols-2 md:grid-cols-4" noValidate>
          <input type="hidden" name="intent" value="booth" />
          <Field
            name="number"
            label={t('fairs.field.boothNumber')}
            error={errors.number}
            defaultValue={values.number}
          />
          <Field name="zone" label={t('fairs.field.zone')} error={errors.zone} defaultValue={values.zone} />
          <Field
            name="widthM"
            inputMode="numeric"
            label={t('fairs.field.widthM')}
            error={errors.widthM}
            defaultValue={values.widthM ?? '3'}
          />
          <Field
            name="depthM"
            inputMode="numeric"
            label={t('fairs.field.depthM')}
            error={errors.depthM}
            defaultValue={values.depthM ?? '3'}
          />
          <Field
            name="price"
            inputMode="decimal"
            label={t('fairs.field.boothPrice')}
            error={errors.price}
            defaultValue={values.price}
          />
          <Field
            name="gridRow"
            inputMode="numeric"
            label={t('fairs.field.gridRow')}
            error={errors.gridRow}
            defaultValue={values.gridRow}
          />
          <Field
            name="gridCol"
            inputMode="numeric"
            label={t('fairs.field.gridCol')}
            error={errors.gridCol}
            defaultValue={values.gridCol}
          />
          <div className="flex items-end">
            <SubmitButton>{t('fairs.operator.addBooth')}</SubmitButton>
          </div>
        </Form>
      </Card>

      <Card title={t('fairs.report.title')}>
        <p className="mb-3 text-sm text-slate-600">
          {t('fairs.report.totals', {
            visits: totals.visits,
            leads: totals.leads,
            appointments: totals.appointments,
            orders: totals.orders,
            volume: fen(totals.volumeFen, locale),
          })}{' '}
          <a href={`/fairs/${fair.id}/report.csv`} className="text-sea-700 underline">
            {t('fairs.report.csv')}
          </a>
        </p>
        <ReportTable report={report} sort={{ key: sort, dir }} />
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.operator.title');
