// Listings of lots: create and edit, state changes with who and why, stock reservation, and expiry.
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import {
  type ListingStatus,
  categories,
  listingEvents,
  listingFiles,
  listings,
  organisations,
  priceTiers,
} from '../../db/schema';
import { afterListingChange } from './hooks.server';
import { CERTIFICATE_REQUIRED, lacksRequiredCertificate } from '../compliance/certificates.server';
import { assertOrgMayAct } from '../lib/auth.server';
import { newId } from '../lib/ids';
import { addDays, startOfMarketDay } from '../lib/market-time';
import { documentLexemes, tsvectorText } from './search-text';
import type { ListingDraft } from './form.server';

export class ListingError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
  ) {
    super(messageKey);
  }
}

export const EDITABLE: ListingStatus[] = [
  'draft',
  'pending_review',
  'live',
  'paused',
  'sold_out',
  'expired',
  'withdrawn',
];
/** States a buyer can see; every other state is visible to the seller's members and operators only. */
export const PUBLIC_STATUSES: ListingStatus[] = ['live', 'sold_out'];

function expiresAt(harvestDate: string, shelfLifeDays: number): Date {
  // Harvest dates are market-local days; the lot expires at the market midnight `shelfLifeDays` days after its harvest.
  return startOfMarketDay(addDays(harvestDate, shelfLifeDays));
}

type SearchedCategory = { nameZh: string; nameEn: string; keywords: string[] };
type SearchedText = Pick<
  ListingDraft,
  'titleZh' | 'titleEn' | 'descriptionZh' | 'descriptionEn' | 'originName' | 'originRegion' | 'spec'
>;

/** The search vector of a listing: its titles weigh most, then the category's names and keywords, then the rest. */
function searchVectorOf(category: SearchedCategory | undefined, lot: SearchedText) {
  const titles = documentLexemes(lot.titleZh, lot.titleEn);
  const rest = documentLexemes(
    category?.nameZh,
    category?.nameEn,
    ...(category?.keywords ?? []),
    lot.descriptionZh,
    lot.descriptionEn,
    lot.originName,
    lot.originRegion,
    ...Object.values(lot.spec).map(String),
  );
  return sql`${tsvectorText(titles, 'A')}::tsvector || ${tsvectorText(rest, 'B')}::tsvector`;
}

/**
 * The vector of a lot being written. The category is read FOR SHARE: an operator changing its keywords
 * (which locks it FOR UPDATE) either waits for this write, whose lot the re-index after it then finds, or
 * commits first, and this write reads the new keywords. Either way no lot keeps the old ones.
 */
async function searchVectorSql(tx: DbOrTx, draft: ListingDraft) {
  const [category] = await tx
    .select({ nameZh: categories.nameZh, nameEn: categories.nameEn, keywords: categories.keywords })
    .from(categories)
    .where(eq(categories.id, draft.categoryId))
    .for('share');
  return searchVectorOf(category, draft);
}

/** Lots re-indexed per transaction: short enough that a buyer waiting for one of them waits little. */
const REINDEX_BATCH = 200;

/**
 * Rebuilds the search vectors of every lot of a category from its current names and keywords (ADR 0006,
 * ADR 0035): the `reindex-category` job after an operator changed them. Batches in id order, each its own
 * transaction locking its lots, so a lot edited meanwhile is either waited for or re-read. Idempotent.
 */
export async function reindexCategoryLots(db: Db, categoryId: string): Promise<number> {
  let after = '';
  let done = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const [category] = await tx
        .select({ nameZh: categories.nameZh, nameEn: categories.nameEn, keywords: categories.keywords })
        .from(categories)
        .where(eq(categories.id, categoryId));
      if (!category) return [];
      const lots = await tx
        .select({
          id: listings.id,
          titleZh: listings.titleZh,
          titleEn: listings.titleEn,
          descriptionZh: listings.descriptionZh,
          descriptionEn: listings.descriptionEn,
          originName: listings.originName,
          originRegion: listings.originRegion,
          spec: listings.spec,
        })
        .from(listings)
        .where(and(eq(listings.categoryId, categoryId), gt(listings.id, after)))
        .orderBy(asc(listings.id))
        .limit(REINDEX_BATCH)
        .for('no key update');
      for (const lot of lots)
        await tx
          .update(listings)
          .set({ searchVector: searchVectorOf(category, { ...lot, spec: lot.spec as ListingDraft['spec'] }) })
          .where(eq(listings.id, lot.id));
      return lots;
    });
    done += batch.length;
    if (batch.length < REINDEX_BATCH) return done;
    after = batch[batch.length - 1].id;
  }
}

