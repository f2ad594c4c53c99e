// Photos and certificates of a lot: read from a multipart form with size limits, checked by their bytes, stored with thumbnails.
import { and, asc, count, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type ListingStatus, listingFiles, listings } from '../../db/schema';
import type { FieldErrors } from '../lib/forms.server';
import { afterListingChange } from './hooks.server';
import { newId } from '../lib/ids';
import { MAX_IMAGE_PIXELS, type MultipartUpload, loadSharp, readMultipart } from '../lib/multipart.server';
import { type SniffedType, storage } from '../lib/storage.server';
import { MAX_CERTIFICATES, MAX_PHOTO_BYTES, MAX_PHOTOS } from './form.server';

export type Upload = MultipartUpload<'photos' | 'certificates'>;

/** Reads a listing form that may carry photos and certificates (see readMultipart for the limits). */
export function readListingMultipart(
  request: Request,
): Promise<{ fields: Record<string, string>; uploads: Upload[]; errors: FieldErrors }> {
  return readMultipart(request, {
    maxFileBytes: MAX_PHOTO_BYTES,
    fileFields: {
      photos: { max: MAX_PHOTOS, pdf: false, tooMany: 'errors.tooManyPhotos' },
      certificates: { max: MAX_CERTIFICATES, pdf: true, tooMany: 'errors.tooManyCertificates' },
    },
  });
}

const EXTENSION: Record<SniffedType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** Checks the listing has room for these files (photos ≤ 8 and certificates ≤ 4 in all). */
export async function checkFileRoom(
  tx: DbOrTx,
  listingId: string | null,
  uploads: Upload[],
): Promise<FieldErrors> {
  const existing = { photo: 0, certificate: 0 };
  if (listingId) {
    const rows = await tx
      .select({ kind: listingFiles.kind, n: count() })
      .from(listingFiles)
      .where(eq(listingFiles.listingId, listingId))
      .groupBy(listingFiles.kind);
    for (const row of rows) existing[row.kind] = row.n;
  }
  const errors: FieldErrors = {};
  if (existing.photo + uploads.filter((u) => u.field === 'photos').length > MAX_PHOTOS)
    errors.photos = 'errors.tooManyPhotos';
  if (existing.certificate + uploads.filter((u) => u.field === 'certificates').length > MAX_CERTIFICATES)
    errors.certificates = 'errors.tooManyCertificates';
  return errors;
}

/**
 * Stores the files and their thumbnails, and records them on the listing in the caller's transaction.
 * Each key is pushed to `written` before it is stored, so the caller can remove the files when the
 * transaction does not commit.
 */
export async function attachFiles(
  tx: DbOrTx,
  listingId: string,
  uploads: Upload[],
  certificate: { type: 'inspection' | 'quality' | 'other'; number: string | null } = {
    type: 'inspection',
    number: null,
  },
  written: string[] = [],
): Promise<void> {
  const [{ n: already }] = await tx
    .select({ n: count() })
    .from(listingFiles)
    .where(and(eq(listingFiles.listingId, listingId), eq(listingFiles.kind, 'photo')));
  let position = already;
  for (const upload of uploads) {
    const id = newId('fil');
    const key = `listings/${listingId}/${id}.${EXTENSION[upload.type]}`;
    let thumbKey: string | null = null;
    // The thumbnail first: an image that fails to render leaves nothing stored (readMultipart decoded it already).
    const thumb =
      upload.type === 'application/pdf'
        ? null
        : await (await loadSharp())(upload.bytes, { limitInputPixels: MAX_IMAGE_PIXELS })
            .rotate()
            .resize(480, 360, { fit: 'cover' })
            .webp({ quality: 78 })
            .toBuffer();
    written.push(key);
    await storage().put(key, upload.bytes, upload.type);
    if (thumb) {
      thumbKey = `listings/${listingId}/${id}.thumb.webp`;
      written.push(thumbKey);
      await storage().put(thumbKey, thumb, 'image/webp');
    }
    const isPhoto = upload.field === 'photos';
    await tx.insert(listingFiles).values({
      id,
      listingId,
      kind: isPhoto ? 'photo' : 'certificate',
      storageKey: key,
      thumbKey,
      contentType: upload.type,
      bytes: upload.bytes.byteLength,
      position: isPhoto ? position++ : 0,
      certificateType: isPhoto ? null : certificate.type,
      certificateNumber: isPhoto ? null : certificate.number,
    });
  }
  if (uploads.length) await afterListingChange(tx, { listingId, kind: 'files', actorUserId: null });
}

