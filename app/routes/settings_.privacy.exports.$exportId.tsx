// Downloads one data export: its owner only (anyone else gets 404, as if it did not exist); expired → 410.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { requireUser } from '~/lib/auth.server';
import { and, db, eq, privacyExports } from '~/lib/db.server';
import { refusal } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { storage } from '~/lib/storage.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const [row] = await db
    .select()
    .from(privacyExports)
    .where(and(eq(privacyExports.id, params.exportId ?? ''), eq(privacyExports.userId, viewer.user.id)));
  if (!row) throw notFound();
  const expired = row.status === 'expired' || (row.expiresAt !== null && row.expiresAt <= new Date());
  if (expired) throw refusal('privacy.exportExpired', 410);
  // Queued or failed: nothing to download (yet).
  if (row.status !== 'ready' || !row.fileKey) throw notFound();
  const stored = await storage().get(row.fileKey);
  if (!stored) throw notFound();
  const day = (row.readyAt ?? row.createdAt).toISOString().slice(0, 10);
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(stored.bytes),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': `attachment; filename="wharf-my-data-${day}.zip"`,
    },
  });
}
