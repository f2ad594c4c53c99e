// The market's read side: search over live lots with filters, sorts and pages, and one lot as a given viewer may see it.
import { type SQL, and, asc, eq, sql } from 'drizzle-orm';
import { type DbOrTx, hotRead } from '../../db/client';
import {
  type ColdChainClass,
  type ListingStatus,
  categories,
  coldChainClass,
  listingFiles,
  listings,
  organisations,
  priceTiers,
} from '../../db/schema';
import type { Currency } from '../lib/money';
import { parseMoney } from '../lib/money';
import { type QuantityUnit, toBase } from '../lib/units';
import { type AttributeDefinition, parseAttributes } from './catalogue';
import { marketToday } from './form.server';
import { PUBLIC_STATUSES } from './listings.server';
import { type SearchHits, cachedSearch } from './search-cache.server';
import { queryText } from './search-text';

export const PAGE_SIZE = 24;
/** Deep pages are never useful to a buyer and cost an ever larger OFFSET; past this, refine the search. */
export const MAX_PAGE = 200;
/** The most matches counted: every page that can be opened (MAX_PAGE × PAGE_SIZE). */
const COUNT_CAP = MAX_PAGE * PAGE_SIZE;

export const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc'] as const;
export type MarketSort = (typeof SORTS)[number];

export type MarketFilters = {
  q?: string | null;
  categoryId?: string | null;
  /** The seafood `state` attribute (live, fresh, chilled, frozen). */
  state?: string | null;
  region?: string | null;
  coldChain?: ColdChainClass | null;
  /**
   * Bounds on a lot's lowest tier price (its best price, at the largest tier), in fen per kg for
   * goods by weight and fen per piece for goods by count — the same number applies to both.
   */
  priceMinFen?: number | null;
  priceMaxFen?: number | null;
  /**
   * Least quantity available, entered in kg and held in grams. Goods by count compare the same
   * number as pieces (1000 g ↔ 1 piece): "at least 500" is 500 kg of shrimp or 500 oysters.
   */
  minQuantityGrams?: number | null;
  verifiedOnly?: boolean;
  /** Defaults to relevance when there is a query, newest otherwise; relevance without a query is newest. */
  sort?: MarketSort | null;
  page?: number;
};

/** Anything with memberships and an operator flag — `Viewer` from auth.server.ts fits. */
export type ListingViewer = { isOperator: boolean; memberships: { orgId: string }[] } | null | undefined;

export type Label = { zh: string; en: string };
export type SpecRow = { key: string; label: Label; value: Label; kind: AttributeDefinition['type'] };

export type MarketItem = {
  id: string;
  titleZh: string | null;
  titleEn: string | null;
  category: { id: string; nameZh: string; nameEn: string; group: 'seafood' | 'farm' };
  /** The first few spec values, for chips on a card. */
  spec: SpecRow[];
  originName: string;
  originRegion: string;
  harvestDate: string;
  /** The last day the lot may be sold (market time zone), YYYY-MM-DD. */
  bestBefore: string;
  quantityAvailable: number;
  minOrderQuantity: number;
  displayUnit: QuantityUnit;
  caseNetGrams: number | null;
  coldChain: ColdChainClass;
  lowestPriceFen: number;
  priceUnit: 'kg' | 'piece';
  currency: Currency;
  seller: { id: string; name: string; verified: boolean };
  thumbKey: string | null;
  /** The viewer's own organisation listed it. */
  own: boolean;
};

export type MarketResult = {
  items: MarketItem[];
  /** Matching lots, counted up to COUNT_CAP. */
  total: number;
  /** More lots match than COUNT_CAP (the page says "4,800+"). */
  totalCapped: boolean;
  page: number;
  pageCount: number;
};

const SPEC_CHIPS = 3;

function formatNumberValue(value: unknown, unit: string | undefined): string {
  if (!unit) return String(value);
  return unit === '%' ? `${value}%` : `${value} ${unit}`;
}

