// A new lot: choose the category (works without JavaScript through ?category=), then the full listing form.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { CategoryPicker, ListingForm } from '~/components/listing-form';
import { PageHeader } from '~/components/ui';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { redirectWithToast } from '~/lib/toast.server';
import { marketToday } from '~/listings/form.server';
import { activeCategories } from '~/listings/listings.server';
import {
  categoryView,
  newListingValues,
  readListingRequest,
  saveListingForm,
  toastFor,
} from '~/listings/sell.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['seller', 'both'], 'trader');
  const chosen = new URL(request.url).searchParams.get('category');
  const all = await activeCategories(db);
  const category = all.find((c) => c.id === chosen) ?? null;
  const today = marketToday();
  return json({
    categories: all.map(({ id, nameZh, nameEn, group }) => ({ id, nameZh, nameEn, group })),
    category: category ? categoryView(category) : null,
    categoryError: chosen && !category ? 'errors.chooseOne' : undefined,
    initial: category ? newListingValues(category, today) : {},
    today,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const { fields, uploads, errors } = await readListingRequest(request);
  const result = await saveListingForm(db, {
    orgId: viewer.activeOrg.orgId,
    actorUserId: viewer.user.id,
    listing: null,
    fields,
    uploads,
    uploadErrors: errors,
    publish: fields.intent === 'publish',
  });
  if (!result.ok) return formError(result.errors, fields, result.status);
  return redirectWithToast('/sell', toastFor(result.status));
}

export default function NewListing() {
  const { categories, category, categoryError, initial, today } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={t('sell.new.title')} />
      {category ? (
        <ListingForm
          // A new category is a new form: nothing typed for the old one's spec carries over.
          key={category.id}
          category={category}
          values={failed?.values ?? initial}
          errors={failed?.errors ?? {}}
          today={today}
          existing={{ photos: 0, certificates: 0 }}
          buttons="new"
          changeCategoryHref="/sell/new"
        />
      ) : (
        <CategoryPicker categories={categories} error={categoryError} />
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sell.new.title');
