// The operator's instruments: define or edit one (category, grade, unit, tick, delivery, hours, band) and halt or
// resume trading per instrument (the worker's session driver halts the book within a second).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { Badge, Card, PageHeader, TableScroll } from '~/components/ui';
import {
  categoryAttributes,
  gradeText,
  haltSchema,
  instrumentSchema,
  parseGrade,
  publicInstrument,
  uuidSchema,
} from '~/exchange/pages.server';
import { appendAudit } from '~/lib/audit.server';
import { requireOperator } from '~/lib/auth.server';
import { categories, db, eq, instruments } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const url = new URL(request.url);
  const rows = await db.select().from(instruments).orderBy(instruments.code);
  const cats = await db
    .select({ id: categories.id, nameZh: categories.nameZh, nameEn: categories.nameEn })
    .from(categories)
    .orderBy(categories.sort);
  const editing = rows.find((row) => row.code === url.searchParams.get('edit')) ?? null;
  return json({
    instruments: rows.map((row) => ({ ...publicInstrument(row), gradeText: gradeText(row.grade) })),
    categories: cats,
    editing: editing ? { ...publicInstrument(editing), gradeText: gradeText(editing.grade) } : null,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const formData = await readFormData(request);
  const values = formValues(formData);
  const intent = formData.get('intent');
  if (intent === 'halt' || intent === 'resume') {
    const parsed = haltSchema.safeParse({ id: formData.get('id'), intent });
    if (!parsed.success) return formError({ form: 'errors.invalid' }, values);
    const [row] = await db.transaction(async (tx) => {
      const updated = await tx
        .update(instruments)
        .set({ status: intent === 'halt' ? 'halted' : 'active' })
        .where(eq(instruments.id, parsed.data.id))
        .returning({ id: instruments.id });
      if (updated.length)
        await appendAudit(tx, {
          actorUserId: operator.user.id,
          action: `exchange.${intent}`,
          subjectType: 'instrument',
          subjectId: parsed.data.id,
        });
      return updated;
    });
    if (!row) return formError({ form: 'errors.notFound' }, values, 404);
    return redirectWithToast(
      '/operator/exchange',
      intent === 'halt' ? 'exchange.operator.halted' : 'exchange.operator.resumed',
    );
  }
  if (intent !== 'save') return formError({ form: 'errors.invalid' }, values);
  const parsed = parseForm(formData, instrumentSchema);
  if (!parsed.ok) return formError(parsed.errors, values);
  const form = parsed.data;
  const [category] = await db.select().from(categories).where(eq(categories.id, form.categoryId));
  if (!category) return formError({ categoryId: 'errors.chooseOne' }, values);
  // Grade values come from the category's spec: an enum attribute takes one of its options.
  const grade = parseGrade(form.grade);
  const attributes = categoryAttributes(category.attributes);
  const fits =
    grade !== null &&
    Object.entries(grade).every(([key, value]) => {
      const attribute = attributes.find((a) => a.key === key);
      if (!attribute) return false;
      return attribute.type !== 'enum' || attribute.options.some((o) => o.value === value);
    });
  if (!fits) return formError({ grade: 'exchange.errors.grade' }, values);
  const row = {
    code: form.code,
    nameZh: form.nameZh,
    nameEn: form.nameEn,
    categoryId: form.categoryId,
    grade: grade as Record<string, string>,
    unitGrams: form.unitGrams,
    unitNameZh: form.unitNameZh,
    unitNameEn: form.unitNameEn,
    tickFen: form.tickFen,
    deliveryPlace: form.deliveryPlace,
    deliveryKind: form.deliveryKind,
    deliveryDate: form.deliveryKind === 'dated' ? (form.deliveryDate ?? null) : null,
    callStart: form.callStart,
    openTime: form.openTime,
    closeTime: form.closeTime,
    bandBps: form.bandPercent * 100,
    referencePriceFen: form.referencePriceFen ?? null,
  };
  const id = uuidSchema.safeParse(formData.get('id'));
  const saved = await db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: instruments.id })
      .from(instruments)
      .where(eq(instruments.code, form.code));
    if (taken && (!id.success || taken.id !== id.data)) return null;
    // The tick of a live book is the writer's (its snapshot holds it): an existing instrument keeps its tick.
    const [result] = id.success
      ? await tx
          .update(instruments)
          .set({ ...row, tickFen: undefined })
          .where(eq(instruments.id, id.data))
          .returning({ id: instruments.id })
      : await tx.insert(instruments).values(row).returning({ id: instruments.id });
    if (result)
      await appendAudit(tx, {
        actorUserId: operator.user.id,
        action: id.success ? 'exchange.instrument.update' : 'exchange.instrument.create',
        subjectType: 'instrument',
        subjectId: result.id,
      });
    return result ?? null;
  });
  if (!saved) return formError({ code: 'exchange.errors.codeTaken' }, values, 409);
  return redirectWithToast('/operator/exchange', 'exchange.operator.saved');
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'exchange.operator.title');

