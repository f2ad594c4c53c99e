// Publish a harvest plan: the category first (its attributes are the grade's fields; works without JavaScript through
// ?category=), then what, how much, when, at what price and deposit, and from which pond or plot.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { CategoryPicker } from '~/components/listing-form';
import { PlanForm } from '~/components/plan-parts';
import { PageHeader } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import { planAttributes } from '~/farming/pages.server';
import { createPlan, newPlanDefaults, parsePlanForm, planUnits } from '~/farming/plans.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketToday } from '~/lib/market-time';
import { redirectWithToast } from '~/lib/toast.server';
import { activeCategories } from '~/listings/listings.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['seller', 'both'], 'trader');
  const chosen = new URL(request.url).searchParams.get('category');
  const all = await activeCategories(db);
  const category = all.find((c) => c.id === chosen) ?? null;
  return json({
    categories: all.map(({ id, nameZh, nameEn, group }) => ({ id, nameZh, nameEn, group })),
    category: category
      ? {
          id: category.id,
          nameZh: category.nameZh,
          nameEn: category.nameEn,
          attributes: planAttributes(category),
        }
      : null,
    categoryError: chosen && !category ? 'errors.chooseOne' : undefined,
    initial: newPlanDefaults(marketToday()),
    units: category ? planUnits(category.baseUnit) : [],
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const values = demandFormValues(await readFormData(request));
  const all = await activeCategories(db);
  const category = all.find((c) => c.id === values.categoryId) ?? null;
  const parsed = parsePlanForm(values, category, marketToday(), true);
  if (!parsed.ok) return formError(parsed.errors, values);
  const id = await db.transaction((tx) =>
    createPlan(tx, { orgId: viewer.activeOrg.orgId, userId: viewer.user.id, draft: parsed.draft }),
  );
  return redirectWithToast(`/sell/plans/${id}`, 'farming.toast.published');
}

export default function NewPlan() {
  const { categories, category, categoryError, initial, units } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t('farming.new.title')} />
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('farming.new.lead')}</p>
      {category ? (
        <PlanForm
          // Another category is another form: nothing typed for the old one's spec carries over.
          key={category.id}
          values={failed?.values ?? initial}
          errors={failed?.errors ?? {}}
          category={{
            id: category.id,
            name: locale === 'en' ? category.nameEn : category.nameZh,
            attributes: category.attributes,
          }}
          units={units}
          submitLabel={t('farming.new.submit')}
          changeCategoryHref="/sell/plans/new"
        />
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-700">{t('farming.form.pickCategory')}</p>
          <CategoryPicker categories={categories} error={categoryError} />
        </>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'farming.new.title');
