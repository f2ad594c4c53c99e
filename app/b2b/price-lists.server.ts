// Seller price lists per buyer (issue #18, ADR 0051): a seller's lists, their buyers and rules, the buyer groups it
// keeps, and the one resolution every buy-now price goes through (tiersForBuyer). The arithmetic is pure, in
// ./price-list-rules.ts.
import { and, asc, desc, eq, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  buyerGroupMembers,
  buyerGroups,
  categories,
  listings,
  organisations,
  priceListBuyers,
  priceListRules,
  priceLists,
  priceTiers,
} from '../../db/schema';
import { tiersAt } from '../fairs/fairs.server';
import { assertOrgMayAct } from '../lib/auth.server';
import { newId } from '../lib/ids';
import { marketDate } from '../lib/market-time';
import { parseMoney } from '../lib/money';
import { lotReferencePriceFen } from '../market-data/lot-reference.server';
import type { PriceTier } from '../orders/pricing';
import {
  ADJUST_LIMITS,
  type CandidateRule,
  PRICE_RULE_KINDS,
  type PriceRuleKind,
  type PricedTier,
  applyPriceRules,
  lowestListedPrice,
  parsePercentBps,
  pricedBy,
} from './price-list-rules';

export class PriceListError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

// ——— resolution ———

type PricedLot = { id: string; sellerOrgId: string; categoryId: string; spec: unknown };

/** The rules of the seller's lists that reach `buyerOrgId` on market day `day`, for each of `lots`. */
async function candidateRules(
  tx: DbOrTx,
  buyerOrgId: string,
  lots: readonly Omit<PricedLot, 'spec'>[],
  day: string,
): Promise<Map<string, CandidateRule[]>> {
  const out = new Map<string, CandidateRule[]>();
  if (lots.length === 0) return out;
  const rows = await tx
    .select({
      priceListId: priceListRules.priceListId,
      sellerOrgId: priceListRules.sellerOrgId,
      listingId: priceListRules.listingId,
      categoryId: priceListRules.categoryId,
      kind: priceListRules.kind,
      priceFen: priceListRules.priceFen,
      adjustBps: priceListRules.adjustBps,
    })
    .from(priceListRules)
    .innerJoin(priceLists, eq(priceLists.id, priceListRules.priceListId))
    .innerJoin(
      priceListBuyers,
      and(eq(priceListBuyers.priceListId, priceLists.id), eq(priceListBuyers.buyerOrgId, buyerOrgId)),
    )
    .where(
      and(
        eq(priceLists.active, true),
        inArray(priceLists.sellerOrgId, [...new Set(lots.map((lot) => lot.sellerOrgId))]),
        or(isNull(priceLists.validFrom), sql`${priceLists.validFrom} <= ${day}::date`),
        or(isNull(priceLists.validTo), sql`${priceLists.validTo} >= ${day}::date`),
        or(
          inArray(
            priceListRules.listingId,
            lots.map((lot) => lot.id),
          ),
          inArray(priceListRules.categoryId, [...new Set(lots.map((lot) => lot.categoryId))]),
        ),
      ),
    );
  for (const lot of lots) {
    const rules = rows.flatMap((row): CandidateRule[] => {
      if (row.sellerOrgId !== lot.sellerOrgId) return [];
      const scope = row.listingId === lot.id ? 'lot' : row.categoryId === lot.categoryId ? 'category' : null;
      if (scope === null) return [];
      return [
        {
          priceListId: row.priceListId,
          scope,
          kind: row.kind,
          priceFen: row.priceFen,
          adjustBps: row.adjustBps,
        },
      ];
    });
    if (rules.length > 0) out.set(lot.id, rules);
  }
  return out;
}

function plain(tiers: readonly PriceTier[]): PricedTier[] {
  return tiers.map((tier) => ({
    minQuantity: tier.minQuantity,
    unitPriceFen: tier.unitPriceFen,
    priceListId: null,
  }));
}

