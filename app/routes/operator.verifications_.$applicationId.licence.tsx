// Serves a verification request's business licence to operators only (it is an org's private document).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { storage } from '~/lib/storage.server';
import { applicationById } from '~/trust/verification.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const app = await applicationById(db, params.applicationId ?? '');
  const stored = app ? await storage().get(app.licenceKey) : null;
  if (!app || !stored) throw notFound();
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': app.licenceType,
      'Content-Length': String(stored.bytes),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    },
  });
}
