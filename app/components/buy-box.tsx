// Buy now: quantity, unit and weight tolerance for a lot, with the tier price and total worked out as the buyer types.
import { Form } from '@remix-run/react';
import { useState } from 'react';
import { PO_NUMBER_MAX } from '~/b2b/po-number';
import { FieldError, FormAlert, SubmitButton, inputClass } from '~/components/forms';
import { useLocale, useT, storedKey } from '~/lib/i18n';
import { type Currency, formatMoney } from '~/lib/money';
import {
  type BaseUnit,
  type QuantityUnit,
  formatQuantity,
  fromBase,
  pricePerUnit,
  unitLabel,
} from '~/lib/units';
import { type PriceTier, quoteBuy } from '~/orders/pricing';

export type BuyBoxProps = {
  listingId: string;
  /** Unit prices in fen per kg (goods by weight) or per piece, from a minimum in base units. */
  tiers: PriceTier[];
  baseUnit: BaseUnit;
  displayUnit: QuantityUnit;
  caseNetGrams: number | null;
  minOrderQuantity: number;
  quantityAvailable: number;
  currency: Currency;
  /** After a refused order: what was typed and a message key per field. */
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** A message key saying why this viewer cannot buy; the box then shows it instead of the button. */
  blockedReason?: string | null;
  /** Hours the buyer has to pay (ORDER_PAYMENT_HOURS), for the note under the button. */
  payHours?: number;
  /** The form's one-time token (made by the loader): posting the same form twice gives one order. */
  buyToken?: string;
  /** The credit terms the lot's seller grants the buyer org (ADR 0056): the box then offers paying on terms. */
  terms?: { netDays: number; availableFen: number } | null;
};

/** The units a buyer may order in: no grams (nobody buys shrimp by the gram), cases only with a declared weight. */
export function buyUnits(baseUnit: BaseUnit, caseNetGrams: number | null): QuantityUnit[] {
  if (baseUnit === 'piece') return ['piece'];
  return caseNetGrams ? ['kg', 'jin', 't', 'case'] : ['kg', 'jin', 't'];
}

export const DEFAULT_TOLERANCE_PERCENT = '3';