/**
 * The tiers `buyerOrgId` pays for a lot at `now`: the tiers it would pay anyway (the lot's, or its fair price)
 * lowered by the seller's lists that name the buyer. The one place a buy-now price meets a price list.
 */
export async function tiersForBuyer(
  tx: DbOrTx,
  buyerOrgId: string,
  lot: PricedLot,
  tiers: readonly PriceTier[],
  now: Date,
): Promise<PricedTier[]> {
  if (lot.sellerOrgId === buyerOrgId) return plain(tiers);
  const day = marketDate(now);
  return priceWith(tx, lot, tiers, (await candidateRules(tx, buyerOrgId, [lot], day)).get(lot.id), day);
}

/** The tiers under the rules that reach the buyer; the reference price is read only when a rule needs it. */
async function priceWith(
  tx: DbOrTx,
  lot: PricedLot,
  tiers: readonly PriceTier[],
  rules: CandidateRule[] | undefined,
  day: string,
): Promise<PricedTier[]> {
  if (!rules) return plain(tiers);
  const referenceFen = rules.some((rule) => rule.kind === 'reference_pct')
    ? await lotReferencePriceFen(tx, { categoryId: lot.categoryId, spec: lot.spec }, day)
    : null;
  return applyPriceRules(tiers, rules, referenceFen);
}

/** What the 'created' event of a buy-now order records of the list that priced it ({} when none did). */
export function priceListOrigin(tiers: readonly PricedTier[], quantity: number): Record<string, unknown> {
  const priceListId = pricedBy(tiers, quantity);
  return priceListId ? { priceListId } : {};
}

/**
 * The market cards' "your price" for a buyer: for each lot of `listingIds` a list of its seller lowers for the
 * buyer, the lowest price it pays (fair prices included, as at the buy box). Lots without are left out.
 */
export async function yourCardPrices(
  tx: DbOrTx,
  buyerOrgId: string,
  listingIds: readonly string[],
  now: Date,
): Promise<Record<string, number>> {
  if (listingIds.length === 0) return {};
  const lots = await tx
    .select({
      id: listings.id,
      sellerOrgId: listings.sellerOrgId,
      categoryId: listings.categoryId,
      spec: listings.spec,
    })
    .from(listings)
    .where(inArray(listings.id, [...listingIds]));
  const others = lots.filter((lot) => lot.sellerOrgId !== buyerOrgId);
  const day = marketDate(now);
  const reached = await candidateRules(tx, buyerOrgId, others, day);
  if (reached.size === 0) return {};
  const tierRows = await tx
    .select()
    .from(priceTiers)
    .where(inArray(priceTiers.listingId, [...reached.keys()]));
  const out: Record<string, number> = {};
  for (const lot of others.filter((l) => reached.has(l.id))) {
    const own = tierRows.filter((tier) => tier.listingId === lot.id);
    const priced = await priceWith(tx, lot, await tiersAt(tx, lot.id, own, now), reached.get(lot.id), day);
    const fen = lowestListedPrice(priced);
    if (fen !== null) out[lot.id] = fen;
  }
  return out;
}

// ——— the seller's lists ———

export const PRICE_LIST_PAGE_SIZE = 20;
export const PRICE_LIST_SORTS = ['name', 'validTo', 'newest'] as const;
export type PriceListSort = (typeof PRICE_LIST_SORTS)[number];

export function priceListSortOf(value: string | null): PriceListSort {
  return (PRICE_LIST_SORTS as readonly string[]).includes(value ?? '') ? (value as PriceListSort) : 'name';
}