/** A spec as labelled rows in the category's attribute order, enum values by their labels. */
export function specRows(attributes: AttributeDefinition[], spec: Record<string, unknown>): SpecRow[] {
  const rows: SpecRow[] = [];
  for (const attribute of attributes) {
    const raw = spec[attribute.key];
    if (raw === undefined || raw === null || raw === '') continue;
    let value: Label;
    if (attribute.type === 'enum') {
      const option = attribute.options.find((o) => o.value === String(raw));
      value = option ? option.label : { zh: String(raw), en: String(raw) };
    } else if (attribute.type === 'number') {
      const text = formatNumberValue(raw, attribute.unit);
      value = { zh: text, en: text };
    } else {
      value = { zh: String(raw), en: String(raw) };
    }
    rows.push({ key: attribute.key, label: attribute.label, value, kind: attribute.type });
  }
  return rows;
}

/**
 * A value this process computes at most once per `ttlMs` and shares meanwhile (concurrent callers get the same
 * promise); a failed read (the database went away) is not kept, so the next caller asks again. `refresh()` drops it.
 */
function keptFor<T>(ttlMs: number, load: (db: DbOrTx) => Promise<T>) {
  let kept: { at: number; value: Promise<T> } | null = null;
  const refresh = () => {
    kept = null;
  };
  const get = (db: DbOrTx, now = Date.now()): Promise<T> => {
    if (!kept || now - kept.at >= ttlMs) {
      const entry = { at: now, value: load(db) };
      kept = entry;
      entry.value.catch(() => {
        if (kept === entry) kept = null;
      });
    }
    return kept.value;
  };
  return { get, refresh };
}

/**
 * Every category's attribute list, parsed, kept per process for 30 s (as the filter options): a market page's 24
 * lots used to carry their category's attribute JSON (about 1 kB) each, parsed 24 times per view (issue #22).
 */
const cardAttributes = keptFor(30_000, async (db) => {
  const rows = await db.select({ id: categories.id, attributes: categories.attributes }).from(categories);
  return new Map(rows.map((row) => [row.id, parseAttributes(row.attributes)]));
});

/** The attribute lists of these categories; one unknown to the kept lists (created since) reloads them. */
async function attributesForCards(db: DbOrTx, categoryIds: string[]) {
  const byCategory = await cardAttributes.get(db);
  if (categoryIds.every((id) => byCategory.has(id))) return byCategory;
  cardAttributes.refresh();
  return cardAttributes.get(db);
}

/** The last day a lot may be sold: `expiresAt` is the first instant after it. */
export function bestBefore(expiresAt: Date): string {
  return marketToday(undefined, new Date(expiresAt.getTime() - 1));
}

/** A lot's best price: its lowest tier's unit price (per kg or per piece). */
const lowestPrice = sql<number>`(select min(${priceTiers.unitPriceFen}) from ${priceTiers} where ${priceTiers.listingId} = ${listings.id})`;

/** The first photo's thumbnail (or the photo itself when no thumbnail could be made). */
const firstThumb = sql<
  string | null
>`(select coalesce(${listingFiles.thumbKey}, ${listingFiles.storageKey}) from ${listingFiles} where ${listingFiles.listingId} = ${listings.id} and ${listingFiles.kind} = 'photo' order by ${listingFiles.position}, ${listingFiles.id} limit 1)`;

