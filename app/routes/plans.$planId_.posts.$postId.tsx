// Serves a progress post's photo: the plan's page is public, and so are its posts.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { postPhoto } from '~/farming/posts.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { storage } from '~/lib/storage.server';

export async function loader({ params }: LoaderFunctionArgs) {
  const photo = await postPhoto(db, params.planId ?? '', params.postId ?? '');
  if (!photo) throw notFound();
  const stored = await storage().get(photo.key);
  if (!stored) throw notFound();
  return new Response(createReadableStreamFromReadable(stored.stream), {
    headers: {
      'Content-Type': photo.type,
      'Content-Length': String(stored.bytes),
      'Cache-Control': 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    },
  });
}