/** A seller's lists, a page at a time, with how many buyers and rules each has. */
export async function sellerPriceLists(tx: DbOrTx, sellerOrgId: string, page: number, sort: PriceListSort) {
  const order =
    sort === 'newest'
      ? [desc(priceLists.createdAt), desc(priceLists.id)]
      : sort === 'validTo'
        ? [sql`${priceLists.validTo} asc nulls last`, asc(priceLists.id)]
        : [asc(priceLists.name), asc(priceLists.id)];
  const rows = await tx
    .select({
      id: priceLists.id,
      name: priceLists.name,
      validFrom: priceLists.validFrom,
      validTo: priceLists.validTo,
      active: priceLists.active,
      // Qualified by hand: inside a subquery an unqualified "id" would be the rule's own.
      buyers:
        sql<number>`(select count(*) from price_list_buyers b where b.price_list_id = price_lists.id)`.mapWith(
          Number,
        ),
      rules:
        sql<number>`(select count(*) from price_list_rules r where r.price_list_id = price_lists.id)`.mapWith(
          Number,
        ),
    })
    .from(priceLists)
    .where(eq(priceLists.sellerOrgId, sellerOrgId))
    .orderBy(...order)
    .limit(PRICE_LIST_PAGE_SIZE + 1)
    .offset((page - 1) * PRICE_LIST_PAGE_SIZE);
  return { rows: rows.slice(0, PRICE_LIST_PAGE_SIZE), hasMore: rows.length > PRICE_LIST_PAGE_SIZE };
}

/** A seller's buyer groups with their members' names. */
export async function sellerBuyerGroups(tx: DbOrTx, sellerOrgId: string) {
  const groups = await tx
    .select({ id: buyerGroups.id, name: buyerGroups.name })
    .from(buyerGroups)
    .where(eq(buyerGroups.sellerOrgId, sellerOrgId))
    .orderBy(asc(buyerGroups.name));
  const members =
    groups.length === 0
      ? []
      : await tx
          .select({ groupId: buyerGroupMembers.groupId, name: organisations.name })
          .from(buyerGroupMembers)
          .innerJoin(organisations, eq(organisations.id, buyerGroupMembers.buyerOrgId))
          .where(
            inArray(
              buyerGroupMembers.groupId,
              groups.map((g) => g.id),
            ),
          )
          .orderBy(asc(organisations.name));
  return groups.map((group) => ({
    ...group,
    members: members.filter((m) => m.groupId === group.id).map((m) => m.name),
  }));
}

/** One list of the seller's, with its buyers and rules, or null (another seller's list reads as missing). */
export async function priceListForSeller(tx: DbOrTx, id: string, sellerOrgId: string) {
  const [list] = await tx
    .select()
    .from(priceLists)
    .where(and(eq(priceLists.id, id), eq(priceLists.sellerOrgId, sellerOrgId)));
  if (!list) return null;
  const [buyers, rules] = await Promise.all([
    tx
      .select({ id: organisations.id, name: organisations.name, city: organisations.city })
      .from(priceListBuyers)
      .innerJoin(organisations, eq(organisations.id, priceListBuyers.buyerOrgId))
      .where(eq(priceListBuyers.priceListId, id))
      .orderBy(asc(organisations.name)),
    tx
      .select({
        id: priceListRules.id,
        kind: priceListRules.kind,
        priceFen: priceListRules.priceFen,
        adjustBps: priceListRules.adjustBps,
        categoryId: priceListRules.categoryId,
        listingId: priceListRules.listingId,
        categoryZh: categories.nameZh,
        categoryEn: categories.nameEn,
        baseUnit: categories.baseUnit,
        lotTitleZh: listings.titleZh,
        lotTitleEn: listings.titleEn,
      })
      .from(priceListRules)
      .leftJoin(listings, eq(listings.id, priceListRules.listingId))
      .innerJoin(
        categories,
        eq(categories.id, sql`coalesce(${priceListRules.categoryId}, ${listings.categoryId})`),
      )
      .where(eq(priceListRules.priceListId, id))
      .orderBy(asc(priceListRules.createdAt), asc(priceListRules.id)),
  ]);
  return { list, buyers, rules };
}

