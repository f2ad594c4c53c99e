// Serves a dispute photo to whoever may see its order (both sides and operators); everyone else gets 404.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { storage } from '~/lib/storage.server';
import { disputeFile } from '~/orders/dispute-files.server';
import { mayView } from '~/orders/orders.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const file = await disputeFile(db, params.disputeId ?? '', params.fileId ?? '');
  // 404 rather than 403: another organisation's dispute must not reveal that it exists.
  if (!file || !mayView(viewer, file)) throw notFound();
  const stored = await storage().get(file.storageKey);
  if (!stored) throw notFound();
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Length': String(stored.bytes),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    },
  });
}
