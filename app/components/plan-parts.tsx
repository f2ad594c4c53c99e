// Order farming on screen: a plan's status and facts, its card on the board, and the seller's plan form.
import { Form, Link } from '@remix-run/react';
import { type KeyIn, type Locale, useLocale, useT } from '~/lib/i18n';
import { type Currency, formatMoney } from '~/lib/money';
import { type QuantityUnit, formatQuantity, unitLabel } from '~/lib/units';
import type { AttributeDefinition } from '~/listings/catalogue';
import { Field, FieldError, FormAlert, SelectField, SubmitButton, TextareaField } from './forms';
import { SpecField } from './listing-form';
import { Badge } from './ui';

const PLAN_TONES = { open: 'green', closed: 'amber', harvested: 'sea', cancelled: 'red' } as const;

export function PlanStatusBadge({ status }: { status: string }) {
  const t = useT();
  const tone = PLAN_TONES[status as keyof typeof PLAN_TONES] ?? 'slate';
  return <Badge tone={tone}>{t(`farming.status.${status}` as KeyIn<'farming.status'>)}</Badge>;
}

type LatePlan = { status: string; harvestTo: string };

/** Open or closed after its harvest window ended: no harvest recorded yet (the page passes the market's today). */
export function harvestIsLate(plan: LatePlan, today: string): boolean {
  return (plan.status === 'open' || plan.status === 'closed') && plan.harvestTo < today;
}

/** The plan's status, and beside it a red flag while its harvest is late. */
export function PlanStatusBadges({ plan, today }: { plan: LatePlan; today: string }) {
  const t = useT();
  return (
    <span className="inline-flex flex-wrap gap-1">
      <PlanStatusBadge status={plan.status} />
      {harvestIsLate(plan, today) ? <Badge tone="red">{t('farming.late.badge')}</Badge> : null}
    </span>
  );
}

/** What a late harvest means, for the seller (what to do) or a buyer (what it may do). */
export function LateHarvestNotice({
  plan,
  today,
  audience,
}: {
  plan: LatePlan & { overdueSince: string | null; materialDays: number };
  today: string;
  audience: 'seller' | 'buyer';
}) {
  const t = useT();
  if (!harvestIsLate(plan, today)) return null;
  return (
    <div
      role="status"
      data-testid="plan-late"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <p>
        {t(audience === 'seller' ? 'farming.late.seller' : 'farming.late.buyer', { until: plan.harvestTo })}
      </p>
      {plan.overdueSince ? (
        <p className="mt-1">{t('farming.late.mayWithdraw', { days: plan.materialDays })}</p>
      ) : null}
    </div>
  );
}

const PRE_TONES: Record<string, 'slate' | 'green' | 'amber' | 'red' | 'sea'> = {
  pending: 'amber',
  confirmed: 'green',
  filled: 'sea',
  declined: 'red',
  withdrawn: 'slate',
  released: 'slate',
  cancelled: 'red',
  forfeited: 'red',
};

export function PreOrderStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <Badge tone={PRE_TONES[status] ?? 'slate'}>{t(`farming.pre.${status}` as KeyIn<'farming.pre'>)}</Badge>
  );
}

export type PlanFactsView = {
  categoryZh: string;
  categoryEn: string;
  grade: string;
  expectedMin: number;
  expectedMax: number;
  committed: number;
  displayUnit: string;
  harvestFrom: string;
  harvestTo: string;
  cutoffDate: string;
  priceMode: string;
  unitPriceFen: number;
  referenceAdjustBps: number;
  baseUnit: string;
  originName: string;
  originRegion: string;
  sellerName: string;
  /** The grade sold as labelled rows (the plan's page; cards leave it out). */
  specRows?: { key: string; label: { zh: string; en: string }; value: { zh: string; en: string } }[];
};

/** "¥36.00/公斤", or "参考价 −5%（预估 ¥36.00/公斤）". */
export function planPriceText(
  plan: Pick<PlanFactsView, 'priceMode' | 'unitPriceFen' | 'referenceAdjustBps' | 'baseUnit'>,
  t: ReturnType<typeof useT>,
  locale: Locale,
): string {
  const unit: QuantityUnit = plan.baseUnit === 'piece' ? 'piece' : 'kg';
  const price = `${formatMoney(plan.unitPriceFen, 'CNY' as Currency, locale)}/${unitLabel(unit, locale)}`;
  if (plan.priceMode === 'fixed') return price;
  const pct = plan.referenceAdjustBps / 100;
  return t('farming.price.reference', { adjust: `${pct >= 0 ? '+' : '−'}${Math.abs(pct)}%`, price });
}

