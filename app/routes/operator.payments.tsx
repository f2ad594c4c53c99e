// The operator's payments desk (offline provider): record buyers' bank transfers and payouts to sellers, see what
// buyers owe on credit terms (ADR 0056) and the open disputes.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { FieldError, FormAlert, SubmitButton, inputClass } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { formatTime } from '~/components/notification';
import { Card, PageHeader } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketDate } from '~/lib/market-time';
import { type Currency, formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';
import { OrderError, actOnOrder, recordOfflinePayout } from '~/orders/orders.server';
import { paymentsDesk, paymentsSchema } from '~/orders/pages.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ ...(await paymentsDesk(db)), now: new Date().toISOString() });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const formData = await readFormData(request);
  const parsed = parseForm(formData, paymentsSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  const { intent, orderId, reference } = parsed.data;
  try {
    if (intent === 'record_payment') {
      await actOnOrder(
        orderId,
        { userId: viewer.user.id, parties: ['operator'] },
        { action: 'record_payment', reference },
      );
    } else {
      await recordOfflinePayout(orderId, viewer.user.id, reference);
    }
  } catch (error) {
    if (!(error instanceof OrderError)) throw error;
    // The reference field is the only one on the row; any refusal is the row's.
    return formError({ form: error.messageKey }, formValues(formData), error.status);
  }
  return redirectWithToast(
    '/operator/payments',
    intent === 'record_payment' ? 'orders.toast.record_payment' : 'orders.toast.payout',
  );
}

type RowBase = {
  id: string;
  shortId: string;
  buyerName: string;
  sellerName: string;
  titleZh: string | null;
  titleEn: string | null;
  currency: Currency;
  amountFen: number;
};

export default function OperatorPayments() {
  const { awaiting, payouts, disputes, onTerms, now } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const money = (row: RowBase) => formatMoney(row.amountFen, row.currency, locale);

  const head = (row: RowBase, amount: ReactNode, extra?: ReactNode) => (
    <div className="min-w-0">
      <p className="flex flex-wrap items-baseline gap-x-2">
        <Link to={`/orders/${row.id}`} className="font-mono text-sm font-semibold text-sea-700 underline">
          {row.shortId}
        </Link>
        <span className="min-w-0 truncate text-sm text-slate-900">{listingTitle(row, locale)}</span>
      </p>
      <p className="mt-0.5 text-xs text-slate-500">
        {row.buyerName} → {row.sellerName}
      </p>
      <p className="mt-1 text-sm font-semibold tabular-nums">{amount}</p>
      {extra}
    </div>
  );

  const referenceForm = (row: RowBase, intent: 'record_payment' | 'record_payout', label: string) => {
    const mine = failed && failed.values.orderId === row.id && failed.values.intent === intent;
    const errors = mine ? failed.errors : {};
    const id = `${intent}-${row.id}`;
    return (
      <Form method="post" className="w-full space-y-1 sm:w-auto" noValidate>
        <FormAlert error={errors.form} />
        <input type="hidden" name="orderId" value={row.id} />
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-0 flex-1 sm:w-52 sm:flex-none">
            <label htmlFor={id} className="block text-xs font-medium text-slate-600">
              {t('orders.field.reference')}
            </label>
            <input
              id={id}
              name="reference"
              autoComplete="off"
              defaultValue={mine ? failed.values.reference : undefined}
              aria-invalid={errors.reference ? true : undefined}
              aria-describedby={errors.reference ? `${id}-error` : undefined}
              className={`${inputClass} mt-0.5 py-1.5 text-sm ${errors.reference ? 'border-red-500' : 'border-slate-300'}`}
            />
          </div>
          <SubmitButton intent={intent}>{label}</SubmitButton>
        </div>
        <FieldError name={id} error={errors.reference} />
      </Form>
    );
  };

  const list = (testId: string, empty: string, items: ReactNode[]) =>
    items.length === 0 ? (
      <p className="text-sm text-slate-500">{empty}</p>
    ) : (
      <ul className="divide-y divide-slate-100" data-testid={testId}>
        {items}
      </ul>
    );
  const rowClass = 'flex flex-col gap-3 py-3 sm:flex-row sm:items-start sm:justify-between';

  return (
    <div className="space-y-6">
      <PageHeader title={t('payments.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('operator.title')}
        </Link>
      </PageHeader>
      <p className="-mt-4 text-sm text-slate-600">{t('payments.intro')}</p>

      <Card title={`${t('payments.awaiting')} (${awaiting.length})`}>
        {list(
          'awaiting-payment',
          t('payments.awaitingEmpty'),
          awaiting.map((row) => (
            <li key={row.id} className={rowClass} data-testid="payment-row" data-order-id={row.id}>
              {head(
                row,
                money(row),
                <p className="mt-0.5 text-xs text-slate-500">
                  {t('payments.payBy', { time: formatTime(row.payBy, locale) })}
                  {Date.parse(row.payBy) < Date.parse(now) ? (
                    <span className="ml-2 font-medium text-red-700">{t('payments.overdue')}</span>
                  ) : null}
                </p>,
              )}
              {referenceForm(row, 'record_payment', t('payments.recordPayment'))}
            </li>
          )),
        )}
      </Card>

      <Card title={`${t('payments.payouts')} (${payouts.length})`}>
        {list(
          'payouts-due',
          t('payments.payoutsEmpty'),
          payouts.map((row) => (
            <li key={row.id} className={rowClass} data-testid="payout-row" data-order-id={row.id}>
              {head(row, t('payments.payoutAmount', { amount: money(row) }))}
              {referenceForm(row, 'record_payout', t('payments.recordPayout'))}
            </li>
          )),
        )}
      </Card>

      <Card title={`${t('terms.desk.title')} (${onTerms.length})`}>
        {list(
          'owed-on-terms',
          t('terms.desk.empty'),
          onTerms.map((row) => (
            <li key={row.id} className={rowClass} data-testid="terms-row" data-order-id={row.id}>
              {head(
                row,
                t('terms.desk.owed', { amount: money(row) }),
                <p className="mt-0.5 text-xs text-slate-500">
                  {row.dueAt ? t('terms.dueOn', { date: marketDate(new Date(row.dueAt)) }) : null}
                  {row.overdueAt ? (
                    <span className="ml-2 font-medium text-red-700">{t('terms.overdue')}</span>
                  ) : null}
                </p>,
              )}
              <Link
                to={`/orders/${row.id}#terms-amount`}
                className="inline-flex shrink-0 items-center justify-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
              >
                {t('terms.desk.record')}
                <span className="sr-only"> {row.shortId}</span>
              </Link>
            </li>
          )),
        )}
      </Card>

      <Card title={`${t('payments.disputes')} (${disputes.length})`}>
        {list(
          'open-disputes',
          t('payments.disputesEmpty'),
          disputes.map((row) => (
            <li key={row.id} className={rowClass} data-testid="dispute-row">
              {head(
                row,
                money(row),
                <>
                  <p className="mt-1 line-clamp-2 text-sm break-words text-slate-700">{row.reason}</p>
                  <p className="mt-0.5 text-xs text-slate-500">
                    {t('payments.openedAt', { time: formatTime(row.at, locale) })}
                  </p>
                </>,
              )}
              <Link
                to={`/orders/${row.id}`}
                className="inline-flex shrink-0 items-center justify-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
              >
                {t('payments.resolve')}
              </Link>
            </li>
          )),
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'payments.title');
