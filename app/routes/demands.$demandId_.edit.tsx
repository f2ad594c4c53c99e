// Edit a demand: the demand form filled from it; saving recomputes its matches.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { and, eq } from '~/lib/db.server';
import { DemandForm } from '~/components/demand-form';
import { PageHeader } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import {
  categoryById,
  cityOptions,
  demandCategoryView,
  demandValues,
  saveDemandForm,
} from '~/demand/pages.server';
import { requireActiveOrg } from '~/lib/auth.server';
import { db, demands } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { marketToday } from '~/listings/form.server';
import { notFound } from '~/lib/http.server';

/** The demand, if the active org posted it; anyone else is told it does not exist. */
async function ownDemand(request: Request, demandId: string) {
  const viewer = await requireActiveOrg(request, 'trader');
  const [demand] = await db
    .select()
    .from(demands)
    .where(and(eq(demands.id, demandId), eq(demands.buyerOrgId, viewer.activeOrg.orgId)));
  if (!demand) throw notFound();
  return { viewer, demand };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { demand } = await ownDemand(request, params.demandId ?? '');
  const category = await categoryById(db, demand.categoryId);
  if (!category) throw notFound();
  return json({
    id: demand.id,
    title: demand.title,
    category: demandCategoryView(category),
    values: demandValues(demand),
    cities: cityOptions(),
    today: marketToday(),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, demand } = await ownDemand(request, params.demandId ?? '');
  const values = { ...demandFormValues(await readFormData(request)), categoryId: demand.categoryId };
  const result = await saveDemandForm(db, {
    orgId: viewer.activeOrg.orgId,
    actorUserId: viewer.user.id,
    demandId: demand.id,
    values,
  });
  if (!result.ok) return formError(result.errors, values, result.status);
  return redirectWithToast(`/demands/${demand.id}`, 'demand.toast.saved');
}

export default function EditDemand() {
  const { id, title, category, values, cities, today } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={t('demand.edit.title')}>
        <Link to={`/demands/${id}`} className="text-sm text-sea-700 underline">
          {title}
        </Link>
      </PageHeader>
      <DemandForm
        category={category}
        cities={cities}
        values={failed?.values ?? values}
        errors={failed?.errors ?? {}}
        today={today}
        submitLabel={t('common.save')}
      />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'demand.edit.title');
