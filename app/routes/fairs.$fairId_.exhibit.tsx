// The exhibitor's desk at a fair (#19.2–5): fair-only prices for its lots, its free meeting slots, the
// appointments buyers booked (either side may cancel), the leads it captured, and its after-fair numbers.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ReportTable } from '~/components/fair-report';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import {
  FairError,
  addSlot,
  cancelAppointment,
  exhibitorBooth,
  removeSlot,
  setFairPrice,
  slotSchema,
} from '~/fairs/fairs.server';
import { fairName, fen, marketMinute, meetingSpan } from '~/fairs/format';
import {
  appointmentsOf,
  exhibitorLots,
  fairById,
  fairReport,
  fairView,
  leadsOf,
  slotsOf,
} from '~/fairs/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { marketDayAt } from '~/lib/market-time';
import { toMarketDateTime } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

async function exhibitorFair(fairId: string, orgId: string) {
  const fair = await fairById(db, fairId);
  if (!fair) throw notFound();
  const booth = await exhibitorBooth(db, fair.id, orgId);
  if (!booth) throw notFound('fairs.errors.notExhibitor');
  return { fair, booth };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const orgId = viewer.activeOrg.orgId;
  const { fair, booth } = await exhibitorFair(params.fairId ?? '', orgId);
  const [lots, slots, appointments, leads, report] = await Promise.all([
    exhibitorLots(db, fair.id, orgId),
    slotsOf(db, fair.id, orgId),
    appointmentsOf(db, fair.id, orgId),
    leadsOf(db, fair.id, orgId),
    fairReport(db, fair, orgId),
  ]);
  return json({
    fair: fairView(fair),
    booth: { number: booth.number, zone: booth.zone },
    lots,
    slots,
    appointments: appointments.filter((a) => a.exhibitorOrgId === orgId),
    leads,
    report,
    slotDefault: toMarketDateTime(marketDayAt(fair.startsOn, fair.onlineOpens)),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const orgId = viewer.activeOrg.orgId;
  const { fair } = await exhibitorFair(params.fairId ?? '', orgId);
  const formData = await readFormData(request);
  const values = formValues(formData);
  const back = `/fairs/${fair.id}/exhibit`;
  try {
    switch (values.intent) {
      case 'price':
        await db.transaction((tx) =>
          setFairPrice(tx, {
            fairId: fair.id,
            orgId,
            listingId: values.listingId ?? '',
            price: values.price ?? '',
          }),
        );
        return redirectWithToast(back, 'fairs.toast.priceSaved');
      case 'slot': {
        const parsed = parseForm(formData, slotSchema);
        if (!parsed.ok) return formError(parsed.errors, parsed.values);
        await db.transaction((tx) =>
          addSlot(tx, { fairId: fair.id, orgId, userId: viewer.user.id, ...parsed.data }),
        );
        return redirectWithToast(back, 'fairs.toast.slotAdded');
      }
      case 'removeSlot':
        await db.transaction((tx) => removeSlot(tx, { slotId: values.slotId ?? '', orgId }));
        return redirectWithToast(back, 'fairs.toast.slotRemoved');
      case 'cancel':
        await db.transaction((tx) =>
          cancelAppointment(tx, { appointmentId: values.appointmentId ?? '', orgId }),
        );
        return redirectWithToast(back, 'fairs.toast.cancelled');
    }
  } catch (error) {
    if (error instanceof FairError)
      return formError({ [error.field]: error.messageKey }, values, error.status);
    throw error;
  }
  return formError({ form: 'errors.invalid' }, values);
}

export default function ExhibitorDesk() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const { fair, booth } = data;
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  const intent = values.intent;
  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link to={`/fairs/${fair.id}`} className="text-sea-700 underline">
          {fairName(fair, locale)}
        </Link>
      </nav>
      <PageHeader title={t('fairs.exhibit.title', { number: booth.number })}>
        <Link
          to={`/fairs/${fair.id}/booths/${booth.number}`}
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
        >
          {t('fairs.exhibit.boothPage')}
        </Link>
      </PageHeader>
      {errors.form && intent !== 'slot' ? <FormAlert error={errors.form} /> : null}

      <Card title={t('fairs.exhibit.appointments')}>
        {data.appointments.length === 0 ? (
          <EmptyState>{t('fairs.exhibit.noAppointments')}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="exhibitor-appointments">
            {data.appointments.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <span className="font-mono">{meetingSpan(a.from, a.until)}</span> · {a.visitor} ·{' '}
                  {t(`fairs.mode.${a.mode}` as KeyIn<'fairs.mode'>)}{' '}
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

      <Card title={t('fairs.exhibit.slots')}>
        <Form method="post" className="mb-4 grid gap-3 sm:grid-cols-4" noValidate>
          <input type="hidden" name="intent" value="slot" />
          {errors.form && intent === 'slot' ? (
            <div className="sm:col-span-4">
              <FormAlert error={errors.form} />
            </div>
          ) : null}
          <Field
            name="startsAt"
            type="datetime-local"
            label={t('fairs.field.startsAt')}
            error={errors.startsAt}
            defaultValue={values.startsAt ?? data.slotDefault}
          />
          <Field
            name="minutes"
            inputMode="numeric"
            label={t('fairs.field.minutes')}
            error={errors.minutes}
            defaultValue={values.minutes ?? '30'}
          />
          <SelectField
            name="mode"
            label={t('fairs.field.mode')}
            error={errors.mode}
            defaultValue={values.mode ?? 'either'}
            options={(['either', 'hall', 'video'] as const).map((m) => ({
              value: m,
              label: t(`fairs.mode.${m}`),
            }))}
          />
          <div className="flex items-end">
            <SubmitButton>{t('fairs.exhibit.addSlot')}</SubmitButton>
          </div>
        </Form>
        {data.slots.length === 0 ? (
          <EmptyState>{t('fairs.exhibit.noSlots')}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.slots.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <span className="font-mono">{meetingSpan(s.from, s.until)}</span> ·{' '}
                  {t(`fairs.mode.${s.mode}` as KeyIn<'fairs.mode'>)}{' '}
                  {s.booked ? (
                    <Badge tone="green">{t('fairs.exhibit.booked')}</Badge>
                  ) : (
                    <Badge tone="sea">{t('fairs.exhibit.free')}</Badge>
                  )}
                </span>
                {s.booked ? null : (
                  <Form method="post">
                    <input type="hidden" name="slotId" value={s.id} />
                    <SubmitButton intent="removeSlot" variant="secondary">
                      {t('fairs.exhibit.removeSlot')}
                    </SubmitButton>
                  </Form>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('fairs.exhibit.prices')}>
        <p className="mb-3 text-sm text-slate-600">
          {t('fairs.exhibit.pricesLead', { from: fair.startsOn, until: fair.endsOn })}
        </p>
        {data.lots.length === 0 ? (
          <EmptyState
            action={
              <Link to="/sell/new" className="text-sea-700 underline">
                {t('fairs.exhibit.listLot')}
              </Link>
            }
          >
            {t('fairs.booth.noLots')}
          </EmptyState>
        ) : (
          <TableScroll label={t('fairs.exhibit.prices')}>
            <table className="min-w-full text-left text-sm">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="py-2 pr-4">{t('fairs.booth.lot')}</th>
                  <th className="py-2 pr-4 text-right">{t('fairs.booth.listPrice')}</th>
                  <th className="py-2 pr-4">{t('fairs.booth.fairPrice')}</th>
                </tr>
              </thead>
              <tbody>
                {data.lots.map((lot) => {
                  const title =
                    (locale === 'en' ? (lot.titleEn ?? lot.titleZh) : (lot.titleZh ?? lot.titleEn)) ?? '';
                  const mine = intent === 'price' && values.listingId === lot.id;
                  return (
                    <tr key={lot.id} className="border-b border-slate-100 align-top">
                      <td className="py-2 pr-4">{title}</td>
                      <td className="py-2 pr-4 text-right">
                        {lot.listPriceFen === null ? '—' : fen(lot.listPriceFen, locale, lot.currency)}
                      </td>
                      <td className="py-2 pr-4">
                        {lot.saleMode === 'fixed' ? (
                          <Form method="post" className="flex flex-wrap items-start gap-2">
                            <input type="hidden" name="listingId" value={lot.id} />
                            <label className="sr-only" htmlFor={`price-${lot.id}`}>
                              {t('fairs.exhibit.priceFor', { lot: title })}
                            </label>
                            <div>
                              <input
                                id={`price-${lot.id}`}
                                name="price"
                                inputMode="decimal"
                                defaultValue={
                                  mine
                                    ? values.price
                                    : lot.fairPriceFen === null
                                      ? ''
                                      : (lot.fairPriceFen / 100).toFixed(2)
                                }
                                aria-invalid={mine && errors.price ? true : undefined}
                                className="w-24 rounded border border-slate-300 px-2 py-1"
                              />
                              {mine && errors.price ? <FormAlert error={errors.price} /> : null}
                            </div>
                            <span className="shrink-0 whitespace-nowrap">
                              <SubmitButton intent="price" variant="secondary">
                                {t('fairs.exhibit.savePrice')}
                              </SubmitButton>
                            </span>
                          </Form>
                        ) : (
                          <span className="text-slate-500">{t('fairs.errors.fixedOnly')}</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Card>

      <Card title={t('fairs.exhibit.leads')}>
        <p className="mb-3 text-sm text-slate-600">{t('fairs.exhibit.leadsLead')}</p>
        {data.leads.length === 0 ? (
          <EmptyState>{t('fairs.exhibit.noLeads')}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.leads.map((l) => (
              <li key={l.id} className="flex justify-between gap-2 py-2">
                <span>{l.visitor}</span>
                <span className="font-mono text-slate-500">{marketMinute(l.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('fairs.report.title')}>
        <ReportTable report={data.report} />
        <p className="mt-2 text-sm">
          <a href={`/fairs/${fair.id}/report.csv`} className="text-sea-700 underline">
            {t('fairs.report.csv')}
          </a>
        </p>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.exhibit.heading');
