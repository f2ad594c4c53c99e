// Post a demand: choose the category (works without JavaScript through ?category=), then what, how much, where and by when.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { DemandForm } from '~/components/demand-form';
import { CategoryPicker } from '~/components/listing-form';
import { PageHeader } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import {
  categoryById,
  cityOptions,
  demandCategoryView,
  newDemandValues,
  saveDemandForm,
} from '~/demand/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { env } from '~/lib/env.server';
import { formError, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { marketToday } from '~/listings/form.server';
import { activeCategories } from '~/listings/listings.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const chosen = new URL(request.url).searchParams.get('category');
  const all = await activeCategories(db);
  const category = await categoryById(db, chosen);
  const today = marketToday(env().MARKET_TIME_ZONE);
  return json({
    categories: all.map(({ id, nameZh, nameEn, group }) => ({ id, nameZh, nameEn, group })),
    category: category ? demandCategoryView(category) : null,
    categoryError: chosen && !category ? 'errors.chooseOne' : undefined,
    initial: category ? await newDemandValues(db, category, viewer.activeOrg.orgId, today) : {},
    cities: cityOptions(),
    today,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const values = demandFormValues(await readFormData(request));
  const result = await saveDemandForm(db, {
    orgId: viewer.activeOrg.orgId,
    actorUserId: viewer.user.id,
    demandId: null,
    values,
  });
  if (!result.ok) return formError(result.errors, values, result.status);
  return redirectWithToast(`/demands/${result.id}`, 'demand.toast.posted');
}

export default function NewDemand() {
  const { categories, category, categoryError, initial, cities, today } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={t('demand.new.title')} />
      {category ? (
        <DemandForm
          key={category.id}
          category={category}
          cities={cities}
          values={failed?.values ?? initial}
          errors={failed?.errors ?? {}}
          today={today}
          submitLabel={t('demand.new.submit')}
          changeCategoryHref="/demands/new"
        />
      ) : (
        <CategoryPicker categories={categories} error={categoryError} />
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'demand.new.title');
