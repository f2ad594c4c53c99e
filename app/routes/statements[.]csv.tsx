// The month's statement on terms as a CSV download (a resource route beside /statements).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { statementCsv } from '~/b2b/statement-docs.server';
import { statementForRequest } from '~/b2b/statement-route.server';
import { resolveLocale } from '~/lib/locale.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const { statement, titles, orgName } = await statementForRequest(request);
  const locale = await resolveLocale(request);
  return new Response(statementCsv({ statement, titles, orgName, locale }), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="statement-${statement.side}-${statement.month}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
