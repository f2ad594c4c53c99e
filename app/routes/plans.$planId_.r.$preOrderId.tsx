// A retailer's public reservation page for its share of a harvest plan: its customers reserve a quantity for pickup at
// one of its stores. Only name, phone and store are asked; only that retailer sees them; they are deleted after pickup.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import { CONSUMER_DATA_DAYS, consumerShare, reserveAsConsumer } from '~/farming/consumers.server';
import { planUnits } from '~/farming/plans.server';
import { clientIp } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData, refusal } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { RateLimitUnavailable, attempt } from '~/lib/rate-limit.server';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, formatQuantity, unitLabel } from '~/lib/units';

export async function loader({ params }: LoaderFunctionArgs) {
  const share = await consumerShare(db, params.planId ?? '', params.preOrderId ?? '');
  if (!share) throw notFound();
  const cap = share.pre.allocated ?? share.pre.quantity;
  return json({
    title: share.title,
    retailer: share.retailer,
    harvestFrom: share.harvestFrom,
    harvestTo: share.harvestTo,
    originName: share.originName,
    stores: share.pre.consumerStores,
    left: Math.max(0, cap - share.pre.reserved),
    displayUnit: share.displayUnit,
    units: planUnits(share.baseUnit),
    days: CONSUMER_DATA_DAYS,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const values = demandFormValues(await readFormData(request));
  try {
    const full = await attempt([
      { bucket: 'consumer-reserve', key: `{${clientIp(request)}}`, limit: 30, windowSeconds: 3600 },
    ]);
    if (full) return refusal('errors.tooManyAttempts', 429);
  } catch (error) {
    if (error instanceof RateLimitUnavailable) return refusal('errors.serviceUnavailable', 503);
    throw error;
  }
  const planId = params.planId ?? '';
  const preOrderId = params.preOrderId ?? '';
  const result = await db.transaction((tx) => reserveAsConsumer(tx, { planId, preOrderId, form: values }));
  // What the consumer typed is not sent back in a log or a job; only to this form, to correct it.
  if (!result.ok) return formError(result.errors, values, result.status);
  return redirectWithToast(`/plans/${planId}/r/${preOrderId}`, 'farming.toast.reserved');
}

export default function ConsumerReservation() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const unit = data.displayUnit as QuantityUnit;
  const values = failed && 'values' in failed ? failed.values : {};
  const errors = failed && 'errors' in failed ? failed.errors : {};
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <PageHeader title={t('farming.consumer.title', { retailer: data.retailer })} />
      <Card>
        <p className="text-base font-semibold">{data.title}</p>
        <p className="mt-1 text-sm text-slate-600">
          {t('farming.consumer.lead', {
            from: data.harvestFrom,
            to: data.harvestTo,
            origin: data.originName,
          })}
        </p>
        <p className="mt-1 text-sm text-slate-600" data-testid="consumer-left">
          {t('farming.consumer.left', { left: formatQuantity(data.left, unit, locale) })}
        </p>
      </Card>
      <Card title={t('farming.consumer.form')}>
        <Form key={data.left} method="post" className="space-y-4" data-testid="consumer-form">
          <FormAlert error={errors.form} />
          <Field
            name="name"
            label={t('farming.consumer.name')}
            autoComplete="name"
            defaultValue={values.name}
            error={errors.name}
          />
          <Field
            name="phone"
            label={t('farming.consumer.phone')}
            type="tel"
            autoComplete="tel"
            defaultValue={values.phone}
            error={errors.phone}
          />
          <SelectField
            name="store"
            label={t('farming.consumer.store')}
            defaultValue={values.store}
            error={errors.store}
            options={[
              { value: '', label: t('farming.consumer.chooseStore') },
              ...data.stores.map((s) => ({ value: s, label: s })),
            ]}
          />
          <div className="grid grid-cols-[1fr_8rem] gap-3">
            <Field
              name="quantity"
              label={t('farming.pre.quantity')}
              inputMode="decimal"
              defaultValue={values.quantity}
              error={errors.quantity}
            />
            <SelectField
              name="unit"
              label={t('farming.form.unit')}
              defaultValue={values.unit ?? (data.units.includes('jin') ? 'jin' : data.units[0])}
              options={data.units.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
              error={errors.unit}
            />
          </div>
          <p className="text-xs text-slate-600">
            {t('farming.consumer.privacy', { retailer: data.retailer, days: data.days })}
          </p>
          <SubmitButton>{t('farming.consumer.submit')}</SubmitButton>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'farming.board.title', data?.title);