function columns(draft: ListingDraft) {
  return {
    categoryId: draft.categoryId,
    titleZh: draft.titleZh,
    titleEn: draft.titleEn,
    descriptionZh: draft.descriptionZh,
    descriptionEn: draft.descriptionEn,
    spec: draft.spec,
    originName: draft.originName,
    originRegion: draft.originRegion,
    harvestDate: draft.harvestDate,
    shelfLifeDays: draft.shelfLifeDays,
    expiresAt: expiresAt(draft.harvestDate, draft.shelfLifeDays),
    minOrderQuantity: draft.minOrderQuantity,
    displayUnit: draft.displayUnit,
    caseNetGrams: draft.caseNetGrams,
    saleMode: draft.saleMode,
    coldChain: draft.coldChain,
    pickupPlace: draft.pickupPlace,
  } as const;
}

async function recordEvent(
  tx: DbOrTx,
  listingId: string,
  actorUserId: string | null,
  fromStatus: ListingStatus | null,
  toStatus: ListingStatus,
  reason: string | null = null,
) {
  await tx
    .insert(listingEvents)
    .values({ id: newId('lev'), listingId, actorUserId, fromStatus, toStatus, reason });
}

/** Where a submitted listing goes: verified sellers list directly, others wait for review. */
async function submittedStatus(tx: DbOrTx, orgId: string): Promise<ListingStatus> {
  const [org] = await tx
    .select({ verification: organisations.verification })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return org?.verification === 'verified' ? 'live' : 'pending_review';
}

export async function createListing(
  tx: DbOrTx,
  input: { orgId: string; actorUserId: string; draft: ListingDraft; submit: boolean },
): Promise<{ id: string; status: ListingStatus }> {
  await assertOrgMayAct(tx, input.orgId);
  const id = newId('lst');
  const status = input.submit ? await submittedStatus(tx, input.orgId) : 'draft';
  // A new lot has no certificate yet: where its category requires one, it is saved as a draft first.
  if (status === 'live' && (await lacksRequiredCertificate(tx, input.draft.categoryId, null)))
    throw new ListingError(CERTIFICATE_REQUIRED);
  await tx.insert(listings).values({
    id,
    sellerOrgId: input.orgId,
    createdBy: input.actorUserId,
    ...columns(input.draft),
    quantityTotal: input.draft.quantityTotal,
    quantityAvailable: input.draft.quantityTotal,
    status,
    searchVector: await searchVectorSql(tx, input.draft),
    publishedAt: status === 'live' ? new Date() : null,
  });
  await tx.insert(priceTiers).values(input.draft.tiers.map((tier) => ({ listingId: id, ...tier })));
  await recordEvent(tx, id, input.actorUserId, null, 'draft');
  if (status !== 'draft') await recordEvent(tx, id, input.actorUserId, 'draft', status);
  await afterListingChange(tx, {
    listingId: id,
    kind: 'created',
    actorUserId: input.actorUserId,
    to: status,
  });
  return { id, status };
}

/**
 * Replaces a listing's details. The quantity already sold stays sold: the new total must cover it,
 * and what is available becomes the new total less it. Locks the row so a concurrent purchase waits.
 */
export async function updateListing(
  tx: DbOrTx,
  input: { listingId: string; orgId: string; actorUserId: string; draft: ListingDraft },
): Promise<void> {
  // The org before its lot, in the order a suspension locks them.
  await assertOrgMayAct(tx, input.orgId);
  const [current] = await tx
    .select()
    .from(listings)
    .where(and(eq(listings.id, input.listingId), eq(listings.sellerOrgId, input.orgId)))
    .for('update');
  if (!current) throw new ListingError('errors.notFound', 404);
  if (!EDITABLE.includes(current.status)) throw new ListingError('listing.errors.notEditable');
  const sold = current.quantityTotal - current.quantityAvailable;
  if (input.draft.quantityTotal < sold) throw new ListingError('listing.errors.belowSold', 400);
  const available = input.draft.quantityTotal - sold;
  // A sold-out lot given more stock is back on sale; an expired one given a fresh harvest date too.
  let status = current.status;
  const fresh = expiresAt(input.draft.harvestDate, input.draft.shelfLifeDays) > new Date();
  if (status === 'sold_out' && available > 0) status = 'live';
  if (status === 'live' && available === 0) status = 'sold_out';
  if (status === 'live' && !fresh) status = 'expired';
  await tx
    .update(listings)
    .set({
      ...columns(input.draft),
      quantityTotal: input.draft.quantityTotal,
      quantityAvailable: available,
      status,
      searchVector: await searchVectorSql(tx, input.draft),
      version: sql`${listings.version} + 1`,
    })
    .where(eq(listings.id, current.id));
  await tx.delete(priceTiers).where(eq(priceTiers.listingId, current.id));
  await tx.insert(priceTiers).values(input.draft.tiers.map((tier) => ({ listingId: current.id, ...tier })));
  if (status !== current.status)
    await recordEvent(tx, current.id, input.actorUserId, current.status, status, 'edited');
  await afterListingChange(tx, {
    listingId: current.id,
    kind: 'edited',
    actorUserId: input.actorUserId,
    from: current.status,
    to: status,
  });
}

