// The invoice of a completed order as a printable page, for both sides of the order and operators; its
// corrections (credit note and re-issue) for the seller's owners and admins (ADR 0041).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { TableScroll } from '~/components/ui';
import { assertOrgMayAct, requireOrgRole, requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData, refusal } from '~/lib/forms.server';
import { forbidden, notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { CorrectionError, correctInvoice } from '~/orders/invoice-document.server';
import { type InvoiceParty, invoiceForViewer } from '~/orders/invoice.server';
import { mayView } from '~/orders/orders.server';
import { orderParties } from '~/orders/pages.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const locale = await resolveLocale(request);
  const documentId = new URL(request.url).searchParams.get('doc');
  const found = await invoiceForViewer(db, params.orderId ?? '', viewer, locale, documentId);
  if (!found) throw notFound();
  return json({
    invoice: found.invoice,
    documentId: found.row.id,
    history: found.history,
    mayCorrect: found.mayCorrect,
    viewingOther: Boolean(documentId),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const orderId = params.orderId ?? '';
  const order = await orderParties(db, orderId);
  if (!order || !mayView(viewer, order)) throw notFound();
  const formData = await readFormData(request);
  if (formData.get('intent') !== 'correct') return refusal('errors.badForm', 400);
  // Only the issuer corrects its slip, and only an owner or admin of it.
  if (!viewer.memberships.some((m) => m.orgId === order.sellerOrgId)) throw forbidden();
  await requireOrgRole(request, order.sellerOrgId, 'admin');
  try {
    await db.transaction(async (tx) => {
      await assertOrgMayAct(tx, order.sellerOrgId);
      await correctInvoice(tx, orderId, String(formData.get('reason') ?? ''));
    });
  } catch (error) {
    if (!(error instanceof CorrectionError)) throw error;
    if (error.status === 404) throw notFound();
    return formError({ reason: error.key }, formValues(formData), error.status);
  }
  return redirectWithToast(`/orders/${orderId}/invoice`, 'invoice.correct.done');
}

// On paper only the sheet: the site's header and footer, the toolbar and the page's tint go.
const PRINT_CSS = `
@media print {
  @page { size: A4; margin: 14mm; }
  body { background: #fff !important; }
  body > div > header, body > div > footer, body > div > a, body > div > nav { display: none !important; }
  #main { max-width: none !important; padding: 0 !important; }
  .invoice-sheet { border: 0 !important; box-shadow: none !important; padding: 0 !important; }
  .invoice-sheet table, .invoice-sheet tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

function Party({
  label,
  party,
  creditCodeLabel,
}: {
  label: string;
  party: InvoiceParty;
  creditCodeLabel: string;
}) {
  return (
    <div>
      <p className="text-xs text-slate-500">{label}</p>
      <p className="font-semibold text-slate-900">{party.name}</p>
      {party.city ? <p className="text-sm text-slate-500">{party.city}</p> : null}
      {party.legalName && party.legalName !== party.name ? (
        <p className="text-sm text-slate-700">{party.legalName}</p>
      ) : null}
      {party.creditCode ? (
        <p className="text-xs text-slate-500">
          {creditCodeLabel} <span className="font-mono">{party.creditCode}</span>
        </p>
      ) : null}
      {party.address ? <p className="text-xs text-slate-500">{party.address}</p> : null}
    </div>
  );
}

function Particular({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline gap-3 py-0.5">
      <dt className="w-20 shrink-0 text-xs text-slate-500">{label}</dt>
      <dd className="min-w-0 break-all text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function Quantity({ shown, inKg }: { shown: string; inKg?: string }) {
  return (
    <>
      <p>{shown}</p>
      {inKg ? <p className="text-xs text-slate-500">{inKg}</p> : null}
    </>
  );
}

function TotalRow({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className={`flex justify-between gap-6 py-1 ${strong ? 'text-base font-bold' : 'text-sm'}`}>
      <dt className={strong ? 'text-slate-900' : 'text-slate-600'}>{label}</dt>
      <dd className="tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}

export default function OrderInvoice() {
  const { invoice, documentId, history, mayCorrect, viewingOther } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const navigation = useNavigation();
  const correcting = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'correct';
  const credit = invoice.kind === 'credit_note';
  const docQuery = viewingOther ? `?doc=${encodeURIComponent(documentId)}` : '';
  const reasonError = failed && 'errors' in failed ? failed.errors.reason : undefined;
  const reasonValue = failed && 'values' in failed ? (failed.values.reason ?? '') : '';
  const t = useT();
  const locale = useLocale();
  const cell = 'px-2 py-2 align-top';

  return (
    <div className="mx-auto max-w-4xl">
      <style>{PRINT_CSS}</style>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3 print:hidden">
        <Link to={`/orders/${invoice.orderId}`} className="text-sm text-sea-700 underline">
          ← {t('invoice.backToOrder')}
        </Link>
        <div className="flex gap-2">
          <button
            type="button"
            onClick={() => window.print()}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            {t('invoice.print')}
          </button>
          <a
            href={`/orders/${invoice.orderId}/invoice.xml${docQuery}`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            {t('invoice.downloadXml')}
          </a>
          <a
            href={`/orders/${invoice.orderId}/invoice.pdf${docQuery}`}
            className="rounded-md bg-sea-700 px-3 py-1.5 text-sm text-white hover:bg-sea-800"
          >
            {t('invoice.downloadPdf')}
          </a>
        </div>
      </div>

      <article
        className="invoice-sheet rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-10"
        aria-labelledby="invoice-title"
      >
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <p className="text-xl font-bold text-slate-900">{invoice.seller.name}</p>
            {invoice.seller.city ? <p className="text-sm text-slate-500">{invoice.seller.city}</p> : null}
          </div>
          <div className="text-right">
            <h1
              id="invoice-title"
              className={`text-3xl font-bold ${credit ? 'text-red-700' : 'text-sea-700'} ${locale === 'en' ? '' : 'tracking-widest'}`}
            >
              {t(credit ? 'invoice.titleCredit' : 'invoice.title')}
            </h1>
            <span className="mt-1 inline-block rounded border border-sea-700 px-2 py-0.5 text-xs text-sea-700">
              {t(`invoice.copy.${invoice.copy}`)}
            </span>
          </div>
        </div>
        <hr className="my-4 border-t-2 border-sea-700" />

        <div className="grid gap-6 sm:grid-cols-2">
          <div className="space-y-3">
            <Party
              label={t('invoice.buyer')}
              party={invoice.buyer}
              creditCodeLabel={t('invoice.creditCode')}
            />
            <Party
              label={t('invoice.seller')}
              party={invoice.seller}
              creditCodeLabel={t('invoice.creditCode')}
            />
          </div>
          <dl>
            <Particular label={t('invoice.number')}>
              <span className="text-base font-bold" data-testid="invoice-number">
                {invoice.number}
              </span>
            </Particular>
            <Particular label={t('invoice.fiscalNumber')}>
              <span className="font-mono text-xs" data-testid="fiscal-number">
                {invoice.fiscalNumber}
              </span>
            </Particular>
            <Particular label={t('invoice.issuedOn')}>{invoice.issuedOn}</Particular>
            <Particular label={t('invoice.order')}>
              <span className="font-mono text-xs">{invoice.orderId}</span>
            </Particular>
            {invoice.poNumber ? (
              <Particular label={t('invoice.poNumber')}>
                <span data-testid="invoice-po-number">{invoice.poNumber}</span>
              </Particular>
            ) : null}
            <Particular label={t('invoice.currency')}>{invoice.currency}</Particular>
          </dl>
        </div>

        <TableScroll label={t('invoice.title')} className="mt-6">
          <table className="w-full min-w-[40rem] border-collapse text-sm">
            <thead>
              <tr className="border-y-2 border-sea-700 bg-sea-50 text-xs text-slate-700">
                <th className={`${cell} w-10 text-center`}>{t('invoice.col.no')}</th>
                <th className={`${cell} text-left`}>{t('invoice.col.item')}</th>
                <th className={`${cell} text-right`}>{t('invoice.col.ordered')}</th>
                <th className={`${cell} text-right`}>{t('invoice.col.delivered')}</th>
                <th className={`${cell} text-right`}>{t('invoice.col.unitPrice')}</th>
                <th className={`${cell} text-right`}>{t('invoice.col.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((line, index) => (
                <tr
                  key={line.title}
                  className="border-b border-slate-200 last:border-b-2 last:border-sea-700"
                >
                  <td className={`${cell} text-center text-slate-500`}>{index + 1}</td>
                  <td className={cell}>
                    <p className="font-medium text-slate-900">{line.title}</p>
                    {line.spec ? <p className="text-xs text-slate-500">{line.spec}</p> : null}
                  </td>
                  <td className={`${cell} whitespace-nowrap text-right tabular-nums`}>
                    <Quantity shown={line.ordered} inKg={line.inKg?.ordered} />
                  </td>
                  <td className={`${cell} whitespace-nowrap text-right tabular-nums`}>
                    <Quantity shown={line.delivered} inKg={line.inKg?.delivered} />
                  </td>
                  <td className={`${cell} whitespace-nowrap text-right tabular-nums`}>{line.unitPrice}</td>
                  <td className={`${cell} whitespace-nowrap text-right font-semibold tabular-nums`}>
                    {line.amount}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>

        <div className="mt-4 flex flex-col-reverse gap-6 sm:flex-row sm:items-start sm:justify-between">
          {invoice.totalInWords ? (
            <div>
              <p className="text-xs text-slate-500">{t('invoice.totalInWords')}</p>
              <p className="font-semibold text-slate-900">{invoice.totalInWords}</p>
            </div>
          ) : (
            <div />
          )}
          <dl className="w-full sm:w-72" data-testid="invoice-totals">
            <TotalRow label={t('invoice.goods')} value={invoice.goods} />
            {invoice.adjustment ? (
              <TotalRow label={t('invoice.adjustment')} value={invoice.adjustment} />
            ) : null}
            <TotalRow label={t('invoice.total')} value={invoice.total} strong />
            {invoice.fee ? (
              <div className="mt-1 border-t border-slate-200 pt-1">
                <TotalRow label={t('invoice.fee', { rate: invoice.fee.rate })} value={invoice.fee.amount} />
                <TotalRow label={t('invoice.net')} value={invoice.fee.net} strong />
              </div>
            ) : null}
          </dl>
        </div>

        <section className="mt-6 border-t border-slate-200 pt-3">
          <h2 className="text-sm font-semibold text-slate-900">{t('invoice.notes')}</h2>
          <ol className="mt-1 list-decimal space-y-0.5 pl-5 text-xs text-slate-600">
            {invoice.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ol>
        </section>

        <p className="mt-6 border-t border-slate-200 pt-2 text-xs text-slate-500">
          {t('app.name')} · {t('app.tagline')} · {invoice.number}
        </p>
      </article>

      {history.length > 0 || viewingOther ? (
        <section className="mt-6 print:hidden" aria-labelledby="invoice-history">
          <h2 id="invoice-history" className="text-base font-semibold text-slate-900">
            {t('invoice.history.title')}
          </h2>
          <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
            {viewingOther ? (
              <li className="px-4 py-2">
                <Link to={`/orders/${invoice.orderId}/invoice`} className="text-sea-700 underline">
                  {t('invoice.history.current')}
                </Link>
              </li>
            ) : null}
            {history.map((item) => (
              <li key={item.id} className="flex flex-wrap items-baseline gap-x-4 gap-y-1 px-4 py-2">
                <span className={item.kind === 'credit_note' ? 'font-medium text-red-700' : 'font-medium'}>
                  {t(item.kind === 'credit_note' ? 'invoice.history.creditNote' : 'invoice.history.invoice')}
                </span>
                <span className="font-mono text-xs">{item.fiscalNumber}</span>
                <span>{item.issuedOn}</span>
                <span className="tabular-nums">{item.total}</span>
                {item.reason ? <span className="text-slate-600">{item.reason}</span> : null}
                <Link
                  to={`/orders/${invoice.orderId}/invoice?doc=${encodeURIComponent(item.id)}`}
                  className="text-sea-700 underline"
                >
                  {t('invoice.history.view', { number: item.number })}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {mayCorrect && !viewingOther ? (
        <section
          className="mt-6 rounded-lg border border-slate-200 bg-white p-4 print:hidden"
          aria-labelledby="invoice-correct"
        >
          <h2 id="invoice-correct" className="text-base font-semibold text-slate-900">
            {t('invoice.correct.title')}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t('invoice.correct.help')}</p>
          <Form method="post" className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end">
            <input type="hidden" name="intent" value="correct" />
            <label className="flex-1 text-sm">
              <span className="text-slate-700">{t('invoice.correct.reason')}</span>
              <input
                name="reason"
                required
                minLength={2}
                maxLength={200}
                defaultValue={reasonValue}
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? 'reason-error' : undefined}
                className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"
              />
            </label>
            <button
              type="submit"
              disabled={correcting}
              className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"
            >
              {t('invoice.correct.submit')}
            </button>
          </Form>
          {reasonError ? (
            <p id="reason-error" role="alert" className="mt-2 text-sm text-red-700">
              {t(reasonError as 'invoice.correct.errors.reason')}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'invoice.title', data?.invoice.number);
