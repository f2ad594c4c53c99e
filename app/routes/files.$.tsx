// Serves a lot's stored photo, thumbnail or certificate to whoever may see the lot; everyone else gets 404.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { getViewer } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { storage } from '~/lib/storage.server';
import { storedFile } from '~/listings/files.server';
import { PUBLIC_STATUSES } from '~/listings/listings.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const key = params['*'] ?? '';
  // Only keys a listing_files row holds reach the storage, so a crafted path never touches the disk.
  const file = await storedFile(db, key);
  if (!file) throw notFound();
  if (!PUBLIC_STATUSES.includes(file.status)) {
    const viewer = await getViewer(request);
    const allowed = viewer?.isOperator || viewer?.memberships.some((m) => m.orgId === file.sellerOrgId);
    // 404 rather than 403: a draft's files must not reveal that the draft exists.
    if (!allowed) throw notFound();
  }
  const stored = await storage().get(key);
  if (!stored) throw notFound();
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Length': String(stored.bytes),
      // Private: a lot's files stop being public when it is paused or withdrawn, so no shared cache keeps them.
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    },
  });
}
