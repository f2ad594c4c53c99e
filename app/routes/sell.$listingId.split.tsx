// Split a lot, or repack part of it in cases: the part becomes a draft lot of its own with its certificate.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-card';
import { Card, PageHeader } from '~/components/ui';
import { categories, db, eq } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity, unitLabel, unitsFor } from '~/lib/units';
import { removeStoredFiles } from '~/lib/storage.server';
import { ListingError } from '~/listings/listings.server';
import { requireOwnListing } from '~/listings/sell.server';
import { SPLITTABLE, readSplitForm, splitListing, splitSchema } from '~/listings/split.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { listing } = await requireOwnListing(request, params.listingId ?? '', 'trader');
  const [category] = await db.select().from(categories).where(eq(categories.id, listing.categoryId));
  const units = unitsFor(category.baseUnit).filter(
    (u) => u !== 'g' && (u !== 'case' || listing.caseNetGrams),
  );
  return json({
    listing: {
      id: listing.id,
      titleZh: listing.titleZh,
      titleEn: listing.titleEn,
      status: listing.status,
      quantityAvailable: listing.quantityAvailable,
      minOrderQuantity: listing.minOrderQuantity,
      displayUnit: listing.displayUnit,
      caseNetGrams: listing.caseNetGrams,
    },
    units,
    byWeight: category.baseUnit === 'g',
    splittable: (SPLITTABLE as readonly string[]).includes(listing.status),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, listing } = await requireOwnListing(request, params.listingId ?? '', 'trader');
  const formData = await readFormData(request);
  const values = formValues(formData);
  const parsed = parseForm(formData, splitSchema);
  if (!parsed.ok) return formError(parsed.errors, values);
  const split = readSplitForm(parsed.data, listing);
  if (!split.ok) return formError(split.errors, values);
  const written: string[] = [];
  try {
    const made = await db.transaction((tx) =>
      splitListing(
        tx,
        {
          listingId: listing.id,
          orgId: listing.sellerOrgId,
          actorUserId: viewer.user.id,
          split: split.value,
        },
        written,
      ),
    );
    return redirectWithToast(
      `/sell/${made.id}/edit`,
      made.certificateNumber ? 'sell.split.doneWithCertificate' : 'sell.split.done',
    );
  } catch (error) {
    // Nothing committed, so the photo copies go too.
    await removeStoredFiles(written);
    if (error instanceof ListingError) {
      const aboutQuantity = ['sell.split.errors.belowMoq', 'sell.split.errors.tooMuch'].includes(
        error.messageKey,
      );
      const field = aboutQuantity ? 'quantity' : 'form';
      return formError({ [field]: error.messageKey }, values, error.status);
    }
    throw error;
  }
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sell.split.link');

export default function SplitLot() {
  const { listing, units, byWeight, splittable } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  const opts = { caseNetGrams: listing.caseNetGrams ?? undefined };
  return (
    <div className="mx-auto max-w-3xl">
      <Link to={`/sell/${listing.id}/edit`} className="text-sm text-sea-700 underline">
        ← {t('compliance.sell.back')}
      </Link>
      <div className="mt-2">
        <PageHeader title={t('sell.split.title', { title: listingTitle(listing, locale) })} />
      </div>
      <p className="mb-4 text-sm text-slate-600">{t('sell.split.intro')}</p>
      {splittable ? null : (
        <p
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
        >
          {t('sell.split.errors.state')}
        </p>
      )}
      <Card>
        <p className="mb-4 text-sm">
          {t('sell.split.available', {
            quantity: formatQuantity(
              Math.max(0, listing.quantityAvailable - listing.minOrderQuantity),
              listing.displayUnit,
              locale,
              opts,
            ),
            moq: formatQuantity(listing.minOrderQuantity, listing.displayUnit, locale, opts),
          })}
        </p>
        <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
          <div className="sm:col-span-2">
            <FormAlert error={errors.form} />
          </div>
          <Field
            name="quantity"
            label={t('sell.split.quantity')}
            inputMode="decimal"
            error={errors.quantity}
            defaultValue={values.quantity}
            required
          />
          <SelectField
            name="unit"
            label={t('sell.split.unit')}
            error={errors.unit}
            defaultValue={values.unit ?? listing.displayUnit}
            options={units.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
          />
          {byWeight ? (
            <>
              <SelectField
                name="packing"
                label={t('sell.split.packing')}
                error={errors.packing}
                defaultValue={values.packing ?? 'same'}
                options={(['same', 'case'] as const).map((p) => ({
                  value: p,
                  label: t(`sell.split.packing.${p}`),
                }))}
              />
              <Field
                name="caseKg"
                label={t('sell.split.caseKg')}
                hint={t('sell.split.caseKgHint')}
                inputMode="decimal"
                error={errors.caseKg}
                defaultValue={values.caseKg}
              />
            </>
          ) : null}
          <div className="sm:col-span-2">
            <SubmitButton>{t('sell.split.submit')}</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}
