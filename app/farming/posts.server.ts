// Progress posts' photos: read from the post form (one image), stored in the files store, served with the public plan.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { planPosts } from '../../db/schema';
import type { FieldErrors } from '../lib/forms.server';
import { newId } from '../lib/ids';
import { type MultipartUpload, readMultipart } from '../lib/multipart.server';
import { storage } from '../lib/storage.server';

export type PostPhoto = MultipartUpload<'photo'>;

/** The post form: its text and at most one photo (JPEG, PNG or WebP, checked by its bytes). */
export function readPostMultipart(
  request: Request,
): Promise<{ fields: Record<string, string>; uploads: PostPhoto[]; errors: FieldErrors }> {
  return readMultipart(request, {
    fileFields: { photo: { max: 1, pdf: false, tooMany: 'errors.tooManyPhotos' } },
  });
}

const EXTENSION = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' };

/** Stores the photo before the post's row is written; the key is pushed to `written` so a failed step removes it. */
export async function storePostPhoto(planId: string, photo: PostPhoto, written: string[]) {
  const key = `plans/${planId}/${newId('fil')}.${EXTENSION[photo.type]}`;
  written.push(key);
  await storage().put(key, photo.bytes, photo.type);
  return { key, type: photo.type };
}

/** A post's photo (key and type), or null. */
export async function postPhoto(tx: DbOrTx, planId: string, postId: string) {
  const [row] = await tx
    .select({ key: planPosts.photoKey, type: planPosts.photoType })
    .from(planPosts)
    .where(and(eq(planPosts.id, postId), eq(planPosts.planId, planId)));
  return row?.key && row.type ? { key: row.key, type: row.type } : null;
}