export default function OperatorExchange() {
  const { instruments: rows, categories: cats, editing } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> =
    failed?.values ??
    (editing
      ? {
          id: editing.id,
          code: editing.code,
          nameZh: editing.nameZh,
          nameEn: editing.nameEn,
          categoryId: editing.categoryId,
          grade: editing.gradeText,
          unitGrams: String(editing.unitGrams),
          unitNameZh: editing.unitNameZh,
          unitNameEn: editing.unitNameEn,
          tickFen: String(editing.tickFen),
          deliveryPlace: editing.deliveryPlace,
          deliveryKind: editing.deliveryKind,
          deliveryDate: editing.deliveryDate ?? '',
          callStart: editing.callStart,
          openTime: editing.openTime,
          closeTime: editing.closeTime,
          bandPercent: String(editing.bandBps / 100),
          referencePriceFen: editing.referencePriceFen === null ? '' : String(editing.referencePriceFen),
        }
      : {});
  const field = (
    name: string,
    label: Parameters<typeof t>[0],
    extra: { hint?: string; inputMode?: 'numeric' } = {},
  ) => <Field name={name} label={t(label)} defaultValue={values[name]} error={errors[name]} {...extra} />;
  return (
    <div>
      <PageHeader title={t('exchange.operator.title')} />
      <TableScroll label={t('exchange.operator.title')} className="mb-6">
        <table className="min-w-full divide-y divide-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">{t('exchange.col.code')}</th>
              <th className="px-3 py-2">{t('exchange.col.name')}</th>
              <th className="px-3 py-2">{t('exchange.col.hours')}</th>
              <th className="px-3 py-2">{t('exchange.col.phase')}</th>
              <th className="px-3 py-2">
                <span className="sr-only">{t('exchange.operator.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="px-3 py-2 font-mono">
                  <Link to={`/exchange/${row.code}`} className="text-sea-700 underline">
                    {row.code}
                  </Link>
                </td>
                <td className="px-3 py-2">{locale === 'en' ? row.nameEn : row.nameZh}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {row.callStart} / {row.openTime} – {row.closeTime}
                </td>
                <td className="px-3 py-2">
                  <Badge tone={row.status === 'halted' ? 'red' : 'green'}>
                    {row.status === 'halted' ? t('exchange.phase.halted') : t('exchange.phase.continuous')}
                  </Badge>
                </td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap gap-2">
                    <Link
                      to={`/operator/exchange?edit=${row.code}`}
                      className="px-2 py-2 text-sea-700 underline"
                    >
                      {t('exchange.operator.edit')}
                      <span className="sr-only"> {row.code}</span>
                    </Link>
                    <Form method="post">
                      <input type="hidden" name="id" value={row.id} />
                      <SubmitButton intent={row.status === 'halted' ? 'resume' : 'halt'} variant="secondary">
                        {row.status === 'halted'
                          ? t('exchange.operator.resume')
                          : t('exchange.operator.halt')}
                      </SubmitButton>
                    </Form>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <Card>
        <h2 className="mb-3 text-base font-semibold">
          {editing ? `${t('exchange.operator.edit')} · ${editing.code}` : t('exchange.operator.new')}
        </h2>
        <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
          {values.id ? <input type="hidden" name="id" value={values.id} /> : null}
          <div className="sm:col-span-2">
            <FormAlert error={errors.form} />
          </div>
          {field('code', 'exchange.field.code')}
          <SelectField
            name="categoryId"
            label={t('exchange.field.category')}
            defaultValue={values.categoryId}
            error={errors.categoryId}
            options={cats.map((c) => ({ value: c.id, label: locale === 'en' ? c.nameEn : c.nameZh }))}
          />
          {field('nameZh', 'exchange.field.nameZh')}
          {field('nameEn', 'exchange.field.nameEn')}
          {field('grade', 'exchange.field.grade', { hint: t('exchange.field.gradeHint') })}
          {field('unitGrams', 'exchange.field.unitGrams', { inputMode: 'numeric' })}
          {field('unitNameZh', 'exchange.field.unitNameZh')}
          {field('unitNameEn', 'exchange.field.unitNameEn')}
          {field('tickFen', 'exchange.field.tickFen', { inputMode: 'numeric' })}
          {field('bandPercent', 'exchange.field.bandPercent', { inputMode: 'numeric' })}
          {field('referencePriceFen', 'exchange.field.referencePriceFen', { inputMode: 'numeric' })}
          {field('deliveryPlace', 'exchange.field.deliveryPlace')}
          <SelectField
            name="deliveryKind"
            label={t('exchange.field.deliveryKind')}
            defaultValue={values.deliveryKind ?? 'spot'}
            error={errors.deliveryKind}
            options={(['spot', 'dated'] as const).map((kind) => ({
              value: kind,
              label: t(`exchange.field.deliveryKind.${kind}`),
            }))}
          />
          <Field
            name="deliveryDate"
            type="date"
            label={t('exchange.field.deliveryDate')}
            defaultValue={values.deliveryDate}
            error={errors.deliveryDate}
          />
          <Field
            name="callStart"
            type="time"
            label={t('exchange.field.callStart')}
            defaultValue={values.callStart}
            error={errors.callStart}
          />
          <Field
            name="openTime"
            type="time"
            label={t('exchange.field.openTime')}
            defaultValue={values.openTime}
            error={errors.openTime}
          />
          <Field
            name="closeTime"
            type="time"
            label={t('exchange.field.closeTime')}
            defaultValue={values.closeTime}
            error={errors.closeTime}
          />
          <div className="sm:col-span-2">
            <SubmitButton intent="save">{t('exchange.operator.save')}</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}
