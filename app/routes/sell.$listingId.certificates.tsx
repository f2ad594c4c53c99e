// A lot's 承诺达标合格证: issue one in the market (prefilled from the lot), upload a scan of a paper one, revoke one.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FieldError, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { Badge, Card, PageHeader } from '~/components/ui';
import { BASES, COMMITMENTS, printedQuantity } from '~/compliance/commitments';
import {
  certificateDefaults,
  certificatesOf,
  createCertificate,
  parseCertificateForm,
  readCertificateRequest,
  revokeCertificate,
} from '~/compliance/certificates.server';
import { roleAtLeast } from '~/lib/auth.server';
import { categories, db, eq } from '~/lib/db.server';
import { type FieldErrors, formError, formValues, readFormData } from '~/lib/forms.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { marketTimeZone } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { removeStoredFiles } from '~/lib/storage.server';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, unitLabel, unitsFor } from '~/lib/units';
import { requireOwnListing } from '~/listings/sell.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { listing, membership } = await requireOwnListing(request, params.listingId ?? '', 'viewer');
  const [category] = await db.select().from(categories).where(eq(categories.id, listing.categoryId));
  const rows = await certificatesOf(db, listing.id);
  return json({
    listing: { id: listing.id, titleZh: listing.titleZh, titleEn: listing.titleEn },
    defaults: certificateDefaults(listing, category.nameZh),
    units: unitsFor(category.baseUnit).filter((u) => u !== 'case' || listing.caseNetGrams),
    mayAct: roleAtLeast(membership.role, 'trader'),
    certificates: rows.map((row) => ({
      id: row.id,
      number: row.number,
      promisingParty: row.promisingParty,
      quantity: row.quantity,
      unit: row.unit,
      source: row.source,
      issuedAt: row.issuedAt.toISOString(),
      revoked: row.revokedAt !== null,
      hasFile: row.fileKey !== null,
    })),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, listing } = await requireOwnListing(request, params.listingId ?? '', 'trader');
  const multipart = (request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data');
  const read = multipart
    ? await readCertificateRequest(request)
    : { fields: formValues(await readFormData(request)), uploads: [], errors: {} as FieldErrors };
  const { fields, uploads } = read;
  const intent = fields.intent;

  if (intent === 'revoke') {
    const revoked = await revokeCertificate(db, {
      certificateId: fields.certificateId ?? '',
      listingId: listing.id,
      orgId: listing.sellerOrgId,
    });
    if (!revoked) return formError({ form: 'compliance.errors.notRevocable' }, fields, 404);
    return redirectWithToast(`/sell/${listing.id}/certificates`, 'compliance.toast.revoked');
  }
  if (intent !== 'issue' && intent !== 'upload') return formError({ form: 'errors.chooseOne' }, fields);

  const source = intent === 'issue' ? 'issued' : 'uploaded';
  // An upload takes the lot's facts as they are; its paper carries the rest.
  const [category] = await db.select().from(categories).where(eq(categories.id, listing.categoryId));
  const input =
    source === 'issued' ? fields : { ...certificateDefaults(listing, category.nameZh), ...fields };
  const parsed = parseCertificateForm(input, source);
  const errors: FieldErrors = { ...(parsed.ok ? {} : parsed.errors), ...read.errors };
  const upload = uploads[0];
  if (source === 'uploaded' && !upload && !errors.file) errors.file = 'compliance.errors.fileRequired';
  if (!parsed.ok || Object.keys(errors).length > 0) return formError(errors, fields);

  const written: string[] = [];
  try {
    await db.transaction((tx) =>
      createCertificate(
        tx,
        {
          listing,
          actorUserId: viewer.user.id,
          value: parsed.value,
          upload: source === 'uploaded' ? upload : undefined,
        },
        written,
      ),
    );
  } catch (error) {
    await removeStoredFiles(written);
    throw error;
  }
  return redirectWithToast(
    `/sell/${listing.id}/certificates`,
    source === 'issued' ? 'compliance.toast.issued' : 'compliance.toast.uploaded',
  );
}

export default function ListingCertificates() {
  const { listing, defaults, units, mayAct, certificates } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  const sent: Record<string, string> = failed?.values ?? {};
  // Each form refills from what it sent; the other starts afresh.
  const issueValues = sent.intent === 'issue' ? sent : defaults;
  const issueErrors = sent.intent === 'issue' ? errors : {};
  const uploadValues = sent.intent === 'upload' ? sent : {};
  const uploadErrors = sent.intent === 'upload' ? errors : {};
  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: marketTimeZone() }).format(
      new Date(iso),
    );
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <Link to={`/sell/${listing.id}/edit`} className="text-sm text-sea-700 underline">
        ← {t('compliance.sell.back')}
      </Link>
      <PageHeader title={`${t('compliance.title')} · ${listingTitle(listing, locale)}`} />
      <p className="text-sm text-slate-600">{t('compliance.sell.lead')}</p>
      {sent.intent === 'revoke' ? <FormAlert error={errors.form} /> : null}

      <Card title={t('compliance.sell.list')}>
        {certificates.length ? (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="certificate-list">
            {certificates.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
                <span className="font-mono font-semibold">{c.number}</span>
                <span className="break-words">{c.promisingParty}</span>
                <span className="text-slate-500">
                  {printedQuantity(c.quantity)} {unitLabel(c.unit as QuantityUnit, locale)} ·{' '}
                  {t('compliance.lot.issuedOn', { date: date(c.issuedAt) })}
                </span>
                <Badge tone={c.source === 'issued' ? 'sea' : 'slate'}>
                  {t(`compliance.source.${c.source}` as KeyIn<'compliance.source'>)}
                </Badge>
                {c.revoked ? <Badge tone="red">{t('compliance.revoked')}</Badge> : null}
                <span className="ml-auto flex flex-wrap items-center gap-3">
                  <Link to={`/certificates/${c.id}`} className="text-sea-700 underline">
                    {t('compliance.open')}
                  </Link>
                  {mayAct && !c.revoked ? (
                    <Form method="post">
                      <input type="hidden" name="certificateId" value={c.id} />
                      <button
                        type="submit"
                        name="intent"
                        value="revoke"
                        className="text-red-700 underline"
                        aria-label={`${t('compliance.revoke')} ${c.number}`}
                      >
                        {t('compliance.revoke')}
                      </button>
                    </Form>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">{t('compliance.sell.none')}</p>
        )}
      </Card>

      {mayAct ? (
        <>
          <Card title={t('compliance.issue.title')}>
            <p className="mb-4 text-sm text-slate-600">{t('compliance.issue.lead')}</p>
            <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
              <input type="hidden" name="intent" value="issue" />
              {Object.keys(issueErrors).length ? (
                <div className="sm:col-span-2">
                  <FormAlert error="common.formHasErrors" />
                </div>
              ) : null}
              <div className="sm:col-span-2">
                <Field
                  name="productName"
                  label={t('compliance.field.productName')}
                  defaultValue={issueValues.productName}
                  error={issueErrors.productName}
                  required
                />
              </div>
              <Field
                name="quantity"
                label={t('compliance.field.quantity')}
                defaultValue={issueValues.quantity}
                error={issueErrors.quantity}
                inputMode="decimal"
                required
              />
              <SelectField
                name="unit"
                label={t('compliance.field.unit')}
                defaultValue={issueValues.unit}
                error={issueErrors.unit}
                options={units.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
              />
              <Field
                name="origin"
                label={t('compliance.field.origin')}
                defaultValue={issueValues.origin}
                error={issueErrors.origin}
                required
              />
              <Field
                name="productionDate"
                type="date"
                label={t('compliance.field.productionDate')}
                defaultValue={issueValues.productionDate}
                error={issueErrors.productionDate}
                required
              />
              <Field
                name="promisingParty"
                label={t('compliance.field.promisingParty')}
                hint={t('compliance.field.promisingPartyHint')}
                defaultValue={issueValues.promisingParty}
                error={issueErrors.promisingParty}
                required
              />
              <Field
                name="contactPhone"
                type="tel"
                label={t('compliance.field.contactPhone')}
                hint={t('compliance.field.contactPhoneHint')}
                defaultValue={issueValues.contactPhone}
                error={issueErrors.contactPhone}
                autoComplete="tel"
                required
              />
              <fieldset
                className="sm:col-span-2"
                aria-describedby={issueErrors.commitments ? 'commitments-error' : undefined}
              >
                <legend className="text-sm font-medium text-slate-700">
                  {t('compliance.field.commitments')}
                </legend>
                <div className="mt-2 space-y-2">
                  {COMMITMENTS.map((key) => (
                    <label key={key} className="flex items-start gap-2 text-sm">
                      <input
                        type="checkbox"
                        name={`commit.${key}`}
                        defaultChecked={issueValues[`commit.${key}`] === 'on'}
                        className="mt-0.5"
                      />
                      <span>{t(`compliance.commit.${key}`)}</span>
                    </label>
                  ))}
                </div>
                <FieldError name="commitments" error={issueErrors.commitments} />
              </fieldset>
              <fieldset
                className="sm:col-span-2"
                aria-describedby={issueErrors.basis ? 'basis-error' : undefined}
              >
                <legend className="text-sm font-medium text-slate-700">{t('compliance.field.basis')}</legend>
                <div className="mt-2 flex flex-wrap gap-x-5 gap-y-2">
                  {BASES.map((key) => (
                    <label key={key} className="flex items-center gap-2 text-sm">
                      <input
                        type="checkbox"
                        name={`basis.${key}`}
                        defaultChecked={issueValues[`basis.${key}`] === 'on'}
                      />
                      <span>{t(`compliance.basis.${key}`)}</span>
                    </label>
                  ))}
                </div>
                <FieldError name="basis" error={issueErrors.basis} />
              </fieldset>
              <div className="sm:col-span-2">
                <SubmitButton>{t('compliance.issue.submit')}</SubmitButton>
              </div>
            </Form>
          </Card>

          <Card title={t('compliance.upload.title')}>
            <p className="mb-4 text-sm text-slate-600">{t('compliance.upload.lead')}</p>
            <Form
              method="post"
              encType="multipart/form-data"
              className="grid gap-4 sm:grid-cols-2"
              noValidate
            >
              <input type="hidden" name="intent" value="upload" />
              <div className="sm:col-span-2">
                <label htmlFor="upload-file" className="block text-sm font-medium text-slate-700">
                  {t('compliance.upload.file')}
                </label>
                <input
                  id="upload-file"
                  name="file"
                  type="file"
                  accept="image/jpeg,image/png,image/webp,application/pdf"
                  aria-invalid={uploadErrors.file ? true : undefined}
                  aria-describedby={uploadErrors.file ? 'upload-file-error' : undefined}
                  className="mt-1 block w-full text-sm"
                />
                <FieldError name="upload-file" error={uploadErrors.file} />
              </div>
              <Field
                id="upload-promisingParty"
                name="promisingParty"
                label={t('compliance.field.promisingParty')}
                hint={t('compliance.field.promisingPartyHint')}
                defaultValue={uploadValues.promisingParty}
                error={uploadErrors.promisingParty}
                required
              />
              <Field
                id="upload-contactPhone"
                name="contactPhone"
                type="tel"
                label={t('compliance.field.contactPhone')}
                defaultValue={uploadValues.contactPhone}
                error={uploadErrors.contactPhone}
              />
              <div className="sm:col-span-2">
                <SubmitButton variant="secondary">{t('compliance.upload.submit')}</SubmitButton>
              </div>
            </Form>
          </Card>
        </>
      ) : (
        <p className="text-sm text-slate-500">{t('compliance.sell.readOnly')}</p>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'compliance.title', data?.listing.titleZh ?? undefined);