export type ListingAction = 'submit' | 'pause' | 'resume' | 'withdraw' | 'relist';

const FROM: Record<ListingAction, ListingStatus[]> = {
  submit: ['draft'],
  pause: ['live'],
  resume: ['paused'],
  withdraw: ['draft', 'pending_review', 'live', 'paused', 'sold_out', 'expired'],
  relist: ['withdrawn', 'expired', 'sold_out'],
};

/** The seller actions allowed from a state, so a page offers only the buttons that can work. */
export function actionsFrom(status: ListingStatus): ListingAction[] {
  return (Object.keys(FROM) as ListingAction[]).filter((action) => FROM[action].includes(status));
}

/** A seller's state change, applied only from the states it is allowed from (a conditional update). */
export async function changeListingStatus(
  tx: DbOrTx,
  input: {
    listingId: string;
    orgId: string;
    actorUserId: string;
    action: ListingAction;
    reason?: string | null;
  },
): Promise<ListingStatus> {
  await assertOrgMayAct(tx, input.orgId);
  const [current] = await tx
    .select()
    .from(listings)
    .where(and(eq(listings.id, input.listingId), eq(listings.sellerOrgId, input.orgId)))
    .for('update');
  if (!current) throw new ListingError('errors.notFound', 404);
  if (!FROM[input.action].includes(current.status)) throw new ListingError('listing.errors.notNow');

  let to: ListingStatus;
  if (input.action === 'pause') to = 'paused';
  else if (input.action === 'withdraw') to = 'withdrawn';
  else {
    if (current.expiresAt <= new Date()) throw new ListingError('listing.errors.expiredEditFirst');
    if (current.quantityAvailable < current.minOrderQuantity)
      throw new ListingError('listing.errors.noStockEditFirst');
    to = input.action === 'resume' ? 'live' : await submittedStatus(tx, input.orgId);
    if (to === 'live' && (await lacksRequiredCertificate(tx, current.categoryId, current.id)))
      throw new ListingError(CERTIFICATE_REQUIRED);
  }
  await tx
    .update(listings)
    .set({
      status: to,
      statusReason: input.reason ?? null,
      publishedAt: to === 'live' ? (current.publishedAt ?? new Date()) : current.publishedAt,
    })
    .where(eq(listings.id, current.id));
  await recordEvent(tx, current.id, input.actorUserId, current.status, to, input.reason ?? null);
  await afterListingChange(tx, {
    listingId: current.id,
    kind: 'status',
    actorUserId: input.actorUserId,
    from: current.status,
    to,
  });
  return to;
}

/** Operator moderation: approve a pending listing, reject it back to draft with a reason, or remove one. */
export async function moderateListing(
  tx: DbOrTx,
  input: {
    listingId: string;
    actorUserId: string;
    decision: 'approve' | 'reject' | 'remove';
    reason?: string | null;
  },
): Promise<ListingStatus> {
  const from: ListingStatus[] =
    input.decision === 'remove'
      ? ['draft', 'pending_review', 'live', 'paused', 'sold_out', 'expired']
      : ['pending_review'];
  const to: ListingStatus =
    input.decision === 'approve' ? 'live' : input.decision === 'reject' ? 'draft' : 'removed';
  const [current] = await tx
    .select({ status: listings.status, categoryId: listings.categoryId })
    .from(listings)
    .where(eq(listings.id, input.listingId))
    .for('update');
  if (!current) throw new ListingError('errors.notFound', 404);
  if (!from.includes(current.status)) throw new ListingError('listing.errors.notNow');
  if (to === 'live' && (await lacksRequiredCertificate(tx, current.categoryId, input.listingId)))
    throw new ListingError(CERTIFICATE_REQUIRED);
  await tx
    .update(listings)
    .set({
      status: to,
      statusReason: input.reason ?? null,
      publishedAt: to === 'live' ? new Date() : undefined,
    })
    .where(eq(listings.id, input.listingId));
  await recordEvent(tx, input.listingId, input.actorUserId, current.status, to, input.reason ?? null);
  await afterListingChange(tx, {
    listingId: input.listingId,
    kind: 'status',
    actorUserId: input.actorUserId,
    from: current.status,
    to,
  });
  return to;
}

