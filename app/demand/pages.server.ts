// What the demand pages share: the category and places for the form, saving it, its values back for editing, and offers.
import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import {
  type Category,
  type Demand,
  categories,
  demands,
  listings,
  organisations,
  priceTiers,
} from '../../db/schema';
import { CITIES, cityOf } from '../geo/cities';
import type { FieldErrors } from '../lib/forms.server';
import { type QuantityUnit, formatQuantity, fromBase } from '../lib/units';
import { marketToday } from '../listings/form.server';
import { parseAttributes } from '../listings/catalogue';
import type { DemandSpec } from '../matching/score';
import { DemandError, createDemand, updateDemand } from './demands.server';
import { parseDemandForm, parseOfferForm } from './form.server';
import { priceInput, priceLabel } from './format';
import { createQuote } from './quotes.server';

export async function categoryById(tx: DbOrTx, id: string | null | undefined): Promise<Category | undefined> {
  if (!id) return undefined;
  const [row] = await tx
    .select()
    .from(categories)
    .where(and(eq(categories.id, id), eq(categories.active, true)));
  return row;
}

export function demandCategoryView(category: Category) {
  return {
    id: category.id,
    nameZh: category.nameZh,
    nameEn: category.nameEn,
    baseUnit: category.baseUnit,
    attributes: parseAttributes(category.attributes),
  };
}

export function cityOptions() {
  return CITIES.map(({ id, nameZh, nameEn, region, province }) => ({ id, nameZh, nameEn, region, province }));
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A fresh demand form: the category's cold chain, the buyer's own city, delivery in three days. */
export async function newDemandValues(tx: DbOrTx, category: Category, orgId: string, today = marketToday()) {
  const [org] = await tx
    .select({ city: organisations.city })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  const byPiece = category.baseUnit === 'piece';
  return {
    unit: byPiece ? 'piece' : 't',
    priceUnit: byPiece ? 'piece' : 'jin',
    coldChain: category.defaultColdChain,
    visibility: 'all',
    deliveryCity: cityOf(org?.city)?.id ?? '',
    deliverBy: addDays(today, 3),
  } as Record<string, string>;
}

/** A saved demand as the form's fields, for editing. */
export function demandValues(demand: Demand): Record<string, string> {
  const values: Record<string, string> = {
    title: demand.title,
    quantity: fromBase(demand.quantity, demand.displayUnit),
    unit: demand.displayUnit,
    priceUnit: demand.priceUnit,
    targetPrice: demand.targetPriceFen === null ? '' : priceInput(demand.targetPriceFen, demand.priceUnit),
    deliveryCity: demand.deliveryCityId,
    deliverBy: demand.deliverBy,
    coldChain: demand.coldChain,
    visibility: demand.visibility,
    notes: demand.notes ?? '',
    expiresOn: marketToday(undefined, new Date(demand.expiresAt.getTime() - 1)),
  };
  for (const [key, wanted] of Object.entries((demand.spec ?? {}) as DemandSpec)) {
    if (Array.isArray(wanted)) values[`spec.${key}`] = wanted.join(',');
    else if (typeof wanted === 'object') {
      if (wanted.min !== undefined) values[`spec.${key}.min`] = String(wanted.min);
      if (wanted.max !== undefined) values[`spec.${key}.max`] = String(wanted.max);
    } else values[`spec.${key}`] = wanted;
  }
  return values;
}

/** Validates and saves the demand form (a new demand when `demandId` is null). */
export async function saveDemandForm(
  db: Db,
  input: { orgId: string; actorUserId: string; demandId: string | null; values: Record<string, string> },
): Promise<{ ok: true; id: string } | { ok: false; errors: FieldErrors; status: number }> {
  const category = await categoryById(db, input.values.categoryId);
  const parsed = parseDemandForm(input.values, category, marketToday());
  if (!parsed.ok) return { ok: false, errors: parsed.errors, status: 400 };
  try {
    if (input.demandId === null) {
      const id = await db.transaction((tx) =>
        createDemand(tx, { orgId: input.orgId, actorUserId: input.actorUserId, draft: parsed.draft }),
      );
      return { ok: true, id };
    }
    const demandId = input.demandId;
    await db.transaction((tx) => updateDemand(tx, { demandId, orgId: input.orgId, draft: parsed.draft }));
    return { ok: true, id: demandId };
  } catch (error) {
    if (error instanceof DemandError)
      return { ok: false, errors: { form: error.messageKey }, status: error.status };
    throw error;
  }
}

/** The seller's live lots of a category, to back a quote with; the best-stocked first. */
export async function lotChoices(
  tx: DbOrTx,
  sellerOrgId: string,
  categoryId: string,
  locale: 'zh-CN' | 'en',
) {
  const rows = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      available: listings.quantityAvailable,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      price: priceTiers.unitPriceFen,
    })
    .from(listings)
    .innerJoin(priceTiers, eq(priceTiers.listingId, listings.id))
    .where(
      and(
        eq(listings.sellerOrgId, sellerOrgId),
        eq(listings.categoryId, categoryId),
        eq(listings.status, 'live'),
      ),
    )
    .orderBy(asc(listings.id), asc(priceTiers.minQuantity));
  const seen = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!seen.has(row.id)) seen.set(row.id, row);
  return [...seen.values()]
    .sort((a, b) => b.available - a.available)
    .map((row) => ({
      id: row.id,
      title: (locale === 'en' ? (row.titleEn ?? row.titleZh) : (row.titleZh ?? row.titleEn)) ?? row.id,
      available: formatQuantity(row.available, row.displayUnit as QuantityUnit, locale, {
        caseNetGrams: row.caseNetGrams ?? undefined,
      }),
      price: priceLabel(row.price, 'kg', locale),
    }));
}

