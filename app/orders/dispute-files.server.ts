// Photos of a dispute: read with the order form, stored with the dispute row, listed and served to the order's parties.
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { disputeFiles, disputes, orders } from '../../db/schema';
import type { FieldErrors } from '../lib/forms.server';
import { newId } from '../lib/ids';
import { type MultipartUpload, readMultipart } from '../lib/multipart.server';
import { type SniffedType, storage } from '../lib/storage.server';

export const MAX_DISPUTE_PHOTOS = 4;

export type DisputePhoto = MultipartUpload<'photos'>;

/** Reads the order form posted as multipart (the dispute step): its text fields and up to 4 photos. */
export function readDisputeMultipart(
  request: Request,
): Promise<{ fields: Record<string, string>; uploads: DisputePhoto[]; errors: FieldErrors }> {
  return readMultipart(request, {
    fileFields: {
      photos: {
        max: MAX_DISPUTE_PHOTOS,
        pdf: false,
        tooMany: 'orders.errors.tooManyDisputePhotos',
        wrongType: 'orders.errors.disputePhotoType',
        tooLarge: 'orders.errors.disputePhotoTooLarge',
      },
    },
  });
}

const EXTENSION: Record<SniffedType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/**
 * Stores the photos and records them on the dispute in the caller's transaction. Each key written is
 * pushed to `written` first, so the caller can remove the files when the transaction does not commit.
 */
export async function attachDisputePhotos(
  tx: DbOrTx,
  disputeId: string,
  photos: DisputePhoto[],
  written: string[],
): Promise<void> {
  for (const photo of photos.slice(0, MAX_DISPUTE_PHOTOS)) {
    const id = newId('fil');
    const key = `disputes/${disputeId}/${id}.${EXTENSION[photo.type]}`;
    written.push(key);
    await storage().put(key, photo.bytes, photo.type);
    await tx.insert(disputeFiles).values({
      id,
      disputeId,
      storageKey: key,
      contentType: photo.type,
      bytes: photo.bytes.byteLength,
    });
  }
}

/** Removes files a transaction wrote but did not commit (app/lib/storage.server.ts). */
export { removeStoredFiles } from '../lib/storage.server';

/** The photos of a dispute, oldest first, as the order page lists them. */
export async function disputePhotos(tx: DbOrTx, disputeId: string) {
  return tx
    .select({ id: disputeFiles.id, contentType: disputeFiles.contentType, bytes: disputeFiles.bytes })
    .from(disputeFiles)
    .where(eq(disputeFiles.disputeId, disputeId))
    .orderBy(asc(disputeFiles.createdAt), asc(disputeFiles.id));
}

/** One photo of a dispute with the order's two sides, which decide who may see it; null when there is none. */
export async function disputeFile(tx: DbOrTx, disputeId: string, fileId: string) {
  const [row] = await tx
    .select({
      storageKey: disputeFiles.storageKey,
      contentType: disputeFiles.contentType,
      buyerOrgId: orders.buyerOrgId,
      sellerOrgId: orders.sellerOrgId,
    })
    .from(disputeFiles)
    .innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId))
    .innerJoin(orders, eq(orders.id, disputes.orderId))
    .where(and(eq(disputeFiles.id, fileId), eq(disputeFiles.disputeId, disputeId)));
  return row ?? null;
}
