// Edit a lot: the listing form filled from the lot, its photos and certificates, and the history of its states.
import { reasonText } from '~/listings/system-reasons';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import {
  ListingFiles,
  ListingForm,
  ListingHistory,
  StatusBadge,
  listingTitle,
} from '~/components/listing-form';
import { PageHeader } from '~/components/ui';
import { roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity } from '~/lib/units';
import { removeFile } from '~/listings/files.server';
import { marketToday } from '~/listings/form.server';
import {
  categoryView,
  listingForEdit,
  readListingRequest,
  requireOwnListing,
  saveListingForm,
  toastFor,
} from '~/listings/sell.server';
import { pageTitle } from '~/lib/meta';
import { statusReasons } from '~/trust/moderation.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { listing, membership } = await requireOwnListing(request, params.listingId ?? '', 'viewer');
  const [lot, reasons] = await Promise.all([
    listingForEdit(db, listing),
    statusReasons(db, [listing.id], await resolveLocale(request)),
  ]);
  return json({
    listing: {
      id: listing.id,
      titleZh: listing.titleZh,
      titleEn: listing.titleEn,
      status: listing.status,
      statusReason: reasons.get(listing.id) ?? null,
      displayUnit: listing.displayUnit,
      caseNetGrams: listing.caseNetGrams,
      splitFrom: listing.splitFrom,
    },
    category: categoryView(lot.category),
    values: lot.values,
    sold: lot.sold,
    files: lot.files,
    events: lot.events,
    // Removed by the operator: nothing left to change (updateListing refuses it too).
    canEdit: roleAtLeast(membership.role, 'trader') && listing.status !== 'removed',
    today: marketToday(),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, listing } = await requireOwnListing(request, params.listingId ?? '', 'trader');
  const { fields, uploads, errors } = await readListingRequest(request);
  if (fields.intent === 'remove-file') {
    const removed = await db.transaction((tx) => removeFile(tx, listing.id, fields.fileId ?? ''));
    if (!removed) throw notFound();
    return redirectWithToast(`/sell/${listing.id}/edit`, 'sell.toast.fileRemoved');
  }
  const result = await saveListingForm(db, {
    orgId: listing.sellerOrgId,
    actorUserId: viewer.user.id,
    listing,
    fields,
    uploads,
    uploadErrors: errors,
    publish: fields.intent === 'publish',
  });
  if (!result.ok) return formError(result.errors, fields, result.status);
  return redirectWithToast(
    '/sell',
    listing.status === result.status ? 'sell.toast.saved' : toastFor(result.status),
  );
}

export default function EditListing() {
  const { listing, category, values, sold, files, events, canEdit, today } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const soldText =
    sold > 0
      ? t('sell.form.sold', {
          sold: formatQuantity(sold, listing.displayUnit, locale, {
            caseNetGrams: listing.caseNetGrams ?? undefined,
          }),
        })
      : null;
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <Link to="/sell" className="text-sm text-sea-700 underline">
          ← {t('sell.edit.back')}
        </Link>
        <div className="mt-2">
          <PageHeader title={`${t('sell.edit.title')} · ${listingTitle(listing, locale)}`}>
            <StatusBadge status={listing.status} />
          </PageHeader>
        </div>
        {listing.statusReason ? (
          <p className="-mt-4 text-sm text-slate-600">
            {t('sell.edit.statusReason', { reason: reasonText(listing.statusReason, t) })}
          </p>
        ) : null}
        {canEdit ? null : <p className="text-sm text-slate-600">{t('sell.edit.readOnly')}</p>}
        {listing.splitFrom ? (
          <p className="text-sm text-slate-600">
            {t('sell.split.from')}{' '}
            <Link to={`/sell/${listing.splitFrom}/edit`} className="text-sea-700 underline">
              {listing.splitFrom}
            </Link>
          </p>
        ) : null}
        <div className="flex flex-wrap gap-x-5 gap-y-2">
          {canEdit && listing.status === 'live' ? (
            <Link to={`/sell/${listing.id}/auction`} className="text-sm text-sea-700 underline">
              {t('auctions.new.link')}
            </Link>
          ) : null}
          <Link to={`/sell/${listing.id}/label`} className="text-sm text-sea-700 underline">
            {t('sell.edit.labelLink')}
          </Link>
          <Link to={`/sell/${listing.id}/certificates`} className="text-sm text-sea-700 underline">
            {t('compliance.title')}
          </Link>
          {canEdit && ['draft', 'live', 'paused'].includes(listing.status) ? (
            <Link to={`/sell/${listing.id}/split`} className="text-sm text-sea-700 underline">
              {t('sell.split.link')}
            </Link>
          ) : null}
        </div>
      </div>
      <ListingFiles files={files} canEdit={canEdit} />
      <ListingForm
        category={category}
        values={failed?.values ?? values}
        errors={failed?.errors ?? {}}
        today={today}
        existing={{
          photos: files.filter((f) => f.kind === 'photo').length,
          certificates: files.filter((f) => f.kind === 'certificate').length,
        }}
        soldText={soldText}
        buttons={listing.status === 'draft' ? 'draft' : 'edit'}
        readOnly={!canEdit}
      />
      <ListingHistory events={events} />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sell.edit.title');
