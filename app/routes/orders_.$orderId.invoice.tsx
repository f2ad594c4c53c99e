// The invoice of a completed order as a printable page, for both sides of the order and operators.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { TableScroll } from '~/components/ui';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { pageTitle } from '~/lib/meta';
import { type InvoiceParty, invoiceForViewer } from '~/orders/invoice.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const locale = await resolveLocale(request);
  const invoice = await invoiceForViewer(db, params.orderId ?? '', viewer, locale);
  if (!invoice) throw notFound();
  return json({ invoice });
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

function Party({ label, party }: { label: string; party: InvoiceParty }) {
  return (
    <div>
      <p className="text-xs text-slate-500">{label}</p>
      <p className="font-semibold text-slate-900">{party.name}</p>
      {party.city ? <p className="text-sm text-slate-500">{party.city}</p> : null}
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
  const { invoice } = useLoaderData<typeof loader>();
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
            href={`/orders/${invoice.orderId}/invoice.pdf`}
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
              className={`text-3xl font-bold text-sea-700 ${locale === 'en' ? '' : 'tracking-widest'}`}
            >
              {t('invoice.title')}
            </h1>
            <span className="mt-1 inline-block rounded border border-sea-700 px-2 py-0.5 text-xs text-sea-700">
              {t(`invoice.copy.${invoice.copy}`)}
            </span>
          </div>
        </div>
        <hr className="my-4 border-t-2 border-sea-700" />

        <div className="grid gap-6 sm:grid-cols-2">
          <div className="space-y-3">
            <Party label={t('invoice.buyer')} party={invoice.buyer} />
            <Party label={t('invoice.seller')} party={invoice.seller} />
          </div>
          <dl>
            <Particular label={t('invoice.number')}>
              <span className="text-base font-bold" data-testid="invoice-number">
                {invoice.number}
              </span>
            </Particular>
            <Particular label={t('invoice.issuedOn')}>{invoice.issuedOn}</Particular>
            <Particular label={t('invoice.order')}>
              <span className="font-mono text-xs">{invoice.orderId}</span>
            </Particular>
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
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'invoice.title', data?.invoice.number);