/** What marketSearch matches, shared with the benchmark so it times the same SQL. */
export function marketConditions(filters: MarketFilters, tsquery: string | null): SQL[] {
  const conditions: SQL[] = [
    eq(listings.status, 'live'),
    // The expiry job runs every few minutes; a lot past its shelf life is off the market at once.
    sql`${listings.expiresAt} > now()`,
  ];
  if (tsquery) conditions.push(sql`${listings.searchVector} @@ ${tsquery}::tsquery`);
  if (filters.categoryId) conditions.push(eq(listings.categoryId, filters.categoryId));
  if (filters.state) conditions.push(sql`${listings.spec}->>'state' = ${filters.state}`);
  if (filters.region) conditions.push(eq(listings.originRegion, filters.region));
  if (filters.coldChain) conditions.push(eq(listings.coldChain, filters.coldChain));
  if (filters.priceMinFen != null) conditions.push(sql`${lowestPrice} >= ${filters.priceMinFen}`);
  if (filters.priceMaxFen != null) conditions.push(sql`${lowestPrice} <= ${filters.priceMaxFen}`);
  if (filters.minQuantityGrams != null)
    conditions.push(
      sql`(case when ${categories.baseUnit} = 'piece' then ${listings.quantityAvailable} * 1000 else ${listings.quantityAvailable} end) >= ${filters.minQuantityGrams}`,
    );
  if (filters.verifiedOnly) conditions.push(eq(organisations.verification, 'verified'));
  return conditions;
}

function effectiveSort(filters: MarketFilters, tsquery: string | null): MarketSort {
  const sort = filters.sort ?? (tsquery ? 'relevance' : 'newest');
  return sort === 'relevance' && !tsquery ? 'newest' : sort;
}

/**
 * Live lots matching the filters, one page of them with the total. First which lots: the page's ids in order and
 * a count of the matches up to COUNT_CAP (with `reuse`, kept per process while the market's search version holds:
 * ADR 0047); then those lots' details, read fresh and checked live again, so a reused answer never shows a stale
 * price, quantity or a lot gone off the market.
 */
export async function marketSearch(
  db: DbOrTx,
  filters: MarketFilters,
  viewer?: ListingViewer,
  { reuse = false }: { reuse?: boolean } = {},
): Promise<MarketResult> {
  const tsquery = filters.q ? queryText(filters.q) : null;
  const sort = effectiveSort(filters, tsquery);
  const page = Math.min(Math.max(1, Math.trunc(filters.page ?? 1) || 1), MAX_PAGE);
  const find = () => findHits(db, filters, tsquery, sort, page);
  const { ids, count: n } = reuse
    ? await cachedSearch(
        db,
        JSON.stringify([tsquery, sort, page, { ...filters, q: undefined, sort: undefined, page: undefined }]),
        find,
      )
    : await find();
  const byId = new Map(ids.map((id, index) => [id, index]));
  const rows =
    ids.length === 0
      ? []
      : (await pageDetails(db, { ids })).sort((x, y) => (byId.get(x.id) ?? 0) - (byId.get(y.id) ?? 0));
  const totalCapped = n > COUNT_CAP;
  const total = Math.min(n, COUNT_CAP);

  const ownOrgs = new Set(viewer?.memberships.map((m) => m.orgId) ?? []);
  const attributes = await attributesForCards(db, [...new Set(rows.map((row) => row.categoryId))]);
  const items = rows.map(
    (row): MarketItem => ({
      id: row.id,
      titleZh: row.titleZh,
      titleEn: row.titleEn,
      category: {
        id: row.categoryId,
        nameZh: row.categoryNameZh,
        nameEn: row.categoryNameEn,
        group: row.categoryGroup,
      },
      spec: specRows(attributes.get(row.categoryId) ?? [], row.spec as Record<string, unknown>).slice(
        0,
        SPEC_CHIPS,
      ),
      originName: row.originName,
      originRegion: row.originRegion,
      harvestDate: row.harvestDate,
      bestBefore: bestBefore(row.expiresAt),
      quantityAvailable: row.quantityAvailable,
      minOrderQuantity: row.minOrderQuantity,
      displayUnit: row.displayUnit,
      caseNetGrams: row.caseNetGrams,
      coldChain: row.coldChain,
      lowestPriceFen: row.price,
      priceUnit: row.baseUnit === 'piece' ? 'piece' : 'kg',
      currency: row.currency as Currency,
      seller: { id: row.sellerOrgId, name: row.sellerName, verified: row.sellerVerification === 'verified' },
      thumbKey: row.thumbKey,
      own: ownOrgs.has(row.sellerOrgId),
    }),
  );
  return {
    items,
    total,
    totalCapped,
    page,
    pageCount: Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / PAGE_SIZE))),
  };
}

