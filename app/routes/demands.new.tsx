// Post a demand: choose the category (works without JavaScript through ?category=), then what, how much, where and by when.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { DemandForm } from '~/components/demand-form';
import { CategoryPicker } from '~/components/listing-form';
import { Notice, PageHeader } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import {
  categoryById,
  cityOptions,
  demandCategoryView,
  lotToAskAbout,
  newDemandValues,
  saveDemandForm,
} from '~/demand/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { translator, useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { marketToday } from '~/listings/form.server';
import { activeCategories } from '~/listings/listings.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const url = new URL(request.url);
  const chosen = url.searchParams.get('category');
  const all = await activeCategories(db);
  const today = marketToday();
  // "Ask the seller for a quote" on a lot's page: a demand shaped after that lot, which its seller can quote on.
  const askedLot = url.searchParams.get('listing');
  const lot = askedLot ? await lotToAskAbout(db, askedLot, viewer.activeOrg.orgId) : null;
  const category = lot ? lot.category : await categoryById(db, chosen);
  const initial = category ? await newDemandValues(db, category, viewer.activeOrg.orgId, today) : {};
  let aboutLot: { id: string; title: string; seller: string } | null = null;
  if (lot) {
    const locale = await resolveLocale(request);
    const t = translator(locale);
    const title = (locale === 'en' ? (lot.titleEn ?? lot.titleZh) : (lot.titleZh ?? lot.titleEn)) ?? '';
    aboutLot = { id: lot.listingId, title, seller: lot.sellerName };
    Object.assign(initial, lot.values, {
      title,
      notes: t('demand.new.lotNote', { title, seller: lot.sellerName, url: `/market/${lot.listingId}` }),
    });
  }
  return json({
    categories: all.map(({ id, nameZh, nameEn, group }) => ({ id, nameZh, nameEn, group })),
    category: category ? demandCategoryView(category) : null,
    categoryError: (chosen && !category) || (askedLot && !lot) ? 'errors.chooseOne' : undefined,
    lotGone: Boolean(askedLot && !lot),
    aboutLot,
    initial,
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
  const { categories, category, categoryError, lotGone, aboutLot, initial, cities, today } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={t(aboutLot ? 'demand.new.askTitle' : 'demand.new.title')} />
      {aboutLot ? (
        <p className="mb-4 text-sm text-slate-700" data-testid="about-lot">
          {t('demand.new.aboutLot', { seller: aboutLot.seller })}{' '}
          <Link to={`/market/${aboutLot.id}`} className="text-sea-700 underline">
            {aboutLot.title}
          </Link>
        </p>
      ) : null}
      {lotGone ? <Notice>{t('demand.new.lotGone')}</Notice> : null}
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
