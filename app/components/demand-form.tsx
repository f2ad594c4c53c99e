// The demand form (post and edit), and the offer form a seller quotes with and either side counters with.
import { Form } from '@remix-run/react';
import {
  Field,
  FieldError,
  FormAlert,
  SelectField,
  SubmitButton,
  TextareaField,
  inputClass,
} from '~/components/forms';
import { localName } from '~/components/listing-form';
import { Card } from '~/components/ui';
import { useLocale, useT } from '~/lib/i18n';
import { type QuantityUnit, unitLabel } from '~/lib/units';
import type { AttributeDefinition } from '~/listings/catalogue';

const COLD_CHAIN = ['ambient', 'chilled', 'frozen', 'live'] as const;

export type DemandCategory = {
  id: string;
  nameZh: string;
  nameEn: string;
  baseUnit: 'g' | 'piece';
  attributes: AttributeDefinition[];
};

export type CityOption = { id: string; nameZh: string; nameEn: string; region: string; province: string };

function quantityUnits(baseUnit: 'g' | 'piece'): QuantityUnit[] {
  return baseUnit === 'piece' ? ['piece'] : ['t', 'kg', 'jin'];
}

function priceUnits(baseUnit: 'g' | 'piece') {
  return baseUnit === 'piece' ? ['piece'] : ['jin', 'kg', 't'];
}

/** One wanted attribute: checkboxes for enum values (any of them will do), a from–to pair for numbers. */
function WantedField({
  attribute,
  values,
  errors,
}: {
  attribute: AttributeDefinition;
  values: Record<string, string>;
  errors: Record<string, string>;
}) {
  const t = useT();
  const locale = useLocale();
  const name = `spec.${attribute.key}`;
  const label = locale === 'en' ? attribute.label.en : attribute.label.zh;
  if (attribute.type === 'enum') {
    const chosen = new Set((values[name] ?? '').split(',').filter(Boolean));
    return (
      <fieldset className="sm:col-span-2" aria-describedby={`${name}-hint`}>
        <legend className="block text-sm font-medium text-slate-700">
          {label}
          <span className="ml-1 font-normal text-slate-500">({t('common.optional')})</span>
        </legend>
        <p id={`${name}-hint`} className="mt-0.5 text-xs text-slate-500">
          {t('demand.form.anyOf')}
        </p>
        <div className="mt-1 flex flex-wrap gap-2">
          {attribute.options.map((option) => (
            <label
              key={option.value}
              className="flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            >
              <input
                type="checkbox"
                name={name}
                value={option.value}
                defaultChecked={chosen.has(option.value)}
                className="size-4 rounded border-slate-300"
              />
              {locale === 'en' ? option.label.en : option.label.zh}
            </label>
          ))}
        </div>
        <FieldError name={name} error={errors[name]} />
      </fieldset>
    );
  }
  if (attribute.type === 'number') {
    const unit = attribute.unit ? ` (${attribute.unit})` : '';
    return (
      <div className="grid grid-cols-2 gap-2">
        <Field
          name={`${name}.min`}
          label={`${label}${unit} ${t('demand.form.from')}`}
          inputMode="decimal"
          required={false}
          defaultValue={values[`${name}.min`]}
          error={errors[`${name}.min`]}
        />
        <Field
          name={`${name}.max`}
          label={`${label}${unit} ${t('demand.form.to')}`}
          inputMode="decimal"
          required={false}
          defaultValue={values[`${name}.max`]}
          error={errors[`${name}.max`]}
        />
      </div>
    );
  }
  return (
    <Field name={name} label={label} required={false} defaultValue={values[name]} error={errors[name]} />
  );
}

