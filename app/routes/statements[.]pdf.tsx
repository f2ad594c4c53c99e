// The month's statement on terms as an A4 PDF download (a resource route beside /statements).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { statementPdf } from '~/b2b/statement-docs.server';
import { statementForRequest } from '~/b2b/statement-route.server';
import { resolveLocale } from '~/lib/locale.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const { statement, titles, orgName } = await statementForRequest(request);
  const pdf = await statementPdf({ statement, titles, orgName, locale: await resolveLocale(request) });
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="statement-${statement.side}-${statement.month}.pdf"`,
      'Content-Length': String(pdf.length),
      'Cache-Control': 'private, no-store',
    },
  });
}
