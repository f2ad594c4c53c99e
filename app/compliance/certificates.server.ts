// 承诺达标合格证 (issue #16.2, ADR 0044): issuing one for a lot or recording an uploaded scan, the certificate a split
// lot inherits, the go-live rule of categories that require one, the public certificate, and retention.
import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, hotRead } from '../../db/client';
import {
  type ComplianceCertificate,
  type Listing,
  categories,
  certificateCounters,
  complianceCertificates,
  listings,
} from '../../db/schema';
import type { FieldErrors } from '../lib/forms.server';
import { newId } from '../lib/ids';
import { marketDate, marketToday } from '../lib/market-time';
import { type MultipartUpload, readMultipart } from '../lib/multipart.server';
import { type SniffedType, storage } from '../lib/storage.server';
import { type QuantityUnit, fromBase } from '../lib/units';
import { BASES, COMMITMENTS } from './commitments';

const UNITS = ['kg', 'jin', 't', 'case', 'piece', 'g'] as const satisfies readonly QuantityUnit[];
/** The shortest time a certificate is kept after its issue, its lot's expiry or its revocation. */
export const RETENTION_MONTHS = 6;

/** The next number of the year, e.g. HG-2026-000123: one row per year, incremented under its row lock. */
async function nextNumber(tx: DbOrTx, at: Date): Promise<string> {
  const year = Number(marketDate(at).slice(0, 4));
  const [row] = await tx
    .insert(certificateCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({
      target: certificateCounters.year,
      set: { last: sql`${certificateCounters.last} + 1` },
    })
    .returning({ last: certificateCounters.last });
  return `HG-${year}-${String(row.last).padStart(6, '0')}`;
}

/** The lot's facts as the certificate form starts: product, its whole quantity, origin and harvest date. */
export function certificateDefaults(
  listing: Pick<
    Listing,
    | 'titleZh'
    | 'titleEn'
    | 'quantityTotal'
    | 'displayUnit'
    | 'caseNetGrams'
    | 'originName'
    | 'originRegion'
    | 'harvestDate'
  >,
  categoryName: string,
): Record<string, string> {
  return {
    productName: listing.titleZh || listing.titleEn || categoryName,
    quantity: fromBase(listing.quantityTotal, listing.displayUnit, {
      caseNetGrams: listing.caseNetGrams ?? undefined,
    }),
    unit: listing.displayUnit,
    origin: `${listing.originRegion}${listing.originName}`,
    productionDate: listing.harvestDate,
  };
}

const text = (max: number) =>
  z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(max, 'errors.tooLong');

const lotSchema = z.object({
  productName: text(100),
  quantity: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .regex(/^\d{1,10}(\.\d{1,3})?$/, 'errors.notANumber')
    .refine((v) => Number(v) > 0, 'errors.mustBePositive'),
  unit: z.enum(UNITS, { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  origin: text(100),
  productionDate: z
    .string({ required_error: 'errors.required' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'errors.dateInvalid')
    // A calendar day that exists: 2026-02-31 does not round-trip.
    .refine((v) => {
      const day = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === v;
    }, 'errors.dateInvalid'),
  promisingParty: text(60),
});

/** A mobile (11 digits from 1) or a fixed line with its area code, as printed on the certificate. */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export type CertificateInput = z.infer<typeof lotSchema> & {
  contactPhone: string | null;
  commitments: string[];
  basis: string[];
};

/**
 * Validates the certificate form. Ticks arrive as `commit.<key>` and `basis.<key>` fields. An issued
 * certificate needs a contact and every promise; an uploaded scan carries those on its paper.
 */
export function parseCertificateForm(
  fields: Record<string, string>,
  source: 'issued' | 'uploaded',
  today = marketToday(),
): { ok: true; value: CertificateInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const parsed = lotSchema.safeParse(fields);
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  if (!errors.productionDate && (fields.productionDate ?? '') > today)
    errors.productionDate = 'compliance.errors.futureDate';
  const phone = (fields.contactPhone ?? '').replace(/\s+/g, '');
  if (source === 'issued' && !phone) errors.contactPhone = 'errors.required';
  else if (phone && !PHONE.test(phone)) errors.contactPhone = 'compliance.errors.phone';
  const commitments = COMMITMENTS.filter((key) => fields[`commit.${key}`] === 'on');
  const basis = BASES.filter((key) => fields[`basis.${key}`] === 'on');
  if (source === 'issued' && commitments.length < COMMITMENTS.length)
    errors.commitments = 'compliance.errors.commitAll';
  if (source === 'issued' && basis.length === 0) errors.basis = 'compliance.errors.basis';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { ...parsed.data, contactPhone: phone || null, commitments, basis } };
}

export type CertificateUpload = MultipartUpload<'file'>;

/** The certificate form, which may carry one scan (an image or a PDF, up to 8 MB). */
export function readCertificateRequest(request: Request) {
  return readMultipart(request, {
    fileFields: { file: { max: 1, pdf: true, tooMany: 'compliance.errors.oneFile' } },
  });
}

const EXTENSION: Record<SniffedType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/**
 * Records a certificate for the seller's lot: issued in the market, or a scan of a paper one (`upload`).
 * The scan is stored first and its key pushed to `written`, so a caller whose transaction fails removes it.
 */
export async function createCertificate(
  tx: DbOrTx,
  input: {
    listing: Pick<Listing, 'id' | 'sellerOrgId'>;
    actorUserId: string;
    value: CertificateInput;
    upload?: CertificateUpload;
    now?: Date;
  },
  written: string[] = [],
): Promise<ComplianceCertificate> {
  const now = input.now ?? new Date();
  const id = newId('crt');
  let fileKey: string | null = null;
  if (input.upload) {
    fileKey = `certificates/${input.listing.id}/${id}.${EXTENSION[input.upload.type]}`;
    written.push(fileKey);
    await storage().put(fileKey, input.upload.bytes, input.upload.type);
  }
  const [row] = await tx
    .insert(complianceCertificates)
    .values({
      id,
      number: await nextNumber(tx, now),
      listingId: input.listing.id,
      orgId: input.listing.sellerOrgId,
      ...input.value,
      source: input.upload ? 'uploaded' : 'issued',
      fileKey,
      fileType: input.upload?.type ?? null,
      issuedAt: now,
      createdBy: input.actorUserId,
    })
    .returning();
  return row;
}

/** Revokes one of the organisation's certificates; false when it has none by that id or it is revoked already. */
export async function revokeCertificate(
  tx: DbOrTx,
  input: { certificateId: string; listingId: string; orgId: string },
): Promise<boolean> {
  const rows = await tx
    .update(complianceCertificates)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(complianceCertificates.id, input.certificateId),
        eq(complianceCertificates.listingId, input.listingId),
        eq(complianceCertificates.orgId, input.orgId),
        isNull(complianceCertificates.revokedAt),
      ),
    )
    .returning({ id: complianceCertificates.id });
  return rows.length > 0;
}

/** A lot's certificates, newest first. */
export function certificatesOf(tx: DbOrTx, listingId: string) {
  return tx
    .select()
    .from(complianceCertificates)
    .where(eq(complianceCertificates.listingId, listingId))
    .orderBy(desc(complianceCertificates.issuedAt), desc(complianceCertificates.id));
}

/** The certificate a lot carries now: its newest unrevoked one, or null. */
export async function currentCertificate(tx: DbOrTx, listingId: string) {
  const [row] = await currentCertificateOfLot(tx, { listingId });
  return row ?? null;
}

// Read by every lot page (issue #22, `ssr-lot`): prepared once per pool.
const currentCertificateOfLot = hotRead('current_certificate_of_lot', (tx) =>
  tx
    .select()
    .from(complianceCertificates)
    .where(
      and(
        eq(complianceCertificates.listingId, sql.placeholder('listingId')),
        isNull(complianceCertificates.revokedAt),
      ),
    )
    .orderBy(desc(complianceCertificates.issuedAt), desc(complianceCertificates.id))
    .limit(1),
);

/** The message a lot gets when it may not go live without a certificate (a 409 in every path). */
export const CERTIFICATE_REQUIRED = 'compliance.errors.requiredToGoLive';

/** What a lot's page says of its certificate: number, promising party and the market day it was issued. */
export async function complianceSummary(tx: DbOrTx, listingId: string) {
  const current = await currentCertificate(tx, listingId);
  if (!current) return null;
  return {
    id: current.id,
    number: current.number,
    promisingParty: current.promisingParty,
    issuedOn: marketDate(current.issuedAt),
  };
}

/**
 * Whether a lot may not go live: its category requires a certificate and the lot (null: one not saved yet)
 * has no unrevoked one. Every path that sets a lot live asks (app/listings/listings.server.ts).
 */
export async function lacksRequiredCertificate(
  tx: DbOrTx,
  categoryId: string,
  listingId: string | null,
): Promise<boolean> {
  const [category] = await tx
    .select({ required: categories.certificateRequired })
    .from(categories)
    .where(eq(categories.id, categoryId));
  if (!category?.required) return false;
  return !(listingId && (await currentCertificate(tx, listingId)));
}

/**
 * A lot split or repacked from another: when the source carries a certificate, the new lot gets its own, a
 * copy of the source's promise for the new lot's quantity, whose parent is the source's. Null when the
 * source has none. Called by whatever splits a lot, inside its transaction.
 */
export async function certifySplitLot(
  tx: DbOrTx,
  input: { sourceListingId: string; newListingId: string; actorUserId: string | null; now?: Date },
): Promise<ComplianceCertificate | null> {
  const parent = await currentCertificate(tx, input.sourceListingId);
  if (!parent) return null;
  const [lot] = await tx.select().from(listings).where(eq(listings.id, input.newListingId));
  if (!lot) throw new Error(`split lot ${input.newListingId} not found`);
  const now = input.now ?? new Date();
  const [row] = await tx
    .insert(complianceCertificates)
    .values({
      id: newId('crt'),
      number: await nextNumber(tx, now),
      listingId: lot.id,
      orgId: lot.sellerOrgId,
      productName: parent.productName,
      quantity: fromBase(lot.quantityTotal, lot.displayUnit, { caseNetGrams: lot.caseNetGrams ?? undefined }),
      unit: lot.displayUnit,
      origin: parent.origin,
      productionDate: parent.productionDate,
      promisingParty: parent.promisingParty,
      contactPhone: parent.contactPhone,
      commitments: parent.commitments,
      basis: parent.basis,
      // The scan stays the parent's: the child names its quantity, the parent's paper the promise.
      source: parent.source,
      fileKey: parent.fileKey,
      fileType: parent.fileType,
      parentId: parent.id,
      issuedAt: now,
      createdBy: input.actorUserId,
    })
    .returning();
  return row;
}

/**
 * The public certificate page's data: the certificate with its lot's trace path facts, or null when there is
 * none by that id or its lot is not public (a draft's certificate stays with the seller).
 */
export async function publicCertificate(tx: DbOrTx, certificateId: string) {
  const [row] = await tx
    .select({
      certificate: complianceCertificates,
      lot: {
        id: listings.id,
        categoryId: listings.categoryId,
        status: listings.status,
        sellerOrgId: listings.sellerOrgId,
      },
    })
    .from(complianceCertificates)
    .leftJoin(listings, eq(listings.id, complianceCertificates.listingId))
    .where(eq(complianceCertificates.id, certificateId));
  return row ?? null;
}

/**
 * Deletes certificates past retention: six months after the latest of their issue, their revocation and
 * their lot's expiry (a lot still on sale keeps its certificate). Returns how many rows went and the scans no
 * remaining row names, which the caller deletes once its transaction has committed: deleting them here, inside
 * it, left rows naming missing files whenever the transaction rolled back. The retention job calls it; the
 * trigger refuses anything younger anyway.
 */
export async function purgeExpiredCertificates(
  db: DbOrTx,
  now = new Date(),
): Promise<{ deleted: number; unreferencedFiles: string[] }> {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - RETENTION_MONTHS);
  const expired = await db
    .select({ id: complianceCertificates.id, fileKey: complianceCertificates.fileKey })
    .from(complianceCertificates)
    .leftJoin(listings, eq(listings.id, complianceCertificates.listingId))
    .where(
      and(
        lt(complianceCertificates.issuedAt, cutoff),
        sql`coalesce(${complianceCertificates.revokedAt}, ${complianceCertificates.issuedAt}) < ${cutoff.toISOString()}::timestamptz`,
        sql`(${listings.id} is null or ${listings.expiresAt} < ${cutoff.toISOString()}::timestamptz)`,
      ),
    );
  if (expired.length === 0) return { deleted: 0, unreferencedFiles: [] };
  const ids = expired.map((row) => row.id);
  // Children first would not matter: their parent link falls to null, which the trigger allows.
  await db.delete(complianceCertificates).where(inArray(complianceCertificates.id, ids));
  const keys = [...new Set(expired.map((row) => row.fileKey).filter((k): k is string => Boolean(k)))];
  if (keys.length === 0) return { deleted: ids.length, unreferencedFiles: [] };
  const kept = await db
    .select({ key: complianceCertificates.fileKey })
    .from(complianceCertificates)
    .where(inArray(complianceCertificates.fileKey, keys));
  const shared = new Set(kept.map((row) => row.key));
  return { deleted: ids.length, unreferencedFiles: keys.filter((key) => !shared.has(key)) };
}
