// An order on credit terms (账期, ADR 0056) on its page: net days, due date, what is paid and owed, overdue; and the
// operator's form to record a bank transfer against it (part or all of what is owed).
import { Form } from '@remix-run/react';
import { FieldError, FormAlert, SubmitButton, inputClass } from '~/components/forms';
import { Badge, Card } from '~/components/ui';
import { useLocale, useT } from '~/lib/i18n';
import { marketDate } from '~/lib/market-time';
import { type Currency, formatMoney } from '~/lib/money';

type Position = {
  netDays: number;
  dueAt: string | null;
  overdueAt: string | null;
  owedFen: number;
  paidFen: number;
};

export function TermsPanel({
  terms,
  currency,
  payment,
  values = {},
  errors = {},
}: {
  terms: Position;
  currency: Currency;
  payment: { token: string; owedFen: number } | null;
  values?: Record<string, string>;
  errors?: Record<string, string>;
}) {
  const t = useT();
  const locale = useLocale();
  const money = (fen: number) => formatMoney(fen, currency, locale);
  return (
    <Card title={t('terms.panel.title')}>
      <dl className="text-sm" data-testid="order-terms">
        <div className="flex gap-3 border-b border-slate-100 py-2">
          <dt className="w-28 shrink-0 text-slate-500 sm:w-36">{t('terms.panel.days')}</dt>
          <dd>{t('terms.days', { days: terms.netDays })}</dd>
        </div>
        <div className="flex gap-3 border-b border-slate-100 py-2">
          <dt className="w-28 shrink-0 text-slate-500 sm:w-36">{t('terms.panel.due')}</dt>
          <dd className="flex flex-wrap items-center gap-2">
            {terms.dueAt ? marketDate(new Date(terms.dueAt)) : t('terms.statement.dueAfterInvoice')}
            {terms.overdueAt && terms.owedFen > 0 ? <Badge tone="red">{t('terms.overdue')}</Badge> : null}
            {terms.dueAt && terms.owedFen === 0 ? (
              <Badge tone="green">{t('terms.panel.settled')}</Badge>
            ) : null}
          </dd>
        </div>
        <div className="flex gap-3 border-b border-slate-100 py-2">
          <dt className="w-28 shrink-0 text-slate-500 sm:w-36">{t('terms.panel.paid')}</dt>
          <dd className="tabular-nums">{money(terms.paidFen)}</dd>
        </div>
        <div className="flex gap-3 py-2">
          <dt className="w-28 shrink-0 text-slate-500 sm:w-36">{t('terms.panel.owed')}</dt>
          <dd className="font-semibold tabular-nums">{money(terms.owedFen)}</dd>
        </div>
      </dl>
      {payment ? (
        <Form method="post" className="mt-4 space-y-3 border-t border-slate-100 pt-4">
          <h3 className="text-sm font-semibold text-slate-900">{t('terms.pay.title')}</h3>
          <FormAlert error={errors.termsPayment} />
          <input type="hidden" name="token" value={payment.token} />
          <div className="grid gap-3 sm:grid-cols-2">
            <div>
              <label htmlFor="terms-amount" className="block text-sm font-medium text-slate-700">
                {t('terms.pay.amount')}
              </label>
              <input
                id="terms-amount"
                name="amount"
                inputMode="decimal"
                defaultValue={values.amount ?? String(payment.owedFen / 100)}
                aria-invalid={errors.amount ? true : undefined}
                aria-describedby="terms-amount-hint"
                className={`${inputClass} ${errors.amount ? 'border-red-500' : 'border-slate-300'}`}
              />
              <p id="terms-amount-hint" className="mt-1 text-xs text-slate-500">
                {t('terms.pay.amountHint', { owed: money(payment.owedFen) })}
              </p>
              <FieldError name="amount" error={errors.amount} />
            </div>
            <div>
              <label htmlFor="terms-reference" className="block text-sm font-medium text-slate-700">
                {t('terms.pay.reference')}
              </label>
              <input
                id="terms-reference"
                name="reference"
                maxLength={80}
                defaultValue={values.reference ?? ''}
                className={`${inputClass} border-slate-300`}
              />
            </div>
          </div>
          <SubmitButton intent="terms_payment">{t('terms.pay.submit')}</SubmitButton>
        </Form>
      ) : null}
    </Card>
  );
}