export function DemandForm({
  category,
  cities,
  values,
  errors,
  today,
  submitLabel,
  changeCategoryHref,
}: {
  category: DemandCategory;
  cities: CityOption[];
  values: Record<string, string>;
  errors: Record<string, string>;
  today: string;
  submitLabel: string;
  changeCategoryHref?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const hasErrors = Object.keys(errors).length > 0;
  const grid = 'grid gap-4 sm:grid-cols-2';
  const provinces = [...new Set(cities.map((c) => c.province))];
  return (
    <Form method="post" noValidate className="space-y-6">
      {hasErrors ? <FormAlert error="common.formHasErrors" /> : null}
      <FormAlert error={errors.form} />
      <input type="hidden" name="categoryId" value={category.id} />
      <Card title={t('demand.form.what')}>
        <p className="mb-4 flex flex-wrap items-center gap-x-3 text-sm">
          <span className="font-medium text-slate-800">
            {t('demand.form.categoryIs', { name: localName(category, locale) })}
          </span>
          {changeCategoryHref ? (
            <a href={changeCategoryHref} className="text-sea-700 underline">
              {t('demand.form.changeCategory')}
            </a>
          ) : null}
        </p>
        <div className={grid}>
          <Field
            name="title"
            label={t('demand.form.title')}
            hint={t('demand.form.titleHint')}
            required={false}
            defaultValue={values.title}
            error={errors.title}
          />
          <span className="hidden sm:block" />
          {category.attributes.map((attribute) => (
            <WantedField key={attribute.key} attribute={attribute} values={values} errors={errors} />
          ))}
        </div>
      </Card>
      <Card title={t('demand.form.howMuch')}>
        <div className={grid}>
          <div className="grid grid-cols-[minmax(0,1fr)_7rem] gap-2">
            <Field
              name="quantity"
              label={t('demand.form.quantity')}
              inputMode="decimal"
              defaultValue={values.quantity}
              error={errors.quantity}
            />
            <SelectField
              name="unit"
              label={t('demand.form.unit')}
              defaultValue={values.unit}
              error={errors.unit}
              options={quantityUnits(category.baseUnit).map((u) => ({
                value: u,
                label: unitLabel(u, locale),
              }))}
            />
          </div>
          <div className="grid grid-cols-[minmax(0,1fr)_7rem] gap-2">
            <Field
              name="targetPrice"
              label={t('demand.form.targetPrice')}
              hint={t('demand.form.targetPriceHint')}
              inputMode="decimal"
              required={false}
              defaultValue={values.targetPrice}
              error={errors.targetPrice}
            />
            <SelectField
              name="priceUnit"
              label={t('demand.form.priceUnit')}
              defaultValue={values.priceUnit}
              error={errors.priceUnit}
              options={priceUnits(category.baseUnit).map((u) => ({
                value: u,
                label: t('listing.perUnit', { unit: unitLabel(u as QuantityUnit, locale) }),
              }))}
            />
          </div>
        </div>
      </Card>
      <Card title={t('demand.form.delivery')}>
        <div className={grid}>
          <div>
            <label htmlFor="deliveryCity" className="block text-sm font-medium text-slate-700">
              {t('demand.form.city')}
            </label>
            <select
              id="deliveryCity"
              name="deliveryCity"
              defaultValue={values.deliveryCity ?? ''}
              aria-invalid={errors.deliveryCity ? true : undefined}
              aria-describedby={errors.deliveryCity ? 'deliveryCity-error' : undefined}
              className={`${inputClass} ${errors.deliveryCity ? 'border-red-500' : 'border-slate-300'}`}
            >
              <option value="">{t('sell.form.chooseOne')}</option>
              {provinces.map((province) => (
                <optgroup key={province} label={province}>
                  {cities
                    .filter((c) => c.province === province)
                    .map((c) => (
                      <option key={c.id} value={c.id}>
                        {locale === 'en' ? c.nameEn : c.nameZh}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
            <FieldError name="deliveryCity" error={errors.deliveryCity} />
          </div>
          <Field
            name="deliverBy"
            type="date"
            label={t('demand.form.deliverBy')}
            hint={t('demand.form.deliverByHint', { today })}
            defaultValue={values.deliverBy}
            error={errors.deliverBy}
          />
          <SelectField
            name="coldChain"
            label={t('demand.form.coldChain')}
            defaultValue={values.coldChain}
            error={errors.coldChain}
            options={COLD_CHAIN.map((c) => ({ value: c, label: t(`listing.coldChain.${c}`) }))}
          />
          <SelectField
            name="visibility"
            label={t('demand.form.visibility')}
            defaultValue={values.visibility}
            error={errors.visibility}
            options={[
              { value: 'all', label: t('demand.visibility.all') },
              { value: 'verified', label: t('demand.visibility.verified') },
            ]}
          />
          <Field
            name="expiresOn"
            type="date"
            label={t('demand.form.expiresOn')}
            hint={t('demand.form.expiresOnHint')}
            required={false}
            defaultValue={values.expiresOn}
            error={errors.expiresOn}
          />
          <TextareaField
            className="sm:col-span-2"
            name="notes"
            label={t('demand.form.notes')}
            hint={t('demand.form.notesHint')}
            required={false}
            defaultValue={values.notes}
            error={errors.notes}
          />
        </div>
      </Card>
      <div className="flex justify-end">
        <SubmitButton>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}

export type LotChoice = { id: string; title: string; available: string; price: string };

/**
 * A seller's quote (with an optional backing lot and up to two more price tiers) or a counter from
 * either side (a single price). `intent` tells the action which.
 */
export function OfferForm({
  intent,
  baseUnit,
  values,
  errors,
  lots,
  version,
  submitLabel,
}: {
  intent: 'quote' | 'counter';
  baseUnit: 'g' | 'piece';
  values: Record<string, string>;
  errors: Record<string, string>;
  lots?: LotChoice[];
  version?: number;
  submitLabel: string;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Form method="post" noValidate className="space-y-4" data-testid={`${intent}-form`}>
      <FormAlert error={errors.form} />
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      {lots ? (
        <div>
          <label htmlFor="listingId" className="block text-sm font-medium text-slate-700">
            {t('demand.offer.lot')}
          </label>
          <select
            id="listingId"
            name="listingId"
            defaultValue={values.listingId ?? lots[0]?.id ?? ''}
            aria-describedby="listingId-hint"
            className={`${inputClass} ${errors.listingId ? 'border-red-500' : 'border-slate-300'}`}
          >
            {lots.map((lot) => (
              <option key={lot.id} value={lot.id}>
                {lot.title} · {lot.price} · {lot.available}
              </option>
            ))}
            <option value="">{t('demand.offer.noLot')}</option>
          </select>
          <p id="listingId-hint" className="mt-1 text-xs text-slate-500">
            {t('demand.offer.lotHint')}
          </p>
          <FieldError name="listingId" error={errors.listingId} />
        </div>
      ) : null}
      <div className="grid gap-3">
        <div className="grid grid-cols-[minmax(0,1fr)_6.5rem] gap-2">
          <Field
            name="price"
            label={t('demand.offer.price')}
            inputMode="decimal"
            defaultValue={values.price}
            error={errors.price}
          />
          <SelectField
            name="priceUnit"
            label={t('demand.form.priceUnit')}
            defaultValue={values.priceUnit}
            error={errors.priceUnit}
            options={priceUnits(baseUnit).map((u) => ({
              value: u,
              label: t('listing.perUnit', { unit: unitLabel(u as QuantityUnit, locale) }),
            }))}
          />
        </div>
        <div className="grid grid-cols-[minmax(0,1fr)_6.5rem] gap-2">
          <Field
            name="quantity"
            label={t('demand.form.quantity')}
            inputMode="decimal"
            defaultValue={values.quantity}
            error={errors.quantity}
          />
          <SelectField
            name="unit"
            label={t('demand.form.unit')}
            defaultValue={values.unit}
            error={errors.unit}
            options={quantityUnits(baseUnit).map((u) => ({ value: u, label: unitLabel(u, locale) }))}
          />
        </div>
        <Field
          name="deliverBy"
          type="date"
          label={t('demand.form.deliverBy')}
          defaultValue={values.deliverBy}
          error={errors.deliverBy}
        />
        <Field
          name="validDays"
          label={t('demand.offer.validDays')}
          hint={t('demand.offer.validDaysHint')}
          inputMode="numeric"
          defaultValue={values.validDays ?? '2'}
          error={errors.validDays}
        />
      </div>
      {intent === 'quote' ? (
        <details className="rounded-md border border-slate-200 p-3" open={Boolean(values['tiers.1.min'])}>
          <summary className="cursor-pointer text-sm font-medium text-slate-700">
            {t('demand.offer.tiers')}
          </summary>
          <p className="mt-1 text-xs text-slate-500">{t('demand.offer.tiersHint')}</p>
          {[1, 2].map((i) => (
            <div key={i} className="mt-2 grid grid-cols-2 gap-2">
              <Field
                name={`tiers.${i}.min`}
                label={t('demand.offer.tierFrom')}
                inputMode="decimal"
                required={false}
                defaultValue={values[`tiers.${i}.min`]}
                error={errors[`tiers.${i}.min`]}
              />
              <Field
                name={`tiers.${i}.price`}
                label={t('demand.offer.tierPrice')}
                inputMode="decimal"
                required={false}
                defaultValue={values[`tiers.${i}.price`]}
                error={errors[`tiers.${i}.price`]}
              />
            </div>
          ))}
        </details>
      ) : null}
      <TextareaField
        name="note"
        label={t('demand.offer.note')}
        required={false}
        rows={2}
        defaultValue={values.note}
        error={errors.note}
      />
      <SubmitButton intent={intent}>{submitLabel}</SubmitButton>
    </Form>
  );
}
