// Operator settings: the product categories and their spec attributes, edited as data.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FieldError, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { Badge, Card, PageHeader } from '~/components/ui';
import { allCategories, parseCategoryForm, saveCategory } from '~/listings/categories.server';
import { requireOperator } from '~/lib/auth.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const rows = await allCategories();
  const editId = new URL(request.url).searchParams.get('edit');
  const editing = rows.find((row) => row.id === editId) ?? null;
  return json({
    categories: rows.map((row) => ({
      ...row,
      attributeCount: Array.isArray(row.attributes) ? row.attributes.length : 0,
    })),
    editing: editing
      ? {
          id: editing.id,
          group: editing.group,
          nameZh: editing.nameZh,
          nameEn: editing.nameEn,
          keywords: editing.keywords.join(', '),
          baseUnit: editing.baseUnit,
          defaultColdChain: editing.defaultColdChain,
          inspectionHours: String(editing.inspectionHours),
          feeBps: String(editing.feeBps),
          attributes: JSON.stringify(editing.attributes, null, 2),
          active: editing.active ? 'on' : '',
          certificateRequired: editing.certificateRequired ? 'on' : '',
        }
      : null,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const formData = await readFormData(request);
  const values = formValues(formData);
  const parsed = parseCategoryForm(values);
  if (!parsed.ok)
    return json(
      { ok: false as const, errors: parsed.errors, values, detail: parsed.detail ?? null },
      { status: 400 },
    );
  const saved = await saveCategory(viewer.user.id, parsed.value);
  if (!saved.ok) return formError({ baseUnit: 'operator.categories.errors.baseUnitFixed' }, values, 409);
  return redirectWithToast('/operator/categories', 'operator.categories.saved');
}

export default function Categories() {
  const { categories, editing } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = data?.errors ?? {};
  const values: Record<string, string> = data?.values ??
    editing ?? {
      group: 'seafood',
      baseUnit: 'g',
      defaultColdChain: 'chilled',
      inspectionHours: '24',
      feeBps: '150',
      attributes: '[]',
      active: 'on',
    };
  const detail = data && 'detail' in data && typeof data.detail === 'string' ? data.detail : null;
  return (
    <div className="space-y-6">
      <PageHeader title={t('operator.categories.title')}>
        <Link
          to="/operator/categories"
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
        >
          {t('operator.categories.new')}
        </Link>
      </PageHeader>
      <p className="text-sm text-slate-600">{t('operator.categories.lead')}</p>
      <Card>
        <ul className="divide-y divide-slate-100 text-sm">
          {categories.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="min-w-0">
                <strong>{locale === 'en' ? c.nameEn : c.nameZh}</strong>{' '}
                <span className="font-mono text-xs text-slate-500">{c.id}</span>
              </span>
              <span className="flex flex-wrap items-center gap-2 text-slate-600">
                <Badge tone="sea">{t(`listing.group.${c.group}`)}</Badge>
                <span>{t(`operator.categories.baseUnit.${c.baseUnit}`)}</span>
                <span>{t('operator.categories.attributeCount', { count: c.attributeCount })}</span>
                <span>{c.feeBps} bp</span>
                {c.active ? null : <Badge tone="amber">{t('operator.categories.inactive')}</Badge>}
                {c.certificateRequired ? (
                  <Badge tone="green">{t('compliance.operator.required')}</Badge>
                ) : null}
                <Link to={`?edit=${c.id}`} className="text-sea-700 underline">
                  {t('operator.categories.edit')}
                </Link>
              </span>
            </li>
          ))}
        </ul>
      </Card>
      <Card
        title={editing ? `${t('operator.categories.edit')} · ${editing.id}` : t('operator.categories.new')}
      >
        <Form method="post" className="grid gap-4 md:grid-cols-2" noValidate key={editing?.id ?? 'new'}>
          {Object.keys(errors).length > 0 ? (
            <div className="md:col-span-2">
              <FormAlert error="common.formHasErrors" />
            </div>
          ) : null}
          {editing ? (
            <input type="hidden" name="id" value={editing.id} />
          ) : (
            <Field name="id" label={t('operator.categories.id')} error={errors.id} defaultValue={values.id} />
          )}
          <SelectField
            name="group"
            label={t('operator.categories.group')}
            error={errors.group}
            defaultValue={values.group}
            options={(['seafood', 'farm'] as const).map((g) => ({
              value: g,
              label: t(`listing.group.${g}`),
            }))}
          />
          <Field
            name="nameZh"
            label={t('operator.categories.nameZh')}
            error={errors.nameZh}
            defaultValue={values.nameZh}
          />
          <Field
            name="nameEn"
            label={t('operator.categories.nameEn')}
            error={errors.nameEn}
            defaultValue={values.nameEn}
          />
          <Field
            name="keywords"
            label={t('operator.categories.keywords')}
            error={errors.keywords}
            defaultValue={values.keywords}
            required={false}
          />
          <SelectField
            name="baseUnit"
            label={t('operator.categories.baseUnit')}
            error={errors.baseUnit}
            defaultValue={values.baseUnit}
            options={(['g', 'piece'] as const).map((u) => ({
              value: u,
              label: t(`operator.categories.baseUnit.${u}`),
            }))}
          />
          <SelectField
            name="defaultColdChain"
            label={t('operator.categories.coldChain')}
            error={errors.defaultColdChain}
            defaultValue={values.defaultColdChain}
            options={(['frozen', 'chilled', 'live', 'ambient'] as const).map((c) => ({
              value: c,
              label: t(`listing.coldChain.${c}`),
            }))}
          />
          <Field
            name="inspectionHours"
            label={t('operator.categories.inspectionHours')}
            error={errors.inspectionHours}
            defaultValue={values.inspectionHours}
            inputMode="numeric"
          />
          <Field
            name="feeBps"
            label={t('operator.categories.feeBps')}
            error={errors.feeBps}
            defaultValue={values.feeBps}
            inputMode="numeric"
          />
          <label className="flex items-center gap-2 text-sm md:col-span-2">
            <input type="checkbox" name="active" defaultChecked={values.active === 'on'} />{' '}
            {t('operator.categories.active')}
          </label>
          <div className="md:col-span-2">
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="certificateRequired"
                defaultChecked={values.certificateRequired === 'on'}
                aria-describedby="certificateRequired-hint"
              />{' '}
              {t('compliance.operator.required')}
            </label>
            <p id="certificateRequired-hint" className="mt-1 text-xs text-slate-500">
              {t('compliance.operator.requiredHint')}
            </p>
          </div>
          <div className="md:col-span-2">
            <label htmlFor="attributes" className="block text-sm font-medium text-slate-700">
              {t('operator.categories.attributes')}
            </label>
            <textarea
              id="attributes"
              name="attributes"
              rows={12}
              defaultValue={values.attributes}
              aria-invalid={errors.attributes ? true : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs"
            />
            <p className="mt-1 text-xs text-slate-500">{t('operator.categories.attributesHint')}</p>
            <FieldError name="attributes" error={errors.attributes} />
            {detail ? <p className="mt-1 break-all font-mono text-xs text-red-600">{detail}</p> : null}
          </div>
          <div className="md:col-span-2">
            <SubmitButton>{t('operator.categories.save')}</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'operator.categories.title');
