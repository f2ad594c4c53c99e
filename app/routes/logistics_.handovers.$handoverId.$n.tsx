// Serves a hand-over photo to the order's two sides, the carrier and operators; everyone else gets 404.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { handoverPhoto } from '~/coldchain/shipment.server';
import { requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { storage } from '~/lib/storage.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const found = await handoverPhoto(db, params.handoverId ?? '', Number(params.n));
  // 404 rather than 403: another organisation's shipment must not reveal that it exists.
  const orgIds = viewer.memberships.map((m) => m.orgId);
  if (!found || !(viewer.isOperator || found.orgIds.some((id) => id && orgIds.includes(id))))
    throw notFound();
  const stored = await storage().get(found.photo.key);
  if (!stored) throw notFound();
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': found.photo.contentType,
      'Content-Length': String(stored.bytes),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    },
  });
}
