// A lot into a requisition list (常购清单), or set up to be bought every week (每周定期采购): reached from the lot's page
// or a list's line, with the quantity and unit the buyer uses.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { Card, PageHeader } from '~/components/ui';
import {
  RepeatError,
  addToList,
  addToListSchema,
  createStandingOrder,
  listsOf,
  standingSchema,
} from '~/b2b/repeat.server';
import { WEEKDAYS, weekdayOf } from '~/b2b/schedule';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { marketToday } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity, unitLabel, unitsFor } from '~/lib/units';
import { lotForBuying } from '~/orders/pages.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const url = new URL(request.url);
  const lot = await lotForBuying(db, url.searchParams.get('listing') ?? '');
  if (!lot) throw notFound();
  const prefill: Record<string, string> = {};
  for (const key of ['quantity', 'unit'] as const) {
    const value = url.searchParams.get(key);
    if (value) prefill[key] = value.slice(0, 20);
  }
  const today = marketToday();
  return json({
    lot,
    prefill,
    lists: await listsOf(db, viewer.activeOrg.orgId, 'updated'),
    units: [...unitsFor(lot.baseUnit), ...(lot.caseNetGrams ? (['case'] as const) : [])],
    // The weekday the form starts on: tomorrow's, the earliest a new standing order would usually run.
    defaultWeekday: (weekdayOf(today) % 7) + 1,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const formData = await readFormData(request);
  const values = formValues(formData);
  const intent = formData.get('intent');
  const who = { buyerOrgId: viewer.activeOrg.orgId, actorUserId: viewer.user.id };
  try {
    if (intent === 'standing') {
      const parsed = parseForm(formData, standingSchema);
      if (!parsed.ok) return formError(parsed.errors, { ...parsed.values, intent: 'standing' });
      await createStandingOrder({ ...who, form: parsed.data });
      return redirectWithToast('/buy/standing', 'repeat.standing.toast.created');
    }
    const parsed = parseForm(formData, addToListSchema);
    if (!parsed.ok) return formError(parsed.errors, { ...parsed.values, intent: 'add' });
    const listId = await addToList({ ...who, form: parsed.data });
    return redirectWithToast(`/buy/lists/${listId}`, 'repeat.add.toast');
  } catch (error) {
    if (!(error instanceof RepeatError)) throw error;
    if (error.status === 404) throw notFound();
    return formError(
      { [error.field]: error.messageKey },
      { ...values, intent: String(intent ?? 'add') },
      error.status,
    );
  }
}

export default function AddToList() {
  const { lot, prefill, lists, units, defaultWeekday } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const failedIntent = failed?.values.intent;
  const valuesFor = (intent: string): Record<string, string | undefined> =>
    failedIntent === intent ? (failed?.values ?? {}) : prefill;
  const errorsFor = (intent: string): Record<string, string | undefined> =>
    failedIntent === intent ? (failed?.errors ?? {}) : {};
  const unitOptions = units.map((u) => ({ value: u, label: unitLabel(u, locale === 'en' ? 'en' : 'zh-CN') }));
  const quantityFields = (intent: string) => (
    <div className="grid grid-cols-2 gap-3">
      <Field
        name="quantity"
        id={`${intent}-quantity`}
        label={t('repeat.list.quantity')}
        inputMode="decimal"
        error={errorsFor(intent).quantity}
        defaultValue={valuesFor(intent).quantity}
        required
      />
      <SelectField
        name="unit"
        id={`${intent}-unit`}
        label={t('repeat.list.unit')}
        options={unitOptions}
        error={errorsFor(intent).unit}
        defaultValue={valuesFor(intent).unit ?? lot.displayUnit}
      />
    </div>
  );
  const add = errorsFor('add');
  const standing = errorsFor('standing');
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t('repeat.add.title')} />
      <p className="-mt-4 mb-4 text-sm text-slate-700">
        <Link to={`/market/${lot.id}`} className="font-medium text-sea-800 underline">
          {listingTitle(lot, locale)}
        </Link>{' '}
        · {lot.sellerName} ·{' '}
        {t('orders.buy.moq', {
          quantity: formatQuantity(lot.minOrderQuantity, lot.displayUnit, locale, {
            caseNetGrams: lot.caseNetGrams ?? undefined,
          }),
        })}
      </p>
      <div className="grid gap-4 md:grid-cols-2">
        <Card title={t('repeat.add.title')}>
          <Form method="post" className="space-y-3" data-testid="add-to-list">
            <input type="hidden" name="listingId" value={lot.id} />
            <FormAlert error={add.form} />
            <SelectField
              name="listId"
              label={t('repeat.add.list')}
              options={[
                ...lists.map((l) => ({ value: l.id, label: l.name })),
                { value: 'new', label: t('repeat.add.newList') },
              ]}
              error={add.listId}
              defaultValue={valuesFor('add').listId ?? lists[0]?.id ?? 'new'}
            />
            <Field
              name="newName"
              label={t('repeat.add.newName')}
              error={add.newName}
              defaultValue={valuesFor('add').newName}
            />
            {quantityFields('add')}
            <SubmitButton intent="add">{t('repeat.add.submit')}</SubmitButton>
          </Form>
        </Card>
        <Card title={t('repeat.standing.title')}>
          <Form method="post" className="space-y-3" data-testid="standing-form">
            <input type="hidden" name="listingId" value={lot.id} />
            <FormAlert error={standing.form} />
            {quantityFields('standing')}
            <SelectField
              name="weekday"
              label={t('repeat.standing.weekday')}
              options={WEEKDAYS.map((d) => ({ value: String(d), label: t(`repeat.weekday.${d}`) }))}
              error={standing.weekday}
              defaultValue={valuesFor('standing').weekday ?? String(defaultWeekday)}
            />
            <Field
              name="maxRisePercent"
              label={t('repeat.standing.maxRise')}
              hint={t('repeat.standing.maxRiseHint')}
              inputMode="decimal"
              error={standing.maxRisePercent}
              defaultValue={valuesFor('standing').maxRisePercent ?? '5'}
              required
            />
            <SubmitButton intent="standing">{t('repeat.standing.create')}</SubmitButton>
          </Form>
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'repeat.add.title');