export function PlanFacts({ plan }: { plan: PlanFactsView }) {
  const t = useT();
  const locale = useLocale();
  const unit = plan.displayUnit as QuantityUnit;
  const rows: [string, string][] = [
    [t('farming.facts.seller'), plan.sellerName],
    [t('farming.facts.category'), locale === 'en' ? plan.categoryEn : plan.categoryZh],
    ...(plan.grade ? [[t('farming.facts.grade'), plan.grade] as [string, string]] : []),
    ...(plan.specRows ?? []).map(
      (row) =>
        [locale === 'en' ? row.label.en : row.label.zh, locale === 'en' ? row.value.en : row.value.zh] as [
          string,
          string,
        ],
    ),
    [
      t('farming.facts.expected'),
      `${formatQuantity(plan.expectedMin, unit, locale)} – ${formatQuantity(plan.expectedMax, unit, locale)}`,
    ],
    [t('farming.facts.window'), `${plan.harvestFrom} – ${plan.harvestTo}`],
    [t('farming.facts.cutoff'), plan.cutoffDate],
    [t('farming.facts.price'), planPriceText(plan, t, locale)],
    [t('farming.facts.origin'), `${plan.originName}（${plan.originRegion}）`],
    [
      t('farming.facts.taken'),
      t('farming.facts.takenOf', {
        taken: formatQuantity(plan.committed, unit, locale),
        max: formatQuantity(plan.expectedMax, unit, locale),
      }),
    ],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2" data-testid="plan-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="flex gap-2">
          <dt className="shrink-0 text-slate-500">{label}</dt>
          <dd className="font-medium text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function PlanCard({ plan }: { plan: PlanFactsView & { id: string; title: string; status: string } }) {
  const t = useT();
  const locale = useLocale();
  const unit = plan.displayUnit as QuantityUnit;
  return (
    <article className="flex w-full flex-col rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-start justify-between gap-2">
        <h2 className="text-base font-semibold text-slate-900">
          <Link to={`/plans/${plan.id}`} className="hover:underline">
            {plan.title}
          </Link>
        </h2>
        <PlanStatusBadge status={plan.status} />
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {plan.sellerName} · {plan.originName}
      </p>
      <p className="mt-2 text-sm text-slate-700">
        {t('farming.card.window', { from: plan.harvestFrom, to: plan.harvestTo })}
      </p>
      <p className="text-sm text-slate-700">{planPriceText(plan, t, locale)}</p>
      <p className="mt-auto pt-2 text-sm text-slate-600">
        {t('farming.facts.takenOf', {
          taken: formatQuantity(plan.committed, unit, locale),
          max: formatQuantity(plan.expectedMax, unit, locale),
        })}
      </p>
    </article>
  );
}

type Values = Record<string, string | undefined>;

/**
 * The seller's plan form (new and edit). The category is chosen before the form (its attributes are the grade's
 * fields) and fixed after; `changeCategoryHref` only for a new plan.
 */
export function PlanForm({
  values,
  errors,
  category,
  units,
  submitLabel,
  intent,
  changeCategoryHref,
}: {
  values: Values;
  errors: Values;
  category: { id: string; name: string; attributes: AttributeDefinition[] };
  units: string[];
  submitLabel: string;
  intent?: string;
  changeCategoryHref?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const delivery = new Set((values.delivery ?? '').split(','));
  const unitOptions = units.map((u) => ({ value: u, label: unitLabel(u as QuantityUnit, locale) }));
  const field = (
    name: string,
    label: string,
    extra: { hint?: string; type?: string; inputMode?: 'decimal' } = {},
  ) => (
    <Field
      key={name}
      name={name}
      label={label}
      defaultValue={values[name]}
      error={errors[name]}
      inputMode={extra.inputMode}
      type={extra.type}
      hint={extra.hint}
    />
  );
  return (
    <Form method="post" className="space-y-5" data-testid="plan-form" noValidate>
      <FormAlert error={errors.form} />
      <input type="hidden" name="categoryId" value={category.id} />
      <p className="text-sm text-slate-700">
        {t('farming.form.category')}: <strong>{category.name}</strong>{' '}
        {changeCategoryHref ? (
          <Link to={changeCategoryHref} className="text-sea-700 underline">
            {t('sell.new.change')}
          </Link>
        ) : null}
      </p>
      <FieldError name="categoryId" error={errors.categoryId} />
      {field('title', t('farming.form.title'), { hint: t('farming.form.titleHint') })}
      {field('grade', t('farming.form.grade'), { hint: t('farming.form.gradeHint') })}
      {category.attributes.length > 0 ? (
        <fieldset className="grid gap-4 sm:grid-cols-2" data-testid="plan-spec">
          <legend className="mb-1 text-sm font-semibold text-slate-800">
            {t('farming.form.specLegend')}
          </legend>
          <p className="-mt-1 text-sm text-slate-600 sm:col-span-2">{t('farming.form.specLead')}</p>
          {category.attributes.map((attribute) => (
            <SpecField
              key={attribute.key}
              attribute={{ ...attribute, required: false }}
              value={values[`spec.${attribute.key}`]}
              error={errors[`spec.${attribute.key}`]}
            />
          ))}
        </fieldset>
      ) : null}
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold text-slate-800">
          {t('farming.form.quantityLegend')}
        </legend>
        {field('expectedMin', t('farming.form.expectedMin'), { inputMode: 'decimal' })}
        {field('expectedMax', t('farming.form.expectedMax'), { inputMode: 'decimal' })}
        <SelectField
          name="unit"
          label={t('farming.form.unit')}
          defaultValue={values.unit}
          error={errors.unit}
          options={unitOptions}
        />
        {field('minPerBuyer', t('farming.form.minPerBuyer'), { inputMode: 'decimal' })}
        {field('maxPerBuyer', t('farming.form.maxPerBuyer'), { inputMode: 'decimal' })}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold text-slate-800">{t('farming.form.datesLegend')}</legend>
        {field('harvestFrom', t('farming.form.harvestFrom'), { type: 'date' })}
        {field('harvestTo', t('farming.form.harvestTo'), { type: 'date' })}
        {field('cutoffDate', t('farming.form.cutoffDate'), { type: 'date' })}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold text-slate-800">{t('farming.form.priceLegend')}</legend>
        <SelectField
          name="priceMode"
          label={t('farming.form.priceMode')}
          defaultValue={values.priceMode}
          error={errors.priceMode}
          options={[
            { value: 'fixed', label: t('farming.form.priceFixed') },
            { value: 'reference', label: t('farming.form.priceReference') },
          ]}
        />
        {field('price', t('farming.form.price'), { inputMode: 'decimal', hint: t('farming.form.priceHint') })}
        {field('adjustPct', t('farming.form.adjustPct'), {
          inputMode: 'decimal',
          hint: t('farming.form.adjustHint'),
        })}
        {field('depositPct', t('farming.form.depositPct'), { inputMode: 'decimal' })}
        {field('forfeitPct', t('farming.form.forfeitPct'), {
          inputMode: 'decimal',
          hint: t('farming.form.forfeitHint'),
        })}
        {field('materialDays', t('farming.form.materialDays'), {
          inputMode: 'decimal',
          hint: t('farming.form.materialHint'),
        })}
      </fieldset>
      <SelectField
        name="allocation"
        label={t('farming.form.allocation')}
        defaultValue={values.allocation}
        error={errors.allocation}
        options={[
          { value: 'commitment', label: t('farming.allocation.commitment') },
          { value: 'pro_rata', label: t('farming.allocation.pro_rata') },
        ]}
      />
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">{t('farming.form.delivery')}</legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {(['pickup', 'delivery', 'coldchain'] as const).map((option) => (
            <label key={option} className="inline-flex items-center gap-2 text-sm">
              <input type="checkbox" name="delivery" value={option} defaultChecked={delivery.has(option)} />
              {t(`farming.delivery.${option}`)}
            </label>
          ))}
        </div>
        <FieldError name="delivery" error={errors.delivery} />
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        {field('originName', t('farming.form.originName'), { hint: t('farming.form.originHint') })}
        {field('originRegion', t('farming.form.originRegion'))}
      </div>
      <TextareaField
        name="notes"
        label={t('farming.form.notes')}
        defaultValue={values.notes}
        error={errors.notes}
      />
      <SubmitButton intent={intent}>{submitLabel}</SubmitButton>
    </Form>
  );
}
