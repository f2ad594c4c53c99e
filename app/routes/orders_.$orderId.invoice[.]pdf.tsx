// A document of a completed order as a PDF download, for both sides of the order and operators. The first
// printing of each copy and language stores its sha256; a reprint is checked against it (ADR 0041).
import { createHash } from 'node:crypto';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { resolveLocale } from '~/lib/locale.server';
import { log } from '~/lib/log.server';
import { checkPdfHash } from '~/orders/invoice-document.server';
import { invoiceFonts, pdfLocale, renderInvoicePdf } from '~/orders/invoice-pdf.server';
import { invoiceForViewer } from '~/orders/invoice.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const locale = pdfLocale(await resolveLocale(request));
  const documentId = new URL(request.url).searchParams.get('doc');
  const found = await invoiceForViewer(db, params.orderId ?? '', viewer, locale, documentId);
  if (!found) throw notFound();
  const faces = invoiceFonts();
  const pdf = await renderInvoicePdf(found.invoice, faces);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  // A different font on the machine draws different bytes: the variant names the face as well.
  const face = faces.cjk ? faces.regular.src.split('/').pop() : 'helvetica';
  const variant = `${found.invoice.copy}:${found.invoice.locale}:${face}`;
  const same = await checkPdfHash(db, found.row, variant, sha256);
  if (!same)
    log.error({ invoiceId: found.row.id, variant }, 'invoice reprint differs from its first printing');
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="invoice-${found.invoice.number}.pdf"`,
      'Content-Length': String(pdf.length),
      'Cache-Control': 'private, no-store',
      'X-Content-SHA256': sha256,
    },
  });
}
