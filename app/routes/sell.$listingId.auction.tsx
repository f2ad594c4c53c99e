// Put a lot (or part of it) up for auction: type, quantity, the unit a bid is for, prices and timing.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-card';
import { Card, PageHeader } from '~/components/ui';
import { AuctionError, createAuction } from '~/auctions/auctions.server';
import { newAuctionSchema, parseAuctionForm } from '~/auctions/pages.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { categories } from '~/lib/db.server';
import { formatQuantity, toBase, unitLabel, unitsFor } from '~/lib/units';
import { requireOwnListing } from '~/listings/sell.server';
import { getCategorySettings } from '~/market/settings.server';
import { reserveFloorOf } from '~/market-data/lot-reference.server';
import { formatMoney } from '~/lib/money';
import { QUANTITY_ERRORS } from '~/orders/pricing';
import { eq } from '~/lib/db.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { listing } = await requireOwnListing(request, params.listingId ?? '', 'trader');
  const [category] = await db.select().from(categories).where(eq(categories.id, listing.categoryId));
  const settings = await getCategorySettings(db, listing.categoryId);
  const units = unitsFor(category.baseUnit).filter(
    (u) => u !== 'g' && (u !== 'case' || listing.caseNetGrams),
  );
  return json({
    floor: await reserveFloorOf(db, listing),
    listing: {
      id: listing.id,
      titleZh: listing.titleZh,
      titleEn: listing.titleEn,
      status: listing.status,
      quantityAvailable: listing.quantityAvailable,
      displayUnit: listing.displayUnit,
      caseNetGrams: listing.caseNetGrams,
    },
    units,
    settings,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, listing } = await requireOwnListing(request, params.listingId ?? '', 'trader');
  const formData = await readFormData(request);
  const values = formValues(formData);
  const parsed = parseAuctionForm(formData, newAuctionSchema);
  if (!parsed.ok) return formError(parsed.errors, values);
  const form = parsed.data;
  const quantity = toBase(form.quantity, form.priceUnit, { caseNetGrams: listing.caseNetGrams ?? undefined });
  if (!quantity.ok) return formError({ quantity: QUANTITY_ERRORS[quantity.error] }, values);
  if (form.type === 'dutch' && form.floorPrice === null)
    return formError({ floorPrice: 'errors.required' }, values);
  const startsAt = new Date(Date.now() + form.startsInMinutes * 60_000);
  try {
    const id = await db.transaction((tx) =>
      createAuction(tx, {
        listingId: listing.id,
        sellerOrgId: listing.sellerOrgId,
        userId: viewer.user.id,
        type: form.type,
        sealedPricing: form.sealedPricing,
        quantity: quantity.value,
        priceUnit: form.priceUnit,
        startPriceFen: form.startPrice,
        reservePriceFen: form.reservePrice,
        floorPriceFen: form.floorPrice,
        presalePriceFen: form.presalePrice,
        startsAt,
        endsAt: form.type === 'dutch' ? null : new Date(startsAt.getTime() + form.durationMinutes * 60_000),
      }),
    );
    return redirect(`/auctions/${id}`);
  } catch (error) {
    if (error instanceof AuctionError && error.params) {
      // The reserve floor: the message names the minimum per kg and the reference it comes from.
      const { minFenPerKg = 0, referenceFen = 0, pct = 0 } = error.params;
      const errors: Record<string, string> = { [error.field]: error.messageKey };
      return json(
        { ok: false as const, errors, values, belowFloor: { minFenPerKg, referenceFen, pct } },
        { status: error.status },
      );
    }
    if (error instanceof AuctionError)
      return formError({ [error.field]: error.messageKey }, values, error.status);
    throw error;
  }
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auctions.new.title');

export default function NewAuction() {
  const { listing, units, settings, floor } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  // Only the reserve-floor refusal carries it; `in` leaves the other answers' member unknown, hence the type.
  const belowFloor =
    failed && 'belowFloor' in failed
      ? (failed.belowFloor as { minFenPerKg: number; referenceFen: number; pct: number })
      : null;
  const values: Record<string, string> = failed?.values ?? {};
  const available = formatQuantity(listing.quantityAvailable, listing.displayUnit, locale, {
    caseNetGrams: listing.caseNetGrams ?? undefined,
  });
  return (
    <div className="mx-auto max-w-3xl">
      <Link to={`/sell/${listing.id}/edit`} className="text-sm text-sea-700 underline">
        ← {t('auctions.new.back')}
      </Link>
      <div className="mt-2">
        <PageHeader title={`${t('auctions.new.title')} · ${listingTitle(listing, locale)}`} />
      </div>
      {listing.status !== 'live' ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
        >
          {t('auctions.errors.lotNotLive')}
        </p>
      ) : null}
      <Card>
        <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
          <div className="sm:col-span-2">
            <FormAlert error={errors.form} />
            {belowFloor ? (
              <div
                role="alert"
                className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
              >
                {t('auctions.errors.reserveFloorDetail', {
                  min: formatMoney(belowFloor.minFenPerKg, 'CNY', locale),
                  reference: formatMoney(belowFloor.referenceFen, 'CNY', locale),
                  pct: belowFloor.pct,
                })}
              </div>
            ) : null}
          </div>
          <SelectField
            name="type"
            label={t('auctions.new.type')}
            defaultValue={values.type ?? 'english'}
            error={errors.type}
            options={(['english', 'dutch', 'sealed'] as const).map((type) => ({
              value: type,
              label: t(`auctions.type.${type}`),
            }))}
          />
          <SelectField
            name="sealedPricing"
            label={t('auctions.new.sealedPricing')}
            defaultValue={values.sealedPricing ?? 'first'}
            error={errors.sealedPricing}
            options={(['first', 'second'] as const).map((p) => ({
              value: p,
              label: t(`auctions.sealed.${p}`),
            }))}
          />
          <SelectField
            name="priceUnit"
            label={t('auctions.new.priceUnit')}
            defaultValue={values.priceUnit ?? units[0]}
            error={errors.priceUnit}
            options={units.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
          />
          <Field
            name="quantity"
            label={t('auctions.new.quantity')}
            hint={t('auctions.new.quantityHint', { available })}
            defaultValue={values.quantity}
            error={errors.quantity}
            inputMode="decimal"
            required
          />
          <Field
            name="startPrice"
            label={t('auctions.new.startPrice')}
            defaultValue={values.startPrice}
            error={errors.startPrice}
            inputMode="decimal"
            required
          />
          <Field
            name="reservePrice"
            label={t('auctions.new.reservePrice')}
            hint={
              floor
                ? `${t('auctions.new.reserveHint')} ${t('auctions.new.reserveFloor', {
                    min: formatMoney(floor.minFenPerKg, 'CNY', locale),
                    reference: formatMoney(floor.referenceFen, 'CNY', locale),
                    pct: floor.pct,
                  })}`
                : t('auctions.new.reserveHint')
            }
            defaultValue={values.reservePrice}
            error={errors.reservePrice}
            inputMode="decimal"
          />
          <Field
            name="floorPrice"
            label={t('auctions.new.floorPrice')}
            hint={t('auctions.new.floorHint')}
            defaultValue={values.floorPrice}
            error={errors.floorPrice}
            inputMode="decimal"
          />
          <Field
            name="presalePrice"
            label={t('auctions.new.presalePrice')}
            hint={t('auctions.new.presaleHint')}
            defaultValue={values.presalePrice}
            error={errors.presalePrice}
            inputMode="decimal"
          />
          <Field
            name="startsInMinutes"
            label={t('auctions.new.startsIn')}
            defaultValue={values.startsInMinutes ?? '0'}
            error={errors.startsInMinutes ?? errors.startsAt}
            inputMode="decimal"
          />
          <Field
            name="durationMinutes"
            label={t('auctions.new.duration')}
            hint={t('auctions.new.durationHint')}
            defaultValue={values.durationMinutes ?? '60'}
            error={errors.durationMinutes ?? errors.duration}
            inputMode="decimal"
          />
          {settings ? (
            <p className="text-xs text-slate-500 sm:col-span-2">
              {t('auctions.new.rules', {
                softClose: settings.softCloseSeconds,
                deposit: (settings.depositBps / 100).toFixed(settings.depositBps % 100 ? 1 : 0),
              })}
            </p>
          ) : null}
          <div className="sm:col-span-2">
            <SubmitButton>{t('auctions.new.submit')}</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}
