// The seller's listing form (new lot and edit lot alike), the category step before it, and the lot's files and history.
import { reasonText } from '~/listings/system-reasons';
import { Form, Link } from '@remix-run/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import {
  Field,
  FieldError,
  FormAlert,
  SelectField,
  SubmitButton,
  TextareaField,
  inputClass,
} from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Badge, Card } from '~/components/ui';
import type { ListingStatus } from '~/lib/db.server';
import { type Locale, useLocale, useT, type KeyIn } from '~/lib/i18n';
import { type QuantityUnit, unitLabel } from '~/lib/units';
import type { AttributeDefinition } from '~/listings/catalogue';
import type { CategoryView } from '~/listings/sell.server';

const MAX_TIERS = 5;
const MAX_PHOTOS = 8;
const MAX_CERTIFICATES = 4;
const COLD_CHAIN = ['live', 'chilled', 'frozen', 'ambient'] as const;
const SALE_MODES = ['fixed', 'negotiable', 'auction'] as const;
const CERTIFICATE_TYPES = ['inspection', 'quality', 'other'] as const;

/** The lot's title in the reader's language, else the other one. */
export function listingTitle(
  lot: { titleZh: string | null; titleEn: string | null },
  locale: Locale,
): string {
  return (locale === 'en' ? (lot.titleEn ?? lot.titleZh) : (lot.titleZh ?? lot.titleEn)) ?? '';
}

export function localName(named: { nameZh: string; nameEn: string }, locale: Locale): string {
  return locale === 'en' ? named.nameEn : named.nameZh;
}

const STATUS_TONE: Record<ListingStatus, 'slate' | 'green' | 'amber' | 'red' | 'sea'> = {
  draft: 'slate',
  pending_review: 'amber',
  live: 'green',
  paused: 'amber',
  sold_out: 'sea',
  expired: 'red',
  withdrawn: 'slate',
  removed: 'red',
};

export function StatusBadge({ status }: { status: ListingStatus }) {
  const t = useT();
  return <Badge tone={STATUS_TONE[status]}>{t(`listing.status.${status}`)}</Badge>;
}

