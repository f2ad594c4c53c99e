// The invoice of a completed order as a PDF download, for both sides of the order and operators.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { resolveLocale } from '~/lib/locale.server';
import { pdfLocale, renderInvoicePdf } from '~/orders/invoice-pdf.server';
import { invoiceForViewer } from '~/orders/invoice.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const locale = pdfLocale(await resolveLocale(request));
  const invoice = await invoiceForViewer(db, params.orderId ?? '', viewer, locale);
  if (!invoice) throw notFound();
  const pdf = await renderInvoicePdf(invoice);
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="invoice-${invoice.number}.pdf"`,
      'Content-Length': String(pdf.length),
      'Cache-Control': 'private, no-store',
    },
  });
}
