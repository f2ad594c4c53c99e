// Operator: the trade fairs (#19) — the list, and a new fair (name, days, hall, online hours, featured categories).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { FairError, createFair, fairSchema } from '~/fairs/fairs.server';
import { fairName } from '~/fairs/format';
import { listFairs } from '~/fairs/pages.server';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { addDays, marketToday } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { activeCategories } from '~/listings/listings.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const today = marketToday();
  const fairs = await listFairs(db);
  const categories = await activeCategories(db);
  return json({
    fairs: fairs.map((f) => ({
      id: f.id,
      nameZh: f.nameZh,
      nameEn: f.nameEn,
      startsOn: f.startsOn,
      endsOn: f.endsOn,
      hall: f.hall,
    })),
    categories: categories.map((c) => ({ id: c.id, nameZh: c.nameZh, nameEn: c.nameEn })),
    defaults: {
      startsOn: addDays(today, 7),
      endsOn: addDays(today, 9),
      onlineOpens: '08:00',
      onlineCloses: '20:00',
    },
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const formData = await readFormData(request);
  const values = formValues(formData);
  const parsed = parseForm(formData, fairSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  const categoryIds = (await activeCategories(db)).map((c) => c.id);
  try {
    const id = await db.transaction((tx) =>
      createFair(tx, { ...parsed.data, createdBy: viewer.user.id, categoryIds }),
    );
    return redirectWithToast(`/operator/fairs/${id}`, 'fairs.toast.created');
  } catch (error) {
    if (error instanceof FairError)
      return formError({ [error.field]: error.messageKey }, values, error.status);
    throw error;
  }
}

export default function OperatorFairs() {
  const { fairs, categories, defaults } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? defaults;
  return (
    <div className="space-y-6">
      <PageHeader title={t('fairs.operator.title')} />
      <p className="text-sm text-slate-600">{t('fairs.operator.lead')}</p>
      {fairs.length === 0 ? (
        <EmptyState>{t('fairs.operator.empty')}</EmptyState>
      ) : (
        <Card>
          <TableScroll label={t('fairs.operator.title')}>
            <table className="min-w-full text-left text-sm">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="py-2 pr-4">{t('fairs.field.name')}</th>
                  <th className="py-2 pr-4">{t('fairs.field.dates')}</th>
                  <th className="py-2 pr-4">{t('fairs.field.hall')}</th>
                </tr>
              </thead>
              <tbody>
                {fairs.map((f) => (
                  <tr key={f.id} className="border-b border-slate-100">
                    <td className="py-2 pr-4">
                      <Link to={`/operator/fairs/${f.id}`} className="text-sea-700 underline">
                        {fairName(f, locale)}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 whitespace-nowrap">
                      {f.startsOn} – {f.endsOn}
                    </td>
                    <td className="py-2 pr-4">{f.hall}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </Card>
      )}
      <Card title={t('fairs.operator.new')}>
        <Form method="post" className="grid gap-4 md:grid-cols-2" noValidate>
          {Object.keys(errors).length > 0 ? (
            <div className="md:col-span-2">
              <FormAlert error={errors.form ?? 'common.formHasErrors'} />
            </div>
          ) : null}
          <Field
            name="nameZh"
            label={t('fairs.field.nameZh')}
            error={errors.nameZh}
            defaultValue={values.nameZh}
          />
          <Field
            name="nameEn"
            label={t('fairs.field.nameEn')}
            error={errors.nameEn}
            defaultValue={values.nameEn}
          />
          <Field
            name="startsOn"
            type="date"
            label={t('fairs.field.startsOn')}
            error={errors.startsOn}
            defaultValue={values.startsOn}
          />
          <Field
            name="endsOn"
            type="date"
            label={t('fairs.field.endsOn')}
            error={errors.endsOn}
            defaultValue={values.endsOn}
          />
          <Field name="hall" label={t('fairs.field.hall')} error={errors.hall} defaultValue={values.hall} />
          <div className="grid grid-cols-2 gap-4">
            <Field
              name="onlineOpens"
              type="time"
              label={t('fairs.field.onlineOpens')}
              error={errors.onlineOpens}
              defaultValue={values.onlineOpens}
            />
            <Field
              name="onlineCloses"
              type="time"
              label={t('fairs.field.onlineCloses')}
              error={errors.onlineCloses}
              defaultValue={values.onlineCloses}
            />
          </div>
          <div className="md:col-span-2">
            <Field
              name="featured"
              label={t('fairs.field.featured')}
              hint={t('fairs.field.featuredHint', {
                ids: categories
                  .slice(0, 6)
                  .map((c) => c.id)
                  .join(', '),
              })}
              error={errors.featured}
              defaultValue={values.featured}
            />
          </div>
          <div className="md:col-span-2">
            <SubmitButton>{t('fairs.operator.create')}</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.operator.title');