async function readStored(key: string): Promise<Buffer | null> {
  const file = await storage().get(key);
  if (!file) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Gives a new lot copies of another lot's photos (a split or repacked part shows the same goods), in the same
 * order, each a file of its own under the new lot's key: who may see a photo follows its own lot, and either
 * lot may later drop a photo without taking the other's. A photo whose file is gone is skipped. Keys written go
 * into `written`, for the caller to remove if its transaction does not commit.
 */
export async function copyPhotos(
  tx: DbOrTx,
  fromListingId: string,
  toListingId: string,
  written: string[] = [],
): Promise<number> {
  const photos = await tx
    .select()
    .from(listingFiles)
    .where(and(eq(listingFiles.listingId, fromListingId), eq(listingFiles.kind, 'photo')))
    .orderBy(asc(listingFiles.position), asc(listingFiles.id));
  let copied = 0;
  for (const photo of photos) {
    const bytes = await readStored(photo.storageKey);
    if (!bytes) continue;
    const id = newId('fil');
    const extension = photo.storageKey.slice(photo.storageKey.lastIndexOf('.') + 1);
    const key = `listings/${toListingId}/${id}.${extension}`;
    written.push(key);
    await storage().put(key, bytes, photo.contentType);
    let thumbKey: string | null = null;
    const thumb = photo.thumbKey ? await readStored(photo.thumbKey) : null;
    if (thumb) {
      thumbKey = `listings/${toListingId}/${id}.thumb.webp`;
      written.push(thumbKey);
      await storage().put(thumbKey, thumb, 'image/webp');
    }
    await tx.insert(listingFiles).values({
      id,
      listingId: toListingId,
      kind: 'photo',
      storageKey: key,
      thumbKey,
      contentType: photo.contentType,
      bytes: bytes.byteLength,
      position: copied,
    });
    copied++;
  }
  return copied;
}

/** Removes one file of a listing (the seller's edit page). */
export async function removeFile(tx: DbOrTx, listingId: string, fileId: string): Promise<boolean> {
  const [row] = await tx
    .delete(listingFiles)
    .where(and(eq(listingFiles.id, fileId), eq(listingFiles.listingId, listingId)))
    .returning();
  if (!row) return false;
  await storage().delete(row.storageKey);
  if (row.thumbKey) await storage().delete(row.thumbKey);
  return true;
}

/**
 * The stored file or thumbnail behind a storage key (`listings/<listingId>/<file>`), with what decides
 * who may read it: the listing's state and seller. Null for a key no listing holds.
 */
export async function storedFile(
  tx: DbOrTx,
  key: string,
): Promise<{ contentType: string; status: ListingStatus; sellerOrgId: string } | null> {
  const listingId = /^listings\/([a-z0-9_]+)\/[^/]+$/.exec(key)?.[1];
  if (!listingId) return null;
  const [row] = await tx
    .select({
      contentType: listingFiles.contentType,
      thumbKey: listingFiles.thumbKey,
      status: listings.status,
      sellerOrgId: listings.sellerOrgId,
    })
    .from(listingFiles)
    .innerJoin(listings, eq(listings.id, listingFiles.listingId))
    .where(
      and(
        eq(listingFiles.listingId, listingId),
        or(eq(listingFiles.storageKey, key), eq(listingFiles.thumbKey, key)),
      ),
    )
    .limit(1);
  if (!row) return null;
  // Thumbnails are always WebP (attachFiles); the row's content type is the original's.
  return {
    contentType: key === row.thumbKey ? 'image/webp' : row.contentType,
    status: row.status,
    sellerOrgId: row.sellerOrgId,
  };
}