/** The seller's lots a rule may name: its lots not withdrawn, newest first. */
export function sellerLotsForRules(tx: DbOrTx, sellerOrgId: string) {
  return tx
    .select({ id: listings.id, titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(listings)
    .where(and(eq(listings.sellerOrgId, sellerOrgId), inArray(listings.status, ['live', 'paused', 'draft'])))
    .orderBy(desc(listings.createdAt))
    .limit(200);
}

/**
 * Buyer orgs a seller may put on a list, by name: orgs that have bought from it, and any verified buyer org.
 * Closed orgs and the seller itself never.
 */
export async function buyerCandidates(tx: DbOrTx, sellerOrgId: string, q: string) {
  const query = q.trim().slice(0, 80);
  return tx
    .select({ id: organisations.id, name: organisations.name, city: organisations.city })
    .from(organisations)
    .where(
      and(
        eligibleBuyer(sellerOrgId),
        query ? ilike(organisations.name, `%${escapeLike(query)}%`) : undefined,
      ),
    )
    .orderBy(asc(organisations.name))
    .limit(20);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The buyer orgs a seller may name on a price list or grant terms: the condition buyerCandidates lists by. */
export function eligibleBuyer(sellerOrgId: string) {
  return and(
    sql`${organisations.id} <> ${sellerOrgId}`,
    isNull(organisations.closedAt),
    inArray(organisations.kind, ['buyer', 'both']),
    or(
      eq(organisations.verification, 'verified'),
      sql`exists (select 1 from orders o where o.buyer_org_id = organisations.id and o.seller_org_id = ${sellerOrgId})`,
    ),
  );
}

// ——— writing ———

export type PriceListDraft = {
  name: string;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const at = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text;
}

/** A list's name and validity as typed, or the fields' errors. */
export function parsePriceListForm(
  values: Record<string, string>,
): { ok: true; draft: PriceListDraft } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const name = (values.name ?? '').trim();
  if (name === '') errors.name = 'errors.required';
  else if (name.length > 80) errors.name = 'errors.tooLong';
  const day = (field: 'validFrom' | 'validTo') => {
    const text = (values[field] ?? '').trim();
    if (text === '') return null;
    if (!isDay(text)) errors[field] = 'errors.dateInvalid';
    return text;
  };
  const validFrom = day('validFrom');
  const validTo = day('validTo');
  if (!errors.validFrom && !errors.validTo && validFrom && validTo && validTo < validFrom)
    errors.validTo = 'b2b.errors.validOrder';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    draft: { name, validFrom, validTo, active: values.active === 'on' || values.active === 'true' },
  };
}

export async function createPriceList(
  tx: DbOrTx,
  input: { sellerOrgId: string; userId: string; draft: PriceListDraft },
): Promise<string> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const id = newId('prl');
  await tx
    .insert(priceLists)
    .values({ id, sellerOrgId: input.sellerOrgId, createdBy: input.userId, ...input.draft });
  return id;
}

/** Locks the seller's list (its edits queue one after another), or refuses as not found. */
async function ownList(tx: DbOrTx, id: string, sellerOrgId: string) {
  await assertOrgMayAct(tx, sellerOrgId);
  const [list] = await tx
    .select({ id: priceLists.id })
    .from(priceLists)
    .where(and(eq(priceLists.id, id), eq(priceLists.sellerOrgId, sellerOrgId)))
    .for('update');
  if (!list) throw new PriceListError('errors.notFound', 404);
}

export async function updatePriceList(
  tx: DbOrTx,
  input: { id: string; sellerOrgId: string; draft: PriceListDraft },
): Promise<void> {
  await ownList(tx, input.id, input.sellerOrgId);
  await tx.update(priceLists).set(input.draft).where(eq(priceLists.id, input.id));
}

export async function deletePriceList(tx: DbOrTx, input: { id: string; sellerOrgId: string }): Promise<void> {
  await ownList(tx, input.id, input.sellerOrgId);
  await tx.delete(priceLists).where(eq(priceLists.id, input.id));
}

