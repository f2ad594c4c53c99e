// The seller's desk: an organisation's lots by state, one lot with its files and history, and saving the listing form.
import { and, asc, count, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client';
import {
  type Category,
  type Listing,
  type ListingStatus,
  type MemberRole,
  categories,
  listingEvents,
  listingFiles,
  listings,
  priceTiers,
  users,
} from '../../db/schema';
import { db } from '../../db/client';
import { requireActingOrg, requireUser } from '../lib/auth.server';
import { type FieldErrors, readFormData } from '../lib/forms.server';
import type { MessageKey } from '../lib/i18n';
import { toDecimalString } from '../lib/money';
import { removeStoredFiles } from '../lib/storage.server';
import { type QuantityUnit, fromBase, pricePerUnit, unitsFor } from '../lib/units';
import { type AttributeDefinition, parseAttributes } from './catalogue';
import { type Upload, attachFiles, checkFileRoom, readListingMultipart } from './files.server';
import { marketToday, parseListingForm } from './form.server';
import {
  ListingError,
  actionsFrom,
  changeListingStatus,
  createListing,
  listingFilesOf,
  updateListing,
} from './listings.server';
import { notFound } from '../lib/http.server';

export const SELL_TABS = [
  'all',
  'draft',
  'pending_review',
  'live',
  'paused',
  'sold_out',
  'expired',
  'withdrawn',
] as const;
export type SellTab = (typeof SELL_TABS)[number];
export const SELL_SORTS = ['newest', 'expiry', 'available'] as const;
export type SellSort = (typeof SELL_SORTS)[number];
export const SELL_PAGE_SIZE = 25;

/** The desk's tab, sort and page from the URL; anything unknown falls back to the default. */
export function deskQuery(url: URL): { tab: SellTab; sort: SellSort; page: number } {
  const tab = url.searchParams.get('status');
  const sort = url.searchParams.get('sort');
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return {
    tab: (SELL_TABS as readonly string[]).includes(tab ?? '') ? (tab as SellTab) : 'all',
    sort: (SELL_SORTS as readonly string[]).includes(sort ?? '') ? (sort as SellSort) : 'newest',
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

const SOON_MS = 48 * 3600 * 1000;

/** One page of an organisation's lots in a tab, with the count of every tab. */
export async function sellerDesk(
  tx: DbOrTx,
  orgId: string,
  query: { tab: SellTab; sort: SellSort; page: number },
  now = new Date(),
) {
  const byStatus = await tx
    .select({ status: listings.status, n: count() })
    .from(listings)
    .where(eq(listings.sellerOrgId, orgId))
    .groupBy(listings.status);
  const counts = Object.fromEntries(SELL_TABS.map((tab) => [tab, 0])) as Record<SellTab, number>;
  for (const { status, n } of byStatus) {
    counts.all += n;
    if (status in counts) counts[status as SellTab] += n;
  }
  const pages = Math.max(1, Math.ceil(counts[query.tab] / SELL_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const order = {
    newest: [desc(listings.createdAt), desc(listings.id)],
    expiry: [asc(listings.expiresAt), asc(listings.id)],
    available: [desc(listings.quantityAvailable), asc(listings.id)],
  }[query.sort];
  const rows = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      status: listings.status,
      quantityTotal: listings.quantityTotal,
      quantityAvailable: listings.quantityAvailable,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      expiresAt: listings.expiresAt,
      categoryZh: categories.nameZh,
      categoryEn: categories.nameEn,
      baseUnit: categories.baseUnit,
      // Tiers fall with quantity, so the lowest is what a buyer of the largest lot pays.
      lowestPriceFen: sql<
        number | null
      >`(select min(${priceTiers.unitPriceFen}) from ${priceTiers} where ${priceTiers.listingId} = ${listings.id})`.mapWith(
        Number,
      ),
      thumbKey: sql<
        string | null
      >`(select ${listingFiles.thumbKey} from ${listingFiles} where ${listingFiles.listingId} = ${listings.id} and ${listingFiles.kind} = 'photo' order by ${listingFiles.position} limit 1)`,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(
      and(eq(listings.sellerOrgId, orgId), query.tab === 'all' ? undefined : eq(listings.status, query.tab)),
    )
    .orderBy(...order)
    .limit(SELL_PAGE_SIZE)
    .offset((page - 1) * SELL_PAGE_SIZE);
  return {
    tabs: SELL_TABS.map((tab) => ({ tab, count: counts[tab] })),
    page,
    pages,
    rows: rows.map((row) => ({
      ...row,
      priceUnit: row.baseUnit === 'piece' ? ('piece' as const) : ('kg' as const),
      thumbUrl: row.thumbKey ? `/files/${row.thumbKey}` : null,
      expired: row.status === 'expired' || row.expiresAt <= now,
      expiresSoon: row.expiresAt > now && row.expiresAt.getTime() - now.getTime() < SOON_MS,
      actions: actionsFrom(row.status),
    })),
  };
}

export const statusChangeSchema = z.object({
  intent: z.enum(['submit', 'pause', 'resume', 'withdraw', 'relist'], {
    errorMap: () => ({ message: 'errors.chooseOne' }),
  }),
  listingId: z.string().min(1, 'errors.required'),
});

/** What to tell the seller after a lot reached `status`. */
export function toastFor(status: ListingStatus): MessageKey {
  if (status === 'live') return 'sell.toast.live';
  if (status === 'pending_review') return 'sell.toast.pendingReview';
  if (status === 'paused') return 'sell.toast.paused';
  if (status === 'withdrawn') return 'sell.toast.withdrawn';
  if (status === 'draft') return 'sell.toast.draftSaved';
  return 'sell.toast.saved';
}

/**
 * The lot, if the caller belongs to its seller organisation with at least `role`. Another
 * organisation's lot (a draft above all) answers 404, as if it did not exist; too small a role 403.
 */
export async function requireOwnListing(request: Request, listingId: string, role: MemberRole) {
  const viewer = await requireUser(request);
  const orgIds = viewer.memberships.map((m) => m.orgId);
  const [listing] =
    orgIds.length > 0
      ? await db
          .select()
          .from(listings)
          .where(and(eq(listings.id, listingId), inArray(listings.sellerOrgId, orgIds)))
      : [];
  if (!listing) throw notFound();
  // A sanctioned seller may still open its lots, not change them (ADR 0017, 0026).
  const { membership } = await requireActingOrg(request, listing.sellerOrgId, role);
  return { viewer, listing, membership };
}

export type CategoryView = {
  id: string;
  nameZh: string;
  nameEn: string;
  group: Category['group'];
  baseUnit: Category['baseUnit'];
  defaultColdChain: Category['defaultColdChain'];
  attributes: AttributeDefinition[];
  units: QuantityUnit[];
};

export function categoryView(category: Category): CategoryView {
  return {
    id: category.id,
    nameZh: category.nameZh,
    nameEn: category.nameEn,
    group: category.group,
    baseUnit: category.baseUnit,
    defaultColdChain: category.defaultColdChain,
    attributes: parseAttributes(category.attributes),
    units: unitsFor(category.baseUnit),
  };
}

/** A fresh form's values: the category's cold chain, today's harvest, and units that fit it. */
export function newListingValues(category: Category, today: string): Record<string, string> {
  const byPiece = category.baseUnit === 'piece';
  return {
    unit: byPiece ? 'piece' : 'kg',
    priceUnit: byPiece ? 'piece' : 'kg',
    saleMode: 'fixed',
    coldChain: category.defaultColdChain,
    harvestDate: today,
    certificateType: 'inspection',
  };
}

/** The price unit a lot was most likely priced in: the unit it is counted in, when that is a price unit. */
function priceUnitOf(listing: Listing, category: Category): 'kg' | 'jin' | 't' | 'piece' {
  if (category.baseUnit === 'piece') return 'piece';
  return listing.displayUnit === 'jin' || listing.displayUnit === 't' ? listing.displayUnit : 'kg';
}

/** Everything the edit page shows: the lot as form values, its category, files and history. */
export async function listingForEdit(tx: DbOrTx, listing: Listing) {
  const [category] = await tx.select().from(categories).where(eq(categories.id, listing.categoryId));
  const [tiers, files, events] = await Promise.all([
    tx
      .select()
      .from(priceTiers)
      .where(eq(priceTiers.listingId, listing.id))
      .orderBy(asc(priceTiers.minQuantity)),
    listingFilesOf(tx, listing.id),
    tx
      .select({
        id: listingEvents.id,
        at: listingEvents.at,
        fromStatus: listingEvents.fromStatus,
        toStatus: listingEvents.toStatus,
        reason: listingEvents.reason,
        actorName: users.name,
      })
      .from(listingEvents)
      .leftJoin(users, eq(users.id, listingEvents.actorUserId))
      .where(eq(listingEvents.listingId, listing.id))
      .orderBy(desc(listingEvents.at), desc(listingEvents.id)),
  ]);
  const unit = listing.displayUnit;
  const opts = { caseNetGrams: listing.caseNetGrams ?? undefined };
  const priceUnit = priceUnitOf(listing, category);
  const certificate = files.find((f) => f.kind === 'certificate');
  const values: Record<string, string> = {
    categoryId: listing.categoryId,
    titleZh: listing.titleZh ?? '',
    titleEn: listing.titleEn ?? '',
    descriptionZh: listing.descriptionZh ?? '',
    descriptionEn: listing.descriptionEn ?? '',
    originName: listing.originName,
    originRegion: listing.originRegion,
    harvestDate: listing.harvestDate,
    shelfLifeDays: String(listing.shelfLifeDays),
    quantity: fromBase(listing.quantityTotal, unit, opts),
    unit,
    caseNetKg: listing.caseNetGrams ? fromBase(listing.caseNetGrams, 'kg') : '',
    moq: fromBase(listing.minOrderQuantity, unit, opts),
    priceUnit,
    saleMode: listing.saleMode,
    coldChain: listing.coldChain,
    pickupPlace: listing.pickupPlace,
    certificateType: certificate?.certificateType ?? 'inspection',
    certificateNumber: certificate?.certificateNumber ?? '',
  };
  tiers.forEach((tier, i) => {
    // A first tier that starts at the minimum order is shown blank, so changing the MOQ moves it along.
    values[`tiers.${i}.min`] =
      i === 0 && tier.minQuantity === listing.minOrderQuantity ? '' : fromBase(tier.minQuantity, unit, opts);
    values[`tiers.${i}.price`] = toDecimalString(
      priceUnit === 'kg' || priceUnit === 'piece'
        ? tier.unitPriceFen
        : pricePerUnit(tier.unitPriceFen, priceUnit),
    );
  });
  for (const [key, value] of Object.entries(listing.spec as Record<string, string | number>))
    values[`spec.${key}`] = String(value);
  return {
    category,
    values,
    sold: listing.quantityTotal - listing.quantityAvailable,
    files: files.map((file) => ({
      id: file.id,
      kind: file.kind,
      url: `/files/${file.storageKey}`,
      thumbUrl: file.thumbKey ? `/files/${file.thumbKey}` : null,
      contentType: file.contentType,
      certificateType: file.certificateType,
      certificateNumber: file.certificateNumber,
    })),
    events,
  };
}

/** Reads the listing form whether or not it carries files (a remove-file button posts a plain form). */
export async function readListingRequest(
  request: Request,
): Promise<{ fields: Record<string, string>; uploads: Upload[]; errors: FieldErrors }> {
  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data'))
    return readListingMultipart(request);
  const fields: Record<string, string> = {};
  for (const [key, value] of (await readFormData(request)).entries())
    if (typeof value === 'string') fields[key] = value;
  return { fields, uploads: [], errors: {} };
}

const certificateTypeSchema = z.enum(['inspection', 'quality', 'other']);

export type SaveResult =
  | { ok: true; id: string; status: ListingStatus }
  | { ok: false; errors: FieldErrors; status: number };

/**
 * Validates the whole form — fields, spec, tiers, and files with the room left for them — and only
 * when all of it is right creates or updates the lot and stores its files in one transaction, so a
 * refused form leaves no row and no file behind.
 */
export async function saveListingForm(
  database: Db,
  input: {
    orgId: string;
    actorUserId: string;
    /** The lot being edited, or null for a new one. */
    listing: Pick<Listing, 'id' | 'status' | 'categoryId'> | null;
    fields: Record<string, string>;
    uploads: Upload[];
    uploadErrors: FieldErrors;
    publish: boolean;
  },
): Promise<SaveResult> {
  const { listing, uploads } = input;
  const rows = await database
    .select()
    .from(categories)
    .where(
      // A lot keeps its category even if the operator has since retired it.
      listing
        ? or(eq(categories.active, true), eq(categories.id, listing.categoryId))
        : eq(categories.active, true),
    );
  const parsed = parseListingForm(input.fields, new Map(rows.map((row) => [row.id, row])), marketToday());
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
  Object.assign(errors, await checkFileRoom(database, listing?.id ?? null, uploads), input.uploadErrors);
  const certificateType = certificateTypeSchema.safeParse(input.fields.certificateType || 'inspection');
  if (!certificateType.success) errors.certificateType = 'errors.chooseOne';
  const newCertificates = uploads.filter((u) => u.field === 'certificates').length;
  let oldCertificates = 0;
  if (listing) {
    const [{ n }] = await database
      .select({ n: count() })
      .from(listingFiles)
      .where(and(eq(listingFiles.listingId, listing.id), eq(listingFiles.kind, 'certificate')));
    oldCertificates = n;
  }
  // A listing has no column of its own for the 合格证 number: it is kept on the certificate's file.
  if (parsed.ok && parsed.draft.certificateNumber && oldCertificates + newCertificates === 0)
    errors.certificateNumber = 'sell.errors.certificateNumberWithoutFile';
  if (!parsed.ok || !certificateType.success || Object.keys(errors).length > 0)
    return { ok: false, errors, status: 400 };

  const { draft } = parsed;
  const written: string[] = [];
  try {
    return await database.transaction(async (tx) => {
      let id: string;
      let status: ListingStatus;
      if (!listing) {
        ({ id, status } = await createListing(tx, {
          orgId: input.orgId,
          actorUserId: input.actorUserId,
          draft,
          submit: input.publish,
        }));
      } else {
        id = listing.id;
        await updateListing(tx, {
          listingId: id,
          orgId: input.orgId,
          actorUserId: input.actorUserId,
          draft,
        });
        if (input.publish && listing.status === 'draft') {
          status = await changeListingStatus(tx, {
            listingId: id,
            orgId: input.orgId,
            actorUserId: input.actorUserId,
            action: 'submit',
          });
        } else {
          const [row] = await tx
            .select({ status: listings.status })
            .from(listings)
            .where(eq(listings.id, id));
          status = row.status;
        }
        if (oldCertificates > 0)
          await tx
            .update(listingFiles)
            .set({ certificateNumber: draft.certificateNumber })
            .where(and(eq(listingFiles.listingId, id), eq(listingFiles.kind, 'certificate')));
      }
      await attachFiles(
        tx,
        id,
        uploads,
        { type: certificateType.data, number: draft.certificateNumber },
        written,
      );
      return { ok: true as const, id, status };
    });
  } catch (error) {
    // Nothing committed, so nothing stays stored.
    await removeStoredFiles(written);
    if (!(error instanceof ListingError)) throw error;
    const field = error.messageKey === 'listing.errors.belowSold' ? 'quantity' : 'form';
    return { ok: false, errors: { [field]: error.messageKey }, status: error.status };
  }
}