/** The details of a page of lots by id, still live; `ids` is a placeholder so the statement can be prepared. */
const detailsQuery = (db: DbOrTx) =>
  db
    .select({
      price: lowestPrice.mapWith(Number),
      thumbKey: firstThumb,
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      spec: listings.spec,
      originName: listings.originName,
      originRegion: listings.originRegion,
      harvestDate: listings.harvestDate,
      expiresAt: listings.expiresAt,
      quantityAvailable: listings.quantityAvailable,
      minOrderQuantity: listings.minOrderQuantity,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      coldChain: listings.coldChain,
      currency: listings.currency,
      sellerOrgId: listings.sellerOrgId,
      categoryId: categories.id,
      categoryNameZh: categories.nameZh,
      categoryNameEn: categories.nameEn,
      categoryGroup: categories.group,
      baseUnit: categories.baseUnit,
      sellerName: organisations.name,
      sellerVerification: organisations.verification,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(
      and(
        sql`${listings.id} = any(${sql.placeholder('ids')}::text[])`,
        eq(listings.status, 'live'),
        sql`${listings.expiresAt} > now()`,
      ),
    );

const pageDetails = hotRead('market_page_details', detailsQuery);

/** The page's lot ids in the search's order, and how many lots match (up to COUNT_CAP + 1). */
async function findHits(
  db: DbOrTx,
  filters: MarketFilters,
  tsquery: string | null,
  sort: MarketSort,
  page: number,
): Promise<SearchHits> {
  const where = and(...marketConditions(filters, tsquery));
  // Only the key the sort needs is computed for every match; the page's prices come after the LIMIT.
  const key =
    sort === 'relevance' && tsquery
      ? sql<number>`ts_rank_cd(${listings.searchVector}, ${tsquery}::tsquery)`
      : sort === 'price_asc' || sort === 'price_desc'
        ? lowestPrice
        : sql<number>`0`;
  const matches = () =>
    db
      .select({ id: listings.id })
      .from(listings)
      .innerJoin(categories, eq(categories.id, listings.categoryId))
      .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
      .where(where);
  // The count stops past the last page anyone can open: counting every live lot of a large market on each view of
  // its first page cost more than the page itself (issue #22, `ssr-market`). Beyond it the page says "4,800+".
  const counted = db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(
    matches()
      .limit(COUNT_CAP + 1)
      .as('matches'),
  );
  const paged = matches()
    .orderBy(...orderFor(sort, { key, publishedAt: listings.publishedAt, id: listings.id }))
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE);
  const [[{ n }], rows] = await Promise.all([counted, paged]);
  return { ids: rows.map((row) => row.id), count: n };
}

type SortKeys = { key: unknown; publishedAt: unknown; id: unknown };

/** Ties fall to the newest and then the id, so pages never overlap or skip a lot. */
function orderFor(sort: MarketSort, keys: SortKeys): SQL[] {
  const newest = [sql`${keys.publishedAt} desc nulls last`, sql`${keys.id} desc`];
  if (sort === 'relevance' || sort === 'price_desc') return [sql`${keys.key} desc`, ...newest];
  if (sort === 'price_asc') return [sql`${keys.key} asc`, ...newest];
  return newest;
}

export type MarketSearchForm = {
  /** What the form fields should show again (as typed). */
  values: Record<string, string>;
  /** i18n message keys for fields whose value was ignored. */
  errors: Record<string, string>;
  filters: MarketFilters;
};

/** The market page's query string, read leniently: a bad value is ignored and reported, never a 400. */
export function parseMarketSearch(params: URLSearchParams): MarketSearchForm {
  const read = (name: string) => (params.get(name) ?? '').trim();
  const values: Record<string, string> = {};
  for (const name of [
    'q',
    'category',
    'state',
    'region',
    'coldChain',
    'priceMin',
    'priceMax',
    'minQty',
    'sort',
  ]) {
    const value = read(name);
    if (value) values[name] = value.slice(0, 200);
  }
  if (params.get('verified') === '1') values.verified = '1';
  const errors: Record<string, string> = {};

  const price = (name: 'priceMin' | 'priceMax') => {
    if (!values[name]) return null;
    const parsed = parseMoney(values[name]);
    if (parsed.ok) return parsed.amount;
    errors[name] = parsed.error === 'tooPrecise' ? 'errors.tooPrecise' : 'errors.priceInvalid';
    return null;
  };
  let minQuantityGrams: number | null = null;
  if (values.minQty) {
    const parsed = toBase(values.minQty, 'kg');
    if (parsed.ok) minQuantityGrams = parsed.value;
    else errors.minQty = parsed.error === 'tooPrecise' ? 'errors.tooPrecise' : 'errors.notANumber';
  }
  const coldChain = (coldChainClass.enumValues as readonly string[]).includes(values.coldChain ?? '')
    ? (values.coldChain as ColdChainClass)
    : null;
  const sort = (SORTS as readonly string[]).includes(values.sort ?? '') ? (values.sort as MarketSort) : null;
  const page = Number.parseInt(params.get('page') ?? '1', 10);

  return {
    values,
    errors,
    filters: {
      q: values.q ?? null,
      categoryId: values.category ?? null,
      state: values.state ?? null,
      region: values.region ?? null,
      coldChain,
      priceMinFen: price('priceMin'),
      priceMaxFen: price('priceMax'),
      minQuantityGrams,
      verifiedOnly: values.verified === '1',
      sort,
      page: Number.isFinite(page) ? page : 1,
    },
  };
}

export type FilterOptions = {
  categories: { id: string; nameZh: string; nameEn: string; group: 'seafood' | 'farm' }[];
  states: { value: string; label: Label }[];
  regions: string[];
};

/**
 * How long the market's filter options are reused. They change only when a category is edited or a lot from a new
 * region goes live, while computing them reads every live lot's region (issue #22: per request it was a good part
 * of a market page under load); a new region shows in the form within this time.
 */
const FILTER_OPTIONS_TTL_MS = 30_000;
const filterOptions = keptFor(FILTER_OPTIONS_TTL_MS, loadFilterOptions);

/**
 * What the filter form offers, computed at most once per FILTER_OPTIONS_TTL_MS per process: active categories, the seafood states the catalogue defines, and the
 * regions live lots come from (empty when nothing is on the market at all).
 */
export function marketFilterOptions(db: DbOrTx, now = Date.now()): Promise<FilterOptions> {
  return filterOptions.get(db, now);
}

async function loadFilterOptions(db: DbOrTx): Promise<FilterOptions> {
  const [categoryRows, regionRows] = await Promise.all([
    db
      .select({
        id: categories.id,
        nameZh: categories.nameZh,
        nameEn: categories.nameEn,
        group: categories.group,
        attributes: categories.attributes,
      })
      .from(categories)
      .where(eq(categories.active, true))
      .orderBy(asc(categories.sort), asc(categories.id)),
    db
      .selectDistinct({ region: listings.originRegion })
      .from(listings)
      .where(and(eq(listings.status, 'live'), sql`${listings.expiresAt} > now()`))
      .orderBy(asc(listings.originRegion)),
  ]);
  const states = new Map<string, Label>();
  for (const category of categoryRows) {
    for (const attribute of parseAttributes(category.attributes)) {
      if (attribute.key !== 'state' || attribute.type !== 'enum') continue;
      for (const option of attribute.options)
        if (!states.has(option.value)) states.set(option.value, option.label);
    }
  }
  return {
    categories: categoryRows.map(({ attributes: _, ...category }) => category),
    states: [...states].map(([value, label]) => ({ value, label })),
    regions: regionRows.map((row) => row.region),
  };
}

export type ListingDetail = {
  listing: {
    id: string;
    /** The spec's values as stored (what `spec` below labels), for the reference price's grade. */
    specValues: Record<string, unknown>;
    status: ListingStatus;
    statusReason: string | null;
    titleZh: string | null;
    titleEn: string | null;
    descriptionZh: string | null;
    descriptionEn: string | null;
    originName: string;
    originRegion: string;
    harvestDate: string;
    shelfLifeDays: number;
    bestBefore: string;
    quantityTotal: number;
    quantityAvailable: number;
    minOrderQuantity: number;
    displayUnit: QuantityUnit;
    caseNetGrams: number | null;
    saleMode: 'fixed' | 'negotiable' | 'auction';
    coldChain: ColdChainClass;
    pickupPlace: string;
    currency: Currency;
    publishedAt: string | null;
  };
  category: {
    id: string;
    nameZh: string;
    nameEn: string;
    group: 'seafood' | 'farm';
    baseUnit: 'g' | 'piece';
    attributes: AttributeDefinition[];
  };
  spec: SpecRow[];
  tiers: { minQuantity: number; unitPriceFen: number }[];
  photos: { id: string; storageKey: string; thumbKey: string | null }[];
  certificates: {
    id: string;
    storageKey: string;
    contentType: string;
    certificateType: 'inspection' | 'quality' | 'other' | null;
    certificateNumber: string | null;
  }[];
  seller: {
    id: string;
    name: string;
    city: string | null;
    verified: boolean;
    /** YYYY-MM-DD, market time zone. */
    memberSince: string;
  };
  /** The seller's credit score (0–100) and quality class (A, B, C). */
  standing: { creditScore: number; qualityClass: string };
  /** The viewer belongs to the seller organisation. */
  viewerIsSeller: boolean;
};

/** Who may see a lot: anyone while it is public, otherwise the seller's members and operators only. */
export function canSeeListing(status: ListingStatus, sellerOrgId: string, viewer: ListingViewer): boolean {
  if (PUBLIC_STATUSES.includes(status)) return true;
  if (!viewer) return false;
  return viewer.isOperator || viewer.memberships.some((m) => m.orgId === sellerOrgId);
}

// A lot page's reads, prepared once per pool (issue #22, `ssr-lot`).
// The columns the page shows, not whole rows: a lot's search vector alone is over a kilobyte.
const lotDetail = hotRead('lot_detail', (db) =>
  db
    .select({
      listing: {
        id: listings.id,
        sellerOrgId: listings.sellerOrgId,
        status: listings.status,
        statusReason: listings.statusReason,
        titleZh: listings.titleZh,
        titleEn: listings.titleEn,
        descriptionZh: listings.descriptionZh,
        descriptionEn: listings.descriptionEn,
        spec: listings.spec,
        originName: listings.originName,
        originRegion: listings.originRegion,
        harvestDate: listings.harvestDate,
        shelfLifeDays: listings.shelfLifeDays,
        expiresAt: listings.expiresAt,
        quantityTotal: listings.quantityTotal,
        quantityAvailable: listings.quantityAvailable,
        minOrderQuantity: listings.minOrderQuantity,
        displayUnit: listings.displayUnit,
        caseNetGrams: listings.caseNetGrams,
        saleMode: listings.saleMode,
        coldChain: listings.coldChain,
        pickupPlace: listings.pickupPlace,
        currency: listings.currency,
        publishedAt: listings.publishedAt,
      },
      category: {
        id: categories.id,
        nameZh: categories.nameZh,
        nameEn: categories.nameEn,
        group: categories.group,
        baseUnit: categories.baseUnit,
        attributes: categories.attributes,
      },
      seller: {
        id: organisations.id,
        name: organisations.name,
        city: organisations.city,
        verification: organisations.verification,
        createdAt: organisations.createdAt,
        creditScore: organisations.creditScore,
        qualityClass: organisations.qualityClass,
      },
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(eq(listings.id, sql.placeholder('id'))),
);

const lotTiers = hotRead('lot_tiers', (db) =>
  db
    .select({ minQuantity: priceTiers.minQuantity, unitPriceFen: priceTiers.unitPriceFen })
    .from(priceTiers)
    .where(eq(priceTiers.listingId, sql.placeholder('id')))
    .orderBy(asc(priceTiers.minQuantity)),
);

const lotFiles = hotRead('lot_files', (db) =>
  db
    .select()
    .from(listingFiles)
    .where(eq(listingFiles.listingId, sql.placeholder('id')))
    .orderBy(asc(listingFiles.position), asc(listingFiles.id)),
);

/** One lot with everything its page shows, or null when it does not exist or this viewer may not see it. */
export async function getListingForViewer(
  db: DbOrTx,
  listingId: string,
  viewer: ListingViewer,
): Promise<ListingDetail | null> {
  const [row] = await lotDetail(db, { id: listingId });
  if (!row || !canSeeListing(row.listing.status, row.listing.sellerOrgId, viewer)) return null;
  const { listing, category, seller } = row;

  const [tiers, files] = await Promise.all([
    lotTiers(db, { id: listing.id }),
    lotFiles(db, { id: listing.id }),
  ]);
  const attributes = parseAttributes(category.attributes);
  return {
    listing: {
      id: listing.id,
      specValues: listing.spec as Record<string, unknown>,
      status: listing.status,
      statusReason: listing.statusReason,
      titleZh: listing.titleZh,
      titleEn: listing.titleEn,
      descriptionZh: listing.descriptionZh,
      descriptionEn: listing.descriptionEn,
      originName: listing.originName,
      originRegion: listing.originRegion,
      harvestDate: listing.harvestDate,
      shelfLifeDays: listing.shelfLifeDays,
      bestBefore: bestBefore(listing.expiresAt),
      quantityTotal: listing.quantityTotal,
      quantityAvailable: listing.quantityAvailable,
      minOrderQuantity: listing.minOrderQuantity,
      displayUnit: listing.displayUnit,
      caseNetGrams: listing.caseNetGrams,
      saleMode: listing.saleMode,
      coldChain: listing.coldChain,
      pickupPlace: listing.pickupPlace,
      currency: listing.currency as Currency,
      publishedAt: listing.publishedAt?.toISOString() ?? null,
    },
    category: {
      id: category.id,
      nameZh: category.nameZh,
      nameEn: category.nameEn,
      group: category.group,
      baseUnit: category.baseUnit,
      attributes,
    },
    spec: specRows(attributes, listing.spec as Record<string, unknown>),
    tiers,
    photos: files
      .filter((f) => f.kind === 'photo')
      .map((f) => ({ id: f.id, storageKey: f.storageKey, thumbKey: f.thumbKey })),
    certificates: files
      .filter((f) => f.kind === 'certificate')
      .map((f) => ({
        id: f.id,
        storageKey: f.storageKey,
        contentType: f.contentType,
        certificateType: f.certificateType,
        certificateNumber: f.certificateNumber,
      })),
    seller: {
      id: seller.id,
      name: seller.name,
      city: seller.city,
      verified: seller.verification === 'verified',
      memberSince: marketToday(undefined, seller.createdAt),
    },
    /** What the seller card shows of the org's standing (app/trust/credit.server.ts keeps both up to date). */
    standing: { creditScore: seller.creditScore, qualityClass: seller.qualityClass },
    viewerIsSeller: Boolean(viewer?.memberships.some((m) => m.orgId === seller.id)),
  };
}