/** True once React runs in the browser; before that (and without JavaScript) the page shows every field. */
function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** Step one, a GET form so it works without JavaScript: the category decides the rest of the form. */
export function CategoryPicker({
  categories,
  selected,
  error,
}: {
  categories: Pick<CategoryView, 'id' | 'nameZh' | 'nameEn' | 'group'>[];
  selected?: string;
  error?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const groups = ['seafood', 'farm'] as const;
  return (
    <Card title={t('sell.new.step1')}>
      <p className="mb-4 text-sm text-slate-600">{t('sell.new.step1Lead')}</p>
      <Form method="get" className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <label htmlFor="category" className="block text-sm font-medium text-slate-700">
            {t('sell.new.category')}
          </label>
          <select
            id="category"
            name="category"
            defaultValue={selected ?? ''}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'category-error' : undefined}
            className={`${inputClass} ${error ? 'border-red-500' : 'border-slate-300'}`}
          >
            <option value="">{t('sell.form.chooseOne')}</option>
            {groups.map((group) => (
              <optgroup key={group} label={t(`listing.group.${group}`)}>
                {categories
                  .filter((c) => c.group === group)
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {localName(c, locale)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <FieldError name="category" error={error} />
        </div>
        <button
          type="submit"
          className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
        >
          {t('sell.new.next')}
        </button>
      </Form>
    </Card>
  );
}

function Label({
  htmlFor,
  children,
  optional,
}: {
  htmlFor: string;
  children: ReactNode;
  optional?: boolean;
}) {
  const t = useT();
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-700">
      {children}
      {optional ? <span className="ml-1 font-normal text-slate-500">({t('common.optional')})</span> : null}
    </label>
  );
}

function describedBy(name: string, hint: boolean, error?: string): string | undefined {
  return (
    [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(' ') || undefined
  );
}

function Hint({ name, children }: { name: string; children: ReactNode }) {
  return (
    <p id={`${name}-hint`} className="mt-1 text-xs text-slate-500">
      {children}
    </p>
  );
}

/** A select whose choice other fields follow (the unit decides the tier headings and the case weight). */
function ChoiceField({
  name,
  label,
  options,
  value,
  onChange,
  error,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  return (
    <div>
      <Label htmlFor={name}>{label}</Label>
      <select
        id={name}
        name={name}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, false, error)}
        className={`${inputClass} ${error ? 'border-red-500' : 'border-slate-300'}`}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError name={name} error={error} />
    </div>
  );
}

function FileField({
  name,
  label,
  hint,
  accept,
  error,
}: {
  name: string;
  label: string;
  hint: string;
  accept: string;
  error?: string;
}) {
  return (
    <div>
      <Label htmlFor={name} optional>
        {label}
      </Label>
      <input
        id={name}
        name={name}
        type="file"
        multiple
        accept={accept}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, true, error)}
        className={`mt-1 block w-full min-w-0 rounded-md border bg-white p-1.5 text-sm text-slate-700 file:mr-3 file:rounded file:border-0 file:bg-sea-50 file:px-3 file:py-1.5 file:font-medium file:text-sea-800 ${error ? 'border-red-500' : 'border-slate-300'}`}
      />
      <Hint name={name}>{hint}</Hint>
      <FieldError name={name} error={error} />
    </div>
  );
}

export function SpecField({
  attribute,
  value,
  error,
}: {
  attribute: AttributeDefinition;
  value?: string;
  error?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const name = `spec.${attribute.key}`;
  const label = locale === 'en' ? attribute.label.en : attribute.label.zh;
  if (attribute.type === 'enum')
    return (
      <SelectField
        name={name}
        label={label}
        error={error}
        defaultValue={value ?? ''}
        options={[
          { value: '', label: t('sell.form.chooseOne') },
          ...attribute.options.map((o) => ({
            value: o.value,
            label: locale === 'en' ? o.label.en : o.label.zh,
          })),
        ]}
      />
    );
  if (attribute.type === 'number')
    return (
      <Field
        name={name}
        label={attribute.unit ? `${label} (${attribute.unit})` : label}
        hint={t('sell.form.range', {
          min: attribute.min,
          max: attribute.max,
          unit: attribute.unit ? ` ${attribute.unit}` : '',
        })}
        inputMode="decimal"
        required={attribute.required ? undefined : false}
        defaultValue={value}
        error={error}
      />
    );
  return (
    <Field
      name={name}
      label={label}
      required={attribute.required ? undefined : false}
      defaultValue={value}
      error={error}
    />
  );
}

export type ListingFormProps = {
  category: CategoryView;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Today in the market's time zone: the latest harvest date. */
  today: string;
  existing: { photos: number; certificates: number };
  /** What is already sold of the lot, shown beside the quantity (edit only). */
  soldText?: string | null;
  /** new: publish or save a draft; draft: the same for a saved draft; edit: save changes. */
  buttons: 'new' | 'draft' | 'edit';
  readOnly?: boolean;
  changeCategoryHref?: string;
};

export function ListingForm({
  category,
  values,
  errors,
  today,
  existing,
  soldText,
  buttons,
  readOnly = false,
  changeCategoryHref,
}: ListingFormProps) {
  const t = useT();
  const locale = useLocale();
  const hydrated = useHydrated();
  const byPiece = category.baseUnit === 'piece';
  const [unit, setUnit] = useState<string>(values.unit || category.units[0]);
  const [priceUnit, setPriceUnit] = useState<string>(values.priceUnit || (byPiece ? 'piece' : 'kg'));
  const hasErrors = Object.keys(errors).length > 0;
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused submit the button is at the bottom and the first message may be far above it.
  useEffect(() => {
    if (Object.keys(errors).length > 0)
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  const unitText = (u: string) => unitLabel(u as QuantityUnit, locale);
  const perUnit = (u: string) => t('listing.perUnit', { unit: unitText(u) });
  const priceUnits = byPiece ? ['piece'] : ['kg', 'jin', 't'];
  // Without JavaScript the seller may switch to cases, so the case weight is always there to fill.
  const showCaseWeight = category.units.includes('case') && (!hydrated || unit === 'case');
  const grid = 'grid gap-4 sm:grid-cols-2';
  const alreadyHint = (field: 'photos' | 'certificates', max: number, count: number) =>
    [
      t(`sell.form.${field}Hint`, { max }),
      count > 0 ? t(`sell.form.${field}Already`, { count, left: Math.max(0, max - count) }) : '',
    ].join(' ');

  return (
    <Form ref={formRef} method="post" encType="multipart/form-data" noValidate>
      <fieldset disabled={readOnly} className="min-w-0 space-y-6">
        {hasErrors ? <FormAlert error="common.formHasErrors" /> : null}
        <FormAlert error={errors.form} />
        {hasErrors && !hydrated ? (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
            {t('sell.form.chooseFilesAgain')}
          </p>
        ) : null}
        <input type="hidden" name="categoryId" value={category.id} />

        <Card title={t('sell.form.product')}>
          <p className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <span className="font-medium text-slate-800">
              {t('sell.form.categoryIs', { name: localName(category, locale) })}
            </span>
            {changeCategoryHref ? (
              <Link to={changeCategoryHref} className="text-sea-700 underline">
                {t('sell.new.change')}
              </Link>
            ) : null}
          </p>
          <FieldError name="categoryId" error={errors.categoryId} />
          <div className={grid}>
            <Field
              name="titleZh"
              label={t('sell.form.titleZh')}
              hint={t('sell.form.titleHint')}
              defaultValue={values.titleZh}
              error={errors.titleZh}
            />
            <Field
              name="titleEn"
              label={t('sell.form.titleEn')}
              defaultValue={values.titleEn}
              error={errors.titleEn}
              required={false}
            />
            {category.attributes.map((attribute) => (
              <SpecField
                key={attribute.key}
                attribute={attribute}
                value={values[`spec.${attribute.key}`]}
                error={errors[`spec.${attribute.key}`]}
              />
            ))}
            {Object.keys(errors)
              .filter(
                (name) =>
                  name.startsWith('spec.') && !category.attributes.some((a) => `spec.${a.key}` === name),
              )
              .map((name) => (
                <div key={name} className="sm:col-span-2">
                  <p className="text-sm text-slate-700">{name.slice(5)}</p>
                  <FieldError name={name} error={errors[name]} />
                </div>
              ))}
            <TextareaField
              className="sm:col-span-2"
              required={false}
              name="descriptionZh"
              label={t('sell.form.descriptionZh')}
              defaultValue={values.descriptionZh}
              error={errors.descriptionZh}
            />
            <TextareaField
              className="sm:col-span-2"
              required={false}
              name="descriptionEn"
              label={t('sell.form.descriptionEn')}
              defaultValue={values.descriptionEn}
              error={errors.descriptionEn}
            />
          </div>
        </Card>

        <Card title={t('sell.form.origin')}>
          <div className={grid}>
            <Field
              name="originName"
              label={t('sell.form.originName')}
              hint={t('sell.form.originNameHint')}
              defaultValue={values.originName}
              error={errors.originName}
            />
            <Field
              name="originRegion"
              label={t('sell.form.originRegion')}
              hint={t('sell.form.originRegionHint')}
              defaultValue={values.originRegion}
              error={errors.originRegion}
              autoComplete="address-level2"
            />
            <div>
              <Label htmlFor="harvestDate">{t('sell.form.harvestDate')}</Label>
              <input
                id="harvestDate"
                name="harvestDate"
                type="date"
                max={today}
                defaultValue={values.harvestDate}
                aria-invalid={errors.harvestDate ? true : undefined}
                aria-describedby={describedBy('harvestDate', false, errors.harvestDate)}
                className={`${inputClass} ${errors.harvestDate ? 'border-red-500' : 'border-slate-300'}`}
              />
              <FieldError name="harvestDate" error={errors.harvestDate} />
            </div>
            <Field
              name="shelfLifeDays"
              label={t('sell.form.shelfLifeDays')}
              hint={t('sell.form.shelfLifeHint')}
              inputMode="numeric"
              defaultValue={values.shelfLifeDays}
              error={errors.shelfLifeDays}
            />
          </div>
        </Card>

        <Card title={t('sell.form.quantityPrice')}>
          <div className={grid}>
            <Field
              name="quantity"
              label={t('sell.form.quantity')}
              hint={soldText ?? undefined}
              inputMode="decimal"
              defaultValue={values.quantity}
              error={errors.quantity}
            />
            <ChoiceField
              name="unit"
              label={t('sell.form.unit')}
              value={unit}
              onChange={setUnit}
              error={errors.unit}
              options={category.units.map((u) => ({ value: u, label: t(`listing.unit.${u}`) }))}
            />
            {showCaseWeight ? (
              <Field
                name="caseNetKg"
                label={t('sell.form.caseNetKg')}
                hint={t('sell.form.caseNetKgHint')}
                inputMode="decimal"
                defaultValue={values.caseNetKg}
                error={errors.caseNetKg}
              />
            ) : null}
            <Field
              name="moq"
              label={t('sell.form.moq')}
              hint={t('sell.form.moqHint')}
              inputMode="decimal"
              defaultValue={values.moq}
              error={errors.moq}
            />
            <ChoiceField
              name="priceUnit"
              label={t('sell.form.priceUnit')}
              value={priceUnit}
              onChange={setPriceUnit}
              error={errors.priceUnit}
              options={priceUnits.map((u) => ({ value: u, label: perUnit(u) }))}
            />
            <SelectField
              name="saleMode"
              label={t('sell.form.saleMode')}
              defaultValue={values.saleMode || 'fixed'}
              error={errors.saleMode}
              options={SALE_MODES.map((mode) => ({ value: mode, label: t(`listing.saleMode.${mode}`) }))}
            />
          </div>
          <fieldset className="mt-6 min-w-0">
            <legend className="text-sm font-medium text-slate-700">{t('sell.form.tiers')}</legend>
            <p id="tiers-hint" className="mt-1 text-xs text-slate-500">
              {t('sell.form.tiersHint', { max: MAX_TIERS })}
            </p>
            <div className="mt-3 grid grid-cols-[auto_minmax(0,1fr)_minmax(0,1fr)] items-start gap-x-3 gap-y-2">
              <span aria-hidden />
              <span className="text-xs font-medium text-slate-500" aria-hidden>
                {t('sell.form.tierMin', { unit: unitText(unit) })}
              </span>
              <span className="text-xs font-medium text-slate-500" aria-hidden>
                {t('sell.form.tierPrice', { unit: perUnit(priceUnit) })}
              </span>
              {Array.from({ length: MAX_TIERS }, (_, i) => {
                const min = `tiers.${i}.min`;
                const price = `tiers.${i}.price`;
                return (
                  <TierRow
                    key={min}
                    n={i + 1}
                    min={{ name: min, value: values[min], error: errors[min] }}
                    price={{ name: price, value: values[price], error: errors[price] }}
                    minPlaceholder={i === 0 ? t('sell.form.fromMoq') : undefined}
                  />
                );
              })}
            </div>
          </fieldset>
        </Card>

        <Card title={t('sell.form.delivery')}>
          <div className={grid}>
            <SelectField
              name="coldChain"
              label={t('sell.form.coldChain')}
              defaultValue={values.coldChain || category.defaultColdChain}
              error={errors.coldChain}
              options={COLD_CHAIN.map((c) => ({ value: c, label: t(`listing.coldChain.${c}`) }))}
            />
            <Field
              name="pickupPlace"
              label={t('sell.form.pickupPlace')}
              hint={t('sell.form.pickupPlaceHint')}
              defaultValue={values.pickupPlace}
              error={errors.pickupPlace}
            />
          </div>
        </Card>

        <Card title={t('sell.form.files')}>
          <div className={grid}>
            <div className="sm:col-span-2">
              <FileField
                name="photos"
                label={t('sell.form.photos')}
                hint={alreadyHint('photos', MAX_PHOTOS, existing.photos)}
                accept="image/jpeg,image/png,image/webp"
                error={errors.photos}
              />
            </div>
            <div className="sm:col-span-2">
              <FileField
                name="certificates"
                label={t('sell.form.certificates')}
                hint={alreadyHint('certificates', MAX_CERTIFICATES, existing.certificates)}
                accept="image/jpeg,image/png,image/webp,application/pdf"
                error={errors.certificates}
              />
            </div>
            <SelectField
              name="certificateType"
              label={t('sell.form.certificateType')}
              defaultValue={values.certificateType || 'inspection'}
              error={errors.certificateType}
              options={CERTIFICATE_TYPES.map((c) => ({ value: c, label: t(`sell.certificateType.${c}`) }))}
            />
            <Field
              name="certificateNumber"
              label={t('sell.form.certificateNumber')}
              hint={t('sell.form.certificateNumberHint')}
              defaultValue={values.certificateNumber}
              error={errors.certificateNumber}
              required={false}
            />
          </div>
        </Card>

        {readOnly ? null : (
          <div className="space-y-2">
            <div className="flex flex-col gap-2 sm:flex-row">
              {buttons === 'edit' ? (
                <SubmitButton intent="save">{t('sell.form.save')}</SubmitButton>
              ) : (
                <>
                  {/* Publish comes first: Enter in a text field submits with the first button. */}
                  <SubmitButton intent="publish">
                    {buttons === 'new' ? t('sell.form.publish') : t('sell.form.saveAndPublish')}
                  </SubmitButton>
                  <SubmitButton intent={buttons === 'new' ? 'draft' : 'save'} variant="secondary">
                    {t('sell.form.saveDraft')}
                  </SubmitButton>
                </>
              )}
              <Link
                to="/sell"
                className="inline-flex items-center justify-center rounded-md px-4 py-2 text-sm text-slate-700 hover:bg-slate-100"
              >
                {t('common.cancel')}
              </Link>
            </div>
            {buttons === 'edit' ? null : (
              <p className="text-xs text-slate-500">{t('sell.form.publishHint')}</p>
            )}
          </div>
        )}
      </fieldset>
    </Form>
  );
}

type TierInput = { name: string; value?: string; error?: string };

function TierRow({
  n,
  min,
  price,
  minPlaceholder,
}: {
  n: number;
  min: TierInput;
  price: TierInput;
  minPlaceholder?: string;
}) {
  const t = useT();
  const input = (field: TierInput, label: string, placeholder?: string) => (
    <div className="min-w-0">
      <input
        id={field.name}
        name={field.name}
        type="text"
        inputMode="decimal"
        aria-label={label}
        placeholder={placeholder}
        defaultValue={field.value}
        aria-invalid={field.error ? true : undefined}
        aria-describedby={field.error ? `${field.name}-error` : 'tiers-hint'}
        className={`${inputClass} mt-0 ${field.error ? 'border-red-500' : 'border-slate-300'}`}
      />
      <FieldError name={field.name} error={field.error} />
    </div>
  );
  return (
    <>
      <span className="pt-2 text-sm whitespace-nowrap text-slate-600">{t('sell.form.tier', { n })}</span>
      {input(min, t('sell.form.tierMinLabel', { n }), minPlaceholder)}
      {input(price, t('sell.form.tierPriceLabel', { n }))}
    </>
  );
}

export type ListingFileView = {
  id: string;
  kind: 'photo' | 'certificate';
  url: string;
  thumbUrl: string | null;
  contentType: string;
  certificateType: string | null;
  certificateNumber: string | null;
};

/** The lot's photos and certificates, each with its own remove form (forms cannot nest in the main one). */
export function ListingFiles({ files, canEdit }: { files: ListingFileView[]; canEdit: boolean }) {
  const t = useT();
  const photos = files.filter((f) => f.kind === 'photo');
  const certificates = files.filter((f) => f.kind === 'certificate');
  const item = (file: ListingFileView, name: string) => (
    <li key={file.id} className="flex flex-col gap-2 rounded-md border border-slate-200 p-2">
      <a href={file.url} target="_blank" rel="noreferrer" className="block">
        {file.thumbUrl ? (
          <img
            src={file.thumbUrl}
            alt={name}
            width={480}
            height={360}
            loading="lazy"
            className="aspect-[4/3] w-full rounded object-cover"
          />
        ) : (
          <span className="flex aspect-[4/3] w-full items-center justify-center rounded bg-slate-100 text-sm font-semibold text-slate-600">
            PDF
          </span>
        )}
      </a>
      <div className="flex items-center justify-between gap-2 text-xs text-slate-600">
        <span className="min-w-0 truncate">
          {name}
          {file.certificateType
            ? ` · ${t(`sell.certificateType.${file.certificateType}` as KeyIn<'sell.certificateType'>)}`
            : ''}
          {file.certificateNumber ? ` · ${file.certificateNumber}` : ''}
        </span>
        {canEdit ? (
          <Form method="post" className="shrink-0">
            <input type="hidden" name="fileId" value={file.id} />
            <button
              type="submit"
              name="intent"
              value="remove-file"
              aria-label={t('sell.edit.removeLabel', { name })}
              className="rounded border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50"
            >
              {t('sell.edit.remove')}
            </button>
          </Form>
        ) : null}
      </div>
    </li>
  );
  return (
    <Card title={t('sell.edit.files')}>
      {files.length === 0 ? (
        <p className="text-sm text-slate-600">{t('sell.edit.noFiles')}</p>
      ) : (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="listing-files">
          {photos.map((file, i) => item(file, t('sell.edit.photo', { n: i + 1 })))}
          {certificates.map((file, i) => item(file, t('sell.edit.certificate', { n: i + 1 })))}
        </ul>
      )}
    </Card>
  );
}

export type ListingEventView = {
  id: string;
  at: string;
  fromStatus: ListingStatus | null;
  toStatus: ListingStatus;
  reason: string | null;
  actorName: string | null;
};

/** Every change of the lot's state, newest first: when, who, from → to, and why. */
export function ListingHistory({ events }: { events: ListingEventView[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Card title={t('sell.edit.history')}>
      <ol className="divide-y divide-slate-100 text-sm" data-testid="listing-history">
        {events.map((event) => (
          <li key={event.id} className="flex flex-col gap-1 py-2 sm:flex-row sm:items-center sm:gap-4">
            <time dateTime={event.at} className="shrink-0 text-slate-500 sm:w-44">
              {formatTime(event.at, locale)}
            </time>
            <span className="shrink-0 font-medium text-slate-800 sm:w-28">
              {event.actorName ?? t('sell.edit.system')}
            </span>
            <span className="flex flex-wrap items-center gap-1">
              {event.fromStatus ? (
                <StatusBadge status={event.fromStatus} />
              ) : (
                <Badge>{t('sell.edit.created')}</Badge>
              )}
              <span aria-hidden>→</span>
              <StatusBadge status={event.toStatus} />
            </span>
            {event.reason ? <span className="text-slate-600">{reasonText(event.reason, t)}</span> : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}