/** Puts buyer orgs on a list; each must be one the seller may choose (buyerCandidates). */
export async function addBuyers(
  tx: DbOrTx,
  input: { id: string; sellerOrgId: string; buyerOrgIds: readonly string[] },
): Promise<number> {
  const ids = [...new Set(input.buyerOrgIds.filter(Boolean))];
  if (ids.length === 0 || ids.length > 100)
    throw new PriceListError('b2b.errors.chooseBuyer', 400, 'buyerOrgId');
  await ownList(tx, input.id, input.sellerOrgId);
  const eligible = await tx
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(inArray(organisations.id, ids), eligibleBuyer(input.sellerOrgId)));
  if (eligible.length !== ids.length) throw new PriceListError('b2b.errors.unknownBuyer', 400, 'buyerOrgId');
  const added = await tx
    .insert(priceListBuyers)
    .values(ids.map((buyerOrgId) => ({ priceListId: input.id, sellerOrgId: input.sellerOrgId, buyerOrgId })))
    .onConflictDoNothing()
    .returning({ id: priceListBuyers.buyerOrgId });
  return added.length;
}

export async function removeBuyer(
  tx: DbOrTx,
  input: { id: string; sellerOrgId: string; buyerOrgId: string },
): Promise<void> {
  await ownList(tx, input.id, input.sellerOrgId);
  await tx
    .delete(priceListBuyers)
    .where(and(eq(priceListBuyers.priceListId, input.id), eq(priceListBuyers.buyerOrgId, input.buyerOrgId)));
}

/** Saves the list's buyers, as they are now, as a named group the seller can add to other lists. */
export async function saveBuyerGroup(
  tx: DbOrTx,
  input: { id: string; sellerOrgId: string; name: string },
): Promise<string> {
  const name = input.name.trim();
  if (name === '') throw new PriceListError('errors.required', 400, 'groupName');
  if (name.length > 80) throw new PriceListError('errors.tooLong', 400, 'groupName');
  await ownList(tx, input.id, input.sellerOrgId);
  const buyers = await tx
    .select({ buyerOrgId: priceListBuyers.buyerOrgId })
    .from(priceListBuyers)
    .where(eq(priceListBuyers.priceListId, input.id));
  if (buyers.length === 0) throw new PriceListError('b2b.errors.groupEmpty', 400, 'groupName');
  const id = newId('bgr');
  const [made] = await tx
    .insert(buyerGroups)
    .values({ id, sellerOrgId: input.sellerOrgId, name })
    .onConflictDoNothing()
    .returning({ id: buyerGroups.id });
  if (!made) throw new PriceListError('b2b.errors.groupTaken', 409, 'groupName');
  await tx
    .insert(buyerGroupMembers)
    .values(buyers.map((b) => ({ groupId: id, sellerOrgId: input.sellerOrgId, buyerOrgId: b.buyerOrgId })));
  return id;
}

/** Adds a group's members to a list: a copy, so the list shows every buyer it reaches (ADR 0051). */
export async function addBuyerGroup(
  tx: DbOrTx,
  input: { id: string; sellerOrgId: string; groupId: string },
): Promise<number> {
  const members = await tx
    .select({ buyerOrgId: buyerGroupMembers.buyerOrgId })
    .from(buyerGroupMembers)
    .where(
      and(eq(buyerGroupMembers.groupId, input.groupId), eq(buyerGroupMembers.sellerOrgId, input.sellerOrgId)),
    );
  if (members.length === 0) throw new PriceListError('b2b.errors.chooseGroup', 400, 'groupId');
  return addBuyers(tx, { ...input, buyerOrgIds: members.map((m) => m.buyerOrgId) });
}

export async function deleteBuyerGroup(tx: DbOrTx, input: { groupId: string; sellerOrgId: string }) {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const gone = await tx
    .delete(buyerGroups)
    .where(and(eq(buyerGroups.id, input.groupId), eq(buyerGroups.sellerOrgId, input.sellerOrgId)))
    .returning({ id: buyerGroups.id });
  if (gone.length === 0) throw new PriceListError('errors.notFound', 404);
}

