// A document of a completed order as XML, beside the PDF: the same frozen snapshot (ADR 0041).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { resolveLocale } from '~/lib/locale.server';
import { invoiceForViewer } from '~/orders/invoice.server';
import { renderInvoiceXml } from '~/orders/invoice-xml.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const locale = await resolveLocale(request);
  const documentId = new URL(request.url).searchParams.get('doc');
  const found = await invoiceForViewer(db, params.orderId ?? '', viewer, locale, documentId);
  if (!found) throw notFound();
  const xml = renderInvoiceXml(found.document, found.row.sellerOrgId, {
    withFee: found.invoice.copy === 'seller',
  });
  return new Response(xml, {
    headers: {
      'Content-Type': 'application/xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="invoice-${found.invoice.number}.xml"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