/**
 * Takes `quantity` (base units) from a live listing inside the caller's transaction. One conditional
 * update: concurrent buyers are serialized by the row lock and none can take stock that is gone;
 * the CHECK constraint is the last guard. A lot reaching zero is sold out.
 */
export async function reserveStock(
  tx: DbOrTx,
  listingId: string,
  quantity: number,
): Promise<{ remaining: number }> {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new ListingError('errors.mustBePositive', 400);
  const [row] = await tx
    .update(listings)
    .set({
      quantityAvailable: sql`${listings.quantityAvailable} - ${quantity}`,
      status: sql`case when ${listings.quantityAvailable} - ${quantity} = 0 then 'sold_out'::listing_status else ${listings.status} end`,
    })
    .where(
      and(
        eq(listings.id, listingId),
        eq(listings.status, 'live'),
        sql`${listings.quantityAvailable} >= ${quantity}`,
      ),
    )
    .returning({ remaining: listings.quantityAvailable, status: listings.status });
  if (!row) throw new ListingError('listing.errors.insufficientStock');
  if (row.status === 'sold_out') await recordEvent(tx, listingId, null, 'live', 'sold_out', 'stock reserved');
  return { remaining: row.remaining };
}

/** Gives back stock reserved earlier (a cancelled order); a sold-out lot is on sale again. */
export async function releaseStock(tx: DbOrTx, listingId: string, quantity: number): Promise<void> {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new ListingError('errors.mustBePositive', 400);
  const [before] = await tx
    .select({ status: listings.status })
    .from(listings)
    .where(eq(listings.id, listingId))
    .for('update');
  if (!before) throw new ListingError('errors.notFound', 404);
  const [row] = await tx
    .update(listings)
    .set({
      quantityAvailable: sql`${listings.quantityAvailable} + ${quantity}`,
      status: sql`case when ${listings.status} = 'sold_out' and ${listings.expiresAt} > now() then 'live'::listing_status else ${listings.status} end`,
    })
    .where(eq(listings.id, listingId))
    .returning({ status: listings.status });
  if (row.status !== before.status)
    await recordEvent(tx, listingId, null, before.status, row.status, 'stock released');
}

/** Marks every lot past its shelf life as expired; returns how many. Run by a repeatable job. */
export async function expireListings(tx: DbOrTx, now = new Date()): Promise<number> {
  // Lock the lots first so each event names the state it left; lots locked by a purchase wait for the next run.
  const due = await tx
    .select({ id: listings.id, status: listings.status })
    .from(listings)
    .where(and(inArray(listings.status, ['live', 'paused', 'pending_review']), lt(listings.expiresAt, now)))
    .for('update', { skipLocked: true });
  if (due.length === 0) return 0;
  await tx
    .update(listings)
    .set({ status: 'expired', statusReason: 'shelf life ended' })
    .where(
      inArray(
        listings.id,
        due.map((lot) => lot.id),
      ),
    );
  await tx.insert(listingEvents).values(
    due.map((lot) => ({
      id: newId('lev'),
      listingId: lot.id,
      actorUserId: null,
      fromStatus: lot.status,
      toStatus: 'expired' as const,
      reason: 'shelf life ended',
    })),
  );
  return due.length;
}

export async function activeCategories(tx: DbOrTx) {
  return tx
    .select()
    .from(categories)
    .where(eq(categories.active, true))
    .orderBy(asc(categories.sort), asc(categories.id));
}

export async function listingFilesOf(tx: DbOrTx, listingId: string) {
  return tx
    .select()
    .from(listingFiles)
    .where(eq(listingFiles.listingId, listingId))
    .orderBy(asc(listingFiles.kind), asc(listingFiles.position));
}