export type RuleDraft = {
  categoryId: string | null;
  listingId: string | null;
  kind: PriceRuleKind;
  priceFen: number | null;
  adjustBps: number | null;
};

/** A rule as typed (scope: a category or a lot; kind; a price in yuan or a percent), or the fields' errors. */
export function parseRuleForm(
  values: Record<string, string>,
): { ok: true; draft: RuleDraft } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const categoryId = (values.categoryId ?? '').trim() || null;
  const listingId = (values.listingId ?? '').trim() || null;
  if ((categoryId === null) === (listingId === null)) errors.scope = 'b2b.errors.oneScope';
  const kind = values.kind as PriceRuleKind;
  if (!(PRICE_RULE_KINDS as readonly string[]).includes(kind)) {
    errors.kind = 'errors.chooseOne';
    return { ok: false, errors };
  }
  let priceFen: number | null = null;
  let adjustBps: number | null = null;
  if (kind === 'fixed') {
    const parsed = parseMoney((values.price ?? '').trim());
    if ((values.price ?? '').trim() === '') errors.price = 'errors.required';
    else if (!parsed.ok)
      errors.price = parsed.error === 'tooPrecise' ? 'errors.tooPrecise' : 'errors.notANumber';
    else if (parsed.amount <= 0 || parsed.amount > 100_000_000) errors.price = 'errors.outOfRange';
    else priceFen = parsed.amount;
  } else {
    const parsed = parsePercentBps(values.percent ?? '');
    const limits = ADJUST_LIMITS[kind];
    if (!parsed.ok) errors.percent = parsed.error;
    else if (kind === 'tier_pct' && parsed.bps >= 0) errors.percent = 'b2b.errors.tierPctLowers';
    else if (parsed.bps < limits.min || parsed.bps > limits.max) errors.percent = 'errors.outOfRange';
    else adjustBps = parsed.bps;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, draft: { categoryId, listingId, kind, priceFen, adjustBps } };
}

/** Adds a rule to a list: a category the market sells, or a lot of the list's seller (the database checks too). */
export async function addRule(
  tx: DbOrTx,
  input: { id: string; sellerOrgId: string; draft: RuleDraft },
): Promise<string> {
  await ownList(tx, input.id, input.sellerOrgId);
  const { draft } = input;
  if (draft.listingId) {
    const [lot] = await tx
      .select({ id: listings.id })
      .from(listings)
      .where(and(eq(listings.id, draft.listingId), eq(listings.sellerOrgId, input.sellerOrgId)));
    if (!lot) throw new PriceListError('b2b.errors.notYourLot', 400, 'scope');
  } else if (draft.categoryId) {
    const [category] = await tx
      .select({ id: categories.id })
      .from(categories)
      .where(and(eq(categories.id, draft.categoryId), eq(categories.active, true)));
    if (!category) throw new PriceListError('errors.chooseOne', 400, 'scope');
  }
  const id = newId('plr');
  const [made] = await tx
    .insert(priceListRules)
    .values({ id, priceListId: input.id, sellerOrgId: input.sellerOrgId, ...draft })
    .onConflictDoNothing()
    .returning({ id: priceListRules.id });
  if (!made) throw new PriceListError('b2b.errors.ruleExists', 409, 'scope');
  return id;
}

export async function removeRule(tx: DbOrTx, input: { id: string; sellerOrgId: string; ruleId: string }) {
  await ownList(tx, input.id, input.sellerOrgId);
  const gone = await tx
    .delete(priceListRules)
    .where(and(eq(priceListRules.id, input.ruleId), eq(priceListRules.priceListId, input.id)))
    .returning({ id: priceListRules.id });
  if (gone.length === 0) throw new PriceListError('errors.notFound', 404);
}
