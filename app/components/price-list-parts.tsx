// Pieces the price-list pages share: a list's validity in words, a rule's price in words, the list's form.
import { Form } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { bpsToPercentText } from '~/b2b/price-list-rules';
import type { Locale, Translate } from '~/lib/i18n';
import { useT } from '~/lib/i18n';
import { formatMoney } from '~/lib/money';
import { unitLabel } from '~/lib/units';

/** A list's validity in words: open-ended sides say so. */
export function validityText(t: Translate, from: string | null, to: string | null): string {
  if (from && to) return t('b2b.list.range', { from, to });
  if (from) return t('b2b.list.from', { date: from });
  if (to) return t('b2b.list.until', { date: to });
  return t('b2b.list.always');
}

/** A rule's price in words: "¥38.00/公斤", "阶梯价 -5%", "参考价 +3%". */
export function ruleText(
  t: Translate,
  locale: Locale,
  rule: { kind: string; priceFen: number | null; adjustBps: number | null; baseUnit: 'g' | 'piece' },
): string {
  const pct = (bps: number | null) => {
    const text = bpsToPercentText(bps ?? 0);
    return bps !== null && bps > 0 ? `+${text}` : text;
  };
  if (rule.kind === 'fixed')
    return `${formatMoney(rule.priceFen ?? 0, 'CNY', locale)}/${unitLabel(rule.baseUnit === 'g' ? 'kg' : 'piece', locale)}`;
  if (rule.kind === 'tier_pct') return t('b2b.rules.pctOfTier', { pct: pct(rule.adjustBps) });
  return t('b2b.rules.pctOfReference', { pct: pct(rule.adjustBps) });
}

/** Name, validity and on/off of a list; refills what was typed after an error. */
export function PriceListForm({
  values,
  errors,
  submitLabel,
  intent,
}: {
  values: Record<string, string | undefined>;
  errors: Record<string, string | undefined>;
  submitLabel: string;
  intent?: string;
}) {
  const t = useT();
  return (
    <Form method="post" className="space-y-4" data-testid="price-list-form">
      <Field
        name="name"
        label={t('b2b.form.name')}
        defaultValue={values.name ?? ''}
        error={errors.name}
        required
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="validFrom"
          type="date"
          label={t('b2b.form.validFrom')}
          hint={t('b2b.form.validHint')}
          defaultValue={values.validFrom ?? ''}
          error={errors.validFrom}
        />
        <Field
          name="validTo"
          type="date"
          label={t('b2b.form.validTo')}
          defaultValue={values.validTo ?? ''}
          error={errors.validTo}
        />
      </div>
      <div className="flex items-center gap-2">
        <input
          id="active"
          name="active"
          type="checkbox"
          defaultChecked={values.active === 'on' || values.active === 'true'}
          className="size-4"
        />
        <label htmlFor="active" className="text-sm text-slate-700">
          {t('b2b.form.active')}
        </label>
      </div>
      <FormAlert error={errors.form} />
      <SubmitButton intent={intent}>{submitLabel}</SubmitButton>
    </Form>
  );
}