/** A first offer's defaults: the demand's quantity and deliver-by, the price unit the buyer used. */
export function newOfferValues(demand: Pick<Demand, 'quantity' | 'displayUnit' | 'deliverBy' | 'priceUnit'>) {
  return {
    quantity: fromBase(demand.quantity, demand.displayUnit),
    unit: demand.displayUnit,
    priceUnit: demand.priceUnit,
    deliverBy: demand.deliverBy,
    validDays: '2',
  } as Record<string, string>;
}

/** Validates a seller's quote form and writes the thread. */
export async function saveQuoteForm(
  db: Db,
  input: { demandId: string; orgId: string; actorUserId: string; values: Record<string, string> },
): Promise<{ ok: true; id: string } | { ok: false; errors: FieldErrors; status: number }> {
  const [row] = await db
    .select({ baseUnit: categories.baseUnit })
    .from(demands)
    .innerJoin(categories, eq(categories.id, demands.categoryId))
    .where(eq(demands.id, input.demandId));
  if (!row) return { ok: false, errors: { form: 'errors.notFound' }, status: 404 };
  const parsed = parseOfferForm(input.values, row);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, status: 400 };
  try {
    const id = await db.transaction((tx) =>
      createQuote(tx, {
        demandId: input.demandId,
        seller: { orgId: input.orgId, userId: input.actorUserId },
        listingId: input.values.listingId || null,
        draft: parsed.draft,
      }),
    );
    return { ok: true, id };
  } catch (error) {
    if (error instanceof DemandError)
      return { ok: false, errors: { [error.field]: error.messageKey }, status: error.status };
    throw error;
  }
}

/**
 * A live lot a buyer asks a quote on ("ask the seller for a quote" on the lot page): its category and the
 * demand form's fields taken from the lot's spec and title. A lot not on sale, or the buyer's own, is null.
 */
export async function lotToAskAbout(tx: DbOrTx, listingId: string, buyerOrgId: string) {
  const [row] = await tx
    .select({
      id: listings.id,
      categoryId: listings.categoryId,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      spec: listings.spec,
      sellerOrgId: listings.sellerOrgId,
      sellerName: organisations.name,
    })
    .from(listings)
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(and(eq(listings.id, listingId), eq(listings.status, 'live')));
  if (!row || row.sellerOrgId === buyerOrgId) return null;
  const category = await categoryById(tx, row.categoryId);
  if (!category) return null;
  const values: Record<string, string> = {};
  const spec = (row.spec ?? {}) as Record<string, unknown>;
  for (const attribute of parseAttributes(category.attributes)) {
    const value = spec[attribute.key];
    if (typeof value === 'number') {
      values[`spec.${attribute.key}.min`] = String(value);
      values[`spec.${attribute.key}.max`] = String(value);
    } else if (typeof value === 'string' && value) values[`spec.${attribute.key}`] = value;
    else if (Array.isArray(value)) values[`spec.${attribute.key}`] = value.join(',');
  }
  return {
    listingId: row.id,
    category,
    titleZh: row.titleZh,
    titleEn: row.titleEn,
    sellerName: row.sellerName,
    values,
  };
}
