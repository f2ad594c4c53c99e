// Market settings: each category's trading rules (fees, increments, clock, soft close, deposit, windows) and the market-wide keys.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FieldError, FormAlert, SubmitButton } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { allCategories } from '~/listings/categories.server';
import { getCategorySettings } from '~/market/settings.server';
import {
  MARKET_KEYS,
  marketSettingsNow,
  parseSettingsForm,
  saveCategorySettings,
  saveMarketSettings,
  settingsToForm,
} from '~/trust/settings.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const rows = await allCategories();
  const wanted = new URL(request.url).searchParams.get('category');
  const current = rows.find((r) => r.id === wanted) ?? rows[0] ?? null;
  const settings = current ? await getCategorySettings(db, current.id) : null;
  return json({
    categories: rows.map((r) => ({ id: r.id, nameZh: r.nameZh, nameEn: r.nameEn })),
    categoryId: current?.id ?? null,
    values: settings ? settingsToForm(settings) : null,
    marketKeys: MARKET_KEYS,
    market: Object.fromEntries(
      Object.entries(await marketSettingsNow(db)).map(([k, v]) => [k, String(v)]),
    ) as Record<string, string>,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const values = formValues(await readFormData(request));
  if (values.intent === 'market') {
    const saved = await db.transaction((tx) =>
      saveMarketSettings(tx, { values, operatorUserId: viewer.user.id }),
    );
    if (!saved.ok) return json({ form: 'market' as const, errors: saved.errors, values }, { status: 400 });
    return redirectWithToast('/operator/settings', 'console.settings.saved');
  }
  const parsed = parseSettingsForm(values);
  if (!parsed.ok) return json({ form: 'category' as const, errors: parsed.errors, values }, { status: 400 });
  const categoryId = values.categoryId ?? '';
  const saved = await db.transaction((tx) =>
    saveCategorySettings(tx, { categoryId, operatorUserId: viewer.user.id, settings: parsed.value }),
  );
  if (!saved) throw notFound();
  return redirectWithToast(
    `/operator/settings?category=${encodeURIComponent(categoryId)}`,
    'console.settings.saved',
  );
}

const CATEGORY_FIELDS = [
  'feeBps',
  'inspectionHours',
  'softCloseSeconds',
  'clockStepYuan',
  'clockTickMs',
  'depositBps',
  'excursionMinutes',
] as const;

export default function MarketSettings() {
  const { categories, categoryId, values, market, marketKeys } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const catErrors: Record<string, string> = data?.form === 'category' ? data.errors : {};
  const catValues: Record<string, string> = data?.form === 'category' ? data.values : (values ?? {});
  const mktErrors: Record<string, string> = data?.form === 'market' ? data.errors : {};
  const mktValues: Record<string, string> = data?.form === 'market' ? data.values : market;
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.settings.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      <Card title={t('console.settings.market')}>
        <Form method="post" className="grid gap-4 sm:grid-cols-3" noValidate>
          <input type="hidden" name="intent" value="market" />
          {marketKeys.map((key) => (
            <Field
              key={key}
              name={key}
              label={t(`console.settings.field.${key}`)}
              hint={t(`console.settings.range.${key}`)}
              error={mktErrors[key]}
              defaultValue={mktValues[key]}
              inputMode="decimal"
            />
          ))}
          <div className="sm:col-span-3">
            <SubmitButton>{t('console.settings.save')}</SubmitButton>
          </div>
        </Form>
      </Card>
      <Card title={t('console.settings.category')}>
        <Form method="get" className="mb-4 flex flex-wrap gap-2">
          <select
            name="category"
            defaultValue={categoryId ?? ''}
            aria-label={t('console.settings.category')}
            className="rounded-md border border-slate-300 px-3 py-2 text-sm"
          >
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {locale === 'en' ? c.nameEn : c.nameZh}
              </option>
            ))}
          </select>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            {t('console.settings.choose')}
          </button>
        </Form>
        {categoryId ? (
          <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate key={categoryId}>
            {Object.keys(catErrors).length ? (
              <div className="sm:col-span-2">
                <FormAlert error="common.formHasErrors" />
              </div>
            ) : null}
            <input type="hidden" name="intent" value="category" />
            <input type="hidden" name="categoryId" value={categoryId} />
            {CATEGORY_FIELDS.map((key) => (
              <Field
                key={key}
                name={key}
                label={t(`console.settings.field.${key}`)}
                hint={t(`console.settings.range.${key === 'clockStepYuan' ? 'clockStepFen' : key}`)}
                error={catErrors[key]}
                defaultValue={catValues[key]}
                inputMode="decimal"
              />
            ))}
            <div className="sm:col-span-2">
              <label htmlFor="bidIncrements" className="block text-sm font-medium text-slate-700">
                {t('console.settings.field.bidIncrements')}
              </label>
              <textarea
                id="bidIncrements"
                name="bidIncrements"
                rows={5}
                defaultValue={catValues.bidIncrements}
                aria-invalid={catErrors.bidIncrements ? true : undefined}
                className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
              />
              <p className="mt-1 text-xs text-slate-500">{t('console.settings.bandsHint')}</p>
              <FieldError name="bidIncrements" error={catErrors.bidIncrements} />
            </div>
            <div className="sm:col-span-2">
              <SubmitButton>{t('console.settings.save')}</SubmitButton>
            </div>
          </Form>
        ) : null}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.settings.title');
