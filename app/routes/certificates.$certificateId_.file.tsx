// Serves an uploaded certificate's scan to whoever may see the certificate page (app/routes/certificates.$certificateId.tsx).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { publicCertificate } from '~/compliance/certificates.server';
import { getViewer } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { storage } from '~/lib/storage.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const found = await publicCertificate(db, params.certificateId ?? '');
  if (!found?.certificate.fileKey || !found.certificate.fileType) throw notFound();
  const { lot } = found;
  if (lot && (lot.status === 'draft' || lot.status === 'removed')) {
    const viewer = await getViewer(request);
    const allowed = viewer?.isOperator || viewer?.memberships.some((m) => m.orgId === lot.sellerOrgId);
    // 404 rather than 403: a draft's certificate must not reveal that the draft exists.
    if (!allowed) throw notFound();
  }
  const stored = await storage().get(found.certificate.fileKey);
  if (!stored) throw notFound();
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': found.certificate.fileType,
      'Content-Length': String(stored.bytes),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    },
  });
}