export function BuyBox(props: BuyBoxProps) {
  const t = useT();
  const locale = useLocale();
  const { values = {}, errors = {} } = props;
  const units = buyUnits(props.baseUnit, props.caseNetGrams);
  const initialUnit =
    units.find((u) => u === values.unit) ?? units.find((u) => u === props.displayUnit) ?? units[0];
  const [quantity, setQuantity] = useState(values.quantity ?? '');
  const [unit, setUnit] = useState<QuantityUnit>(initialUnit);
  const byWeight = props.baseUnit === 'g';
  const unitOpts = { caseNetGrams: props.caseNetGrams ?? undefined };
  const amount = (value: number) => formatQuantity(value, unit, locale, unitOpts);
  const quote = quantity.trim() ? quoteBuy(props, quantity, unit) : null;
  const money = (fen: number) => formatMoney(fen, props.currency, locale);
  const priceUnit = byWeight ? 'kg' : 'piece';
  const action = `/orders/new?listingId=${encodeURIComponent(props.listingId)}`;

  return (
    <Form method="post" action={action} className="space-y-4" data-testid="buy-box" noValidate>
      <input type="hidden" name="listingId" value={props.listingId} />
      {props.buyToken ? <input type="hidden" name="buyToken" value={props.buyToken} /> : null}
      <FormAlert error={errors.form} />
      <div className="grid grid-cols-[minmax(0,1fr)_auto] gap-3">
        <div>
          <label htmlFor="buy-quantity" className="block text-sm font-medium text-slate-700">
            {t('orders.buy.quantity')}
          </label>
          <input
            id="buy-quantity"
            name="quantity"
            inputMode="decimal"
            autoComplete="off"
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
            placeholder={fromBase(props.minOrderQuantity, unit, unitOpts)}
            aria-invalid={errors.quantity ? true : undefined}
            aria-describedby={`buy-quantity-hint${errors.quantity ? ' quantity-error' : ''}`}
            className={`${inputClass} ${errors.quantity ? 'border-red-500' : 'border-slate-300'} tabular-nums`}
          />
        </div>
        <div>
          <label htmlFor="buy-unit" className="block text-sm font-medium text-slate-700">
            {t('orders.buy.unit')}
          </label>
          <select
            id="buy-unit"
            name="unit"
            value={unit}
            onChange={(event) => setUnit(event.target.value as QuantityUnit)}
            className={`${inputClass} border-slate-300`}
          >
            {units.map((u) => (
              <option key={u} value={u}>
                {unitLabel(u, locale)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p id="buy-quantity-hint" className="-mt-2 text-xs text-slate-500">
        {t('orders.buy.moq', { quantity: amount(props.minOrderQuantity) })} ·{' '}
        {t('orders.buy.available', { quantity: amount(props.quantityAvailable) })}
      </p>
      <FieldError name="quantity" error={errors.quantity} />

      {byWeight ? (
        <div>
          <label htmlFor="buy-tolerance" className="block text-sm font-medium text-slate-700">
            {t('orders.buy.tolerance')}
          </label>
          <input
            id="buy-tolerance"
            name="tolerancePercent"
            inputMode="decimal"
            defaultValue={values.tolerancePercent ?? DEFAULT_TOLERANCE_PERCENT}
            aria-invalid={errors.tolerancePercent ? true : undefined}
            aria-describedby="buy-tolerance-hint"
            className={`${inputClass} ${errors.tolerancePercent ? 'border-red-500' : 'border-slate-300'} max-w-32 tabular-nums`}
          />
          <p id="buy-tolerance-hint" className="mt-1 text-xs text-slate-500">
            {t('orders.buy.toleranceHint')}
          </p>
          <FieldError name="tolerancePercent" error={errors.tolerancePercent} />
        </div>
      ) : (
        <input type="hidden" name="tolerancePercent" value="0" />
      )}

      <div>
        <label htmlFor="buy-po-number" className="block text-sm font-medium text-slate-700">
          {t('orders.buy.poNumber')}
        </label>
        <input
          id="buy-po-number"
          name="poNumber"
          maxLength={PO_NUMBER_MAX}
          autoComplete="off"
          defaultValue={values.poNumber ?? ''}
          aria-invalid={errors.poNumber ? true : undefined}
          aria-describedby="buy-po-number-hint"
          className={`${inputClass} ${errors.poNumber ? 'border-red-500' : 'border-slate-300'}`}
        />
        <p id="buy-po-number-hint" className="mt-1 text-xs text-slate-500">
          {t('orders.buy.poNumberHint')}
        </p>
        <FieldError name="poNumber" error={errors.poNumber} />
      </div>

      {props.terms ? (
        <fieldset>
          <legend className="block text-sm font-medium text-slate-700">{t('terms.buy.legend')}</legend>
          <div className="mt-1 space-y-1">
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="payment" value="now" defaultChecked={values.payment !== 'terms'} />
              {t('terms.buy.now')}
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="payment" value="terms" defaultChecked={values.payment === 'terms'} />
              {t('terms.buy.terms', {
                days: props.terms.netDays,
                available: money(props.terms.availableFen),
              })}
            </label>
          </div>
          <FieldError name="payment" error={errors.payment} />
        </fieldset>
      ) : null}

      <div className="rounded-md bg-slate-50 p-3" aria-live="polite" data-testid="buy-preview">
        {quote?.ok ? (
          <dl className="space-y-1 text-sm">
            <div className="flex justify-between gap-3">
              <dt className="text-slate-600">{t('orders.buy.unitPrice')}</dt>
              <dd className="text-right tabular-nums">
                {money(quote.unitPriceFen)}/{unitLabel(priceUnit, locale)}
                {byWeight ? (
                  <span className="ml-1 text-slate-500">
                    ({money(pricePerUnit(quote.unitPriceFen, 'jin'))}/{unitLabel('jin', locale)})
                  </span>
                ) : null}
              </dd>
            </div>
            <div className="flex items-baseline justify-between gap-3">
              <dt className="text-slate-600">{t('orders.buy.total')}</dt>
              <dd className="text-xl font-bold text-red-700 tabular-nums" data-testid="buy-total">
                {money(quote.subtotalFen)}
              </dd>
            </div>
            {byWeight ? <p className="text-xs text-slate-500">{t('orders.buy.totalNote')}</p> : null}
          </dl>
        ) : quote ? (
          <p className="text-sm text-amber-800">{t(storedKey(quote.error))}</p>
        ) : (
          <p className="text-sm text-slate-500">{t('orders.buy.enterQuantity')}</p>
        )}
      </div>

      {props.blockedReason ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {t(storedKey(props.blockedReason))}
        </p>
      ) : (
        <div className="space-y-2">
          <SubmitButton>{t('orders.buy.submit')}</SubmitButton>
          {props.payHours ? (
            <p className="text-xs text-slate-500">{t('orders.buy.payNote', { count: props.payHours })}</p>
          ) : null}
          {props.terms ? (
            <p className="text-xs text-slate-500">{t('terms.buy.note', { days: props.terms.netDays })}</p>
          ) : null}
        </div>
      )}
    </Form>
  );
}
