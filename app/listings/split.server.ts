// Splitting a lot, or repacking part of it: the part becomes a lot of its own (a draft the seller checks and
// submits), the source keeps the rest, and the part's 合格证 is issued from the source's (ADR 0046).
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { listingEvents, listings, priceTiers } from '../../db/schema';
import { certifySplitLot } from '../compliance/certificates.server';
import { assertOrgMayAct } from '../lib/auth.server';
import { newId } from '../lib/ids';
import { type QuantityUnit, toBase } from '../lib/units';
import { QUANTITY_ERRORS } from '../orders/pricing';
import { afterListingChange } from './hooks.server';
import { copyPhotos } from './files.server';
import { ListingError } from './listings.server';

/** The states a lot may be split in: it has stock that is not promised to anyone else. */
export const SPLITTABLE = ['draft', 'live', 'paused'] as const;

export const splitSchema = z
  .object({
    quantity: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
    unit: z.enum(['g', 'kg', 'jin', 't', 'case', 'piece'], {
      errorMap: () => ({ message: 'errors.wrongUnit' }),
    }),
    packing: z.enum(['same', 'case']).default('same'),
    caseKg: z.string().trim().default(''),
  })
  .strict();

export type SplitForm = z.infer<typeof splitSchema>;
export type SplitRequest = {
  quantity: number;
  displayUnit: QuantityUnit | null;
  caseNetGrams: number | null;
};

/**
 * The form in base units for this lot, or the field errors. Repacking is into cases of a net weight, for goods
 * sold by weight; the quantity is entered in any unit of the lot's.
 */
export function readSplitForm(
  form: SplitForm,
  lot: { displayUnit: QuantityUnit; caseNetGrams: number | null },
): { ok: true; value: SplitRequest } | { ok: false; errors: Record<string, string> } {
  const byWeight = lot.displayUnit !== 'piece';
  if (form.unit === 'piece' ? byWeight : !byWeight)
    return { ok: false, errors: { unit: 'errors.wrongUnit' } };
  const quantity = toBase(form.quantity, form.unit, { caseNetGrams: lot.caseNetGrams ?? undefined });
  if (!quantity.ok) return { ok: false, errors: { quantity: QUANTITY_ERRORS[quantity.error] } };
  if (form.packing === 'same')
    return { ok: true, value: { quantity: quantity.value, displayUnit: null, caseNetGrams: null } };
  if (!byWeight) return { ok: false, errors: { packing: 'errors.wrongUnit' } };
  const grams = toBase(form.caseKg, 'kg');
  if (!grams.ok)
    return { ok: false, errors: { caseKg: form.caseKg ? QUANTITY_ERRORS[grams.error] : 'errors.required' } };
  return { ok: true, value: { quantity: quantity.value, displayUnit: 'case', caseNetGrams: grams.value } };
}

/**
 * Takes `quantity` (base units) off a lot into a new draft lot with the same goods, prices and origin (and, when
 * repacked, cases of a new net weight). Under the source's row lock, so an order cannot sell the same stock; the
 * part must leave the source at least its minimum order and be one itself. The new lot gets copies of the
 * source's photos (their keys go into `written`, for the caller to remove if the transaction fails). Returns the
 * new lot and its certificate's number when the source had one.
 */
export async function splitListing(
  tx: DbOrTx,
  input: { listingId: string; orgId: string; actorUserId: string; split: SplitRequest },
  written: string[] = [],
): Promise<{ id: string; certificateNumber: string | null }> {
  await assertOrgMayAct(tx, input.orgId);
  const [source] = await tx
    .select()
    .from(listings)
    .where(and(eq(listings.id, input.listingId), eq(listings.sellerOrgId, input.orgId)))
    .for('update');
  if (!source) throw new ListingError('errors.notFound', 404);
  if (!(SPLITTABLE as readonly string[]).includes(source.status))
    throw new ListingError('sell.split.errors.state');
  const { quantity } = input.split;
  if (quantity < source.minOrderQuantity) throw new ListingError('sell.split.errors.belowMoq', 400);
  if (source.quantityAvailable - quantity < source.minOrderQuantity)
    throw new ListingError('sell.split.errors.tooMuch', 400);
  const id = newId('lst');
  const now = new Date();
  const { id: _id, createdAt: _c, updatedAt: _u, ...copied } = source;
  await tx.insert(listings).values({
    ...copied,
    id,
    createdBy: input.actorUserId,
    quantityTotal: quantity,
    quantityAvailable: quantity,
    displayUnit: input.split.displayUnit ?? source.displayUnit,
    caseNetGrams: input.split.displayUnit ? input.split.caseNetGrams : source.caseNetGrams,
    status: 'draft',
    statusReason: null,
    publishedAt: null,
    version: 1,
    screenedVersion: null,
    splitFrom: source.id,
  });
  const tiers = await tx
    .select({ minQuantity: priceTiers.minQuantity, unitPriceFen: priceTiers.unitPriceFen })
    .from(priceTiers)
    .where(eq(priceTiers.listingId, source.id))
    .orderBy(asc(priceTiers.minQuantity));
  const kept = tiers.filter((tier, i) => i === 0 || tier.minQuantity <= quantity);
  if (kept.length > 0) await tx.insert(priceTiers).values(kept.map((tier) => ({ listingId: id, ...tier })));
  await tx
    .update(listings)
    .set({
      quantityTotal: source.quantityTotal - quantity,
      quantityAvailable: source.quantityAvailable - quantity,
      version: source.version + 1,
      updatedAt: now,
    })
    .where(eq(listings.id, source.id));
  await tx.insert(listingEvents).values([
    {
      id: newId('lev'),
      listingId: id,
      actorUserId: input.actorUserId,
      fromStatus: null,
      toStatus: 'draft',
      reason: 'split',
    },
  ]);
  // The part shows the same goods: it starts with copies of the source's photos.
  await copyPhotos(tx, source.id, id, written);
  const certificate = await certifySplitLot(tx, {
    sourceListingId: source.id,
    newListingId: id,
    actorUserId: input.actorUserId,
    now,
  });
  await afterListingChange(tx, {
    listingId: id,
    kind: 'created',
    actorUserId: input.actorUserId,
    to: 'draft',
  });
  await afterListingChange(tx, {
    listingId: source.id,
    kind: 'edited',
    actorUserId: input.actorUserId,
    from: source.status,
    to: source.status,
  });
  return { id, certificateNumber: certificate?.number ?? null };
}
