// One seller's file: the operator starts it (prefilled from verification), keeps it current, and records when
// the seller stopped selling, which starts the six months it is still kept.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Badge, Card, PageHeader } from '~/components/ui';
import {
  SellerFileError,
  saveSellerFile,
  sellerFileFor,
  SELLER_ID_KINDS,
  SUPPLY_CHANNELS,
  sellerFileSchema,
  setSellerStopped,
} from '~/compliance/seller-files.server';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData, refusal } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { marketToday, startOfMarketDay } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const found = await sellerFileFor(db, params.orgId ?? '');
  if (!found) throw refusal('errors.notFound', 404);
  // The choices travel with the data: the schema module stays out of the browser bundle.
  return json({ ...found, today: marketToday(), idKinds: SELLER_ID_KINDS, channels: SUPPLY_CHANNELS });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const orgId = params.orgId ?? '';
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  const back = `/operator/sellers/${orgId}`;
  try {
    if (intent === 'stop' || intent === 'resume') {
      let at: Date | null = null;
      if (intent === 'stop') {
        const day = String(formData.get('stoppedOn') ?? '');
        at = /^\d{4}-\d{2}-\d{2}$/.test(day) && day <= marketToday() ? startOfMarketDay(day) : null;
        if (!at || Number.isNaN(at.getTime())) {
          return formError({ stoppedOn: 'errors.sellers.stopDate' }, formValues(formData));
        }
      }
      await db.transaction((tx) => setSellerStopped(tx, { orgId, operatorUserId: viewer.user.id, at }));
      return redirectWithToast(back, intent === 'stop' ? 'sellers.stopped' : 'sellers.resumed');
    }
    const parsed = parseForm(formData, sellerFileSchema);
    if (!parsed.ok) return formError(parsed.errors, parsed.values);
    const saved = await db.transaction((tx) =>
      saveSellerFile(tx, { orgId, operatorUserId: viewer.user.id, values: parsed.data }),
    );
    return redirectWithToast(back, saved.changed.length === 0 ? 'sellers.unchanged' : 'sellers.saved');
  } catch (error) {
    if (!(error instanceof SellerFileError)) throw error;
    return formError({ form: error.messageKey }, formValues(formData), error.status);
  }
}

export default function SellerFilePage() {
  const { org, file, prefill, stoppedAt, keepUntil, today, idKinds, channels } =
    useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = data && !data.ok ? data.errors : {};
  const typed: Record<string, string> | null = data && !data.ok ? data.values : null;
  const value = (name: keyof typeof prefill) =>
    typed && typed.intent !== 'stop' ? (typed[name] ?? '') : (file?.[name] ?? prefill[name] ?? '');
  return (
    <div className="space-y-5">
      <PageHeader title={t('sellers.file.title', { name: org.name })}>
        <Link to="/operator/sellers" className="text-sm text-sea-700 underline">
          {t('sellers.title')}
        </Link>
      </PageHeader>
      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <span>{t('sellers.file.verification')}</span>
        <Badge tone={org.verification === 'verified' ? 'green' : 'amber'}>
          {t(`verification.${org.verification}`)}
        </Badge>
        {file ? <span>{t('sellers.file.updated', { at: formatTime(file.updatedAt, locale) })}</span> : null}
      </div>
      {file ? null : (
        <p
          role="status"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {t('sellers.file.missing')}
        </p>
      )}
      <Card>
        <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
          <FormAlert error={errors.form} />
          <Field
            name="legalName"
            label={t('sellers.field.legalName')}
            error={errors.legalName}
            defaultValue={value('legalName')}
            required
          />
          <Field
            name="contactName"
            label={t('sellers.field.contactName')}
            error={errors.contactName}
            defaultValue={value('contactName')}
            required
          />
          <Field
            name="contactPhone"
            label={t('sellers.field.contactPhone')}
            type="tel"
            error={errors.contactPhone}
            defaultValue={value('contactPhone')}
            required
          />
          <SelectField
            name="idKind"
            label={t('sellers.field.idKind')}
            error={errors.idKind}
            defaultValue={value('idKind') || 'credit_code'}
            options={idKinds.map((kind) => ({ value: kind, label: t(`sellers.field.idKind.${kind}`) }))}
          />
          <Field
            name="idNumber"
            label={t('sellers.field.idNumber')}
            error={errors.idNumber}
            defaultValue={value('idNumber')}
            required
          />
          <Field
            name="address"
            label={t('sellers.field.address')}
            error={errors.address}
            defaultValue={value('address')}
            required
          />
          <Field
            name="productTypes"
            label={t('sellers.field.productTypes')}
            hint={t('sellers.field.productTypesHint')}
            error={errors.productTypes}
            defaultValue={value('productTypes')}
            required
          />
          <SelectField
            name="supplyChannel"
            label={t('sellers.field.supplyChannel')}
            error={errors.supplyChannel}
            defaultValue={value('supplyChannel') || 'own_production'}
            options={channels.map((c) => ({ value: c, label: t(`sellers.field.supplyChannel.${c}`) }))}
          />
          <Field
            name="origin"
            label={t('sellers.field.origin')}
            error={errors.origin}
            defaultValue={value('origin')}
            required
          />
          <Field
            name="certificates"
            label={t('sellers.field.certificates')}
            hint={t('sellers.field.certificatesHint')}
            error={errors.certificates}
            defaultValue={value('certificates')}
          />
          <TextareaField
            name="notes"
            label={t('sellers.field.notes')}
            error={errors.notes}
            defaultValue={value('notes')}
            className="sm:col-span-2"
          />
          <div className="sm:col-span-2">
            <SubmitButton intent="save">{t('sellers.save')}</SubmitButton>
          </div>
        </Form>
      </Card>
      {file ? (
        <Card>
          <h2 className="text-base font-semibold">{t('sellers.stop.title')}</h2>
          <p className="mt-1 text-sm text-slate-600">{t('sellers.stop.intro')}</p>
          {stoppedAt && keepUntil ? (
            <p className="mt-3 text-sm font-medium" role="status">
              {file.stoppedAt
                ? t('sellers.stop.stoppedOn', {
                    at: formatTime(stoppedAt, locale),
                    until: formatTime(keepUntil, locale),
                  })
                : t('sellers.stop.bannedOn', {
                    at: formatTime(stoppedAt, locale),
                    until: formatTime(keepUntil, locale),
                  })}
            </p>
          ) : null}
          {file.stoppedAt ? (
            <Form method="post" className="mt-3">
              <SubmitButton intent="resume" variant="secondary">
                {t('sellers.stop.resume')}
              </SubmitButton>
            </Form>
          ) : (
            <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" noValidate>
              <Field
                name="stoppedOn"
                type="date"
                label={t('sellers.stop.date')}
                error={errors.stoppedOn}
                defaultValue={typed?.stoppedOn ?? today}
              />
              <SubmitButton intent="stop" variant="danger">
                {t('sellers.stop.submit')}
              </SubmitButton>
            </Form>
          )}
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sellers.title');
