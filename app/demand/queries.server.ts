// The demand area's read side: the board, one demand and its quotes as a viewer may see them, threads, desks and matches.
import { type SQL, and, asc, count, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  type DemandStatus,
  categories,
  cities,
  coldChainClass,
  demands,
  listings,
  matches,
  organisations,
  priceTiers,
  quoteMessages,
  quoteVersions,
  quotes,
} from '../../db/schema';
import type { Viewer } from '../lib/auth.server';
import { parseAttributes } from '../listings/catalogue';
import type { DemandSpec, ScoreParts } from '../matching/score';
import { takesQuotes } from './demands.server';
import { demandSpecRows } from './format';

export const BOARD_SORTS = ['newest', 'deliver_by', 'quantity'] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];
export const BOARD_PAGE_SIZE = 20;
const MAX_PAGE = 200;

export type BoardFilters = {
  categoryId: string | null;
  region: string | null;
  cityId: string | null;
  coldChain: (typeof coldChainClass.enumValues)[number] | null;
  sort: BoardSort;
  page: number;
};

/** The board's query string, read leniently: anything unknown is ignored. */
export function parseBoardSearch(params: URLSearchParams): {
  filters: BoardFilters;
  values: Record<string, string>;
} {
  const values: Record<string, string> = {};
  for (const name of ['category', 'region', 'city', 'coldChain', 'sort']) {
    const value = (params.get(name) ?? '').trim().slice(0, 60);
    if (value) values[name] = value;
  }
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return {
    values,
    filters: {
      categoryId: values.category ?? null,
      region: values.region ?? null,
      cityId: values.city ?? null,
      coldChain: (coldChainClass.enumValues as readonly string[]).includes(values.coldChain ?? '')
        ? (values.coldChain as BoardFilters['coldChain'])
        : null,
      sort: (BOARD_SORTS as readonly string[]).includes(values.sort ?? '')
        ? (values.sort as BoardSort)
        : 'newest',
      page: Number.isSafeInteger(page) && page > 0 ? Math.min(page, MAX_PAGE) : 1,
    },
  };
}

/** Demands for verified sellers only are shown to verified orgs and to the buyer itself. */
function visibleTo(viewer: Viewer | null): SQL {
  const own = viewer?.memberships.map((m) => m.orgId) ?? [];
  const verified = viewer?.memberships.some((m) => m.verification === 'verified') || viewer?.isOperator;
  if (verified) return sql`true`;
  return own.length > 0
    ? (or(eq(demands.visibility, 'all'), inArray(demands.buyerOrgId, own)) as SQL)
    : eq(demands.visibility, 'all');
}

const demandCard = {
  id: demands.id,
  title: demands.title,
  spec: demands.spec,
  quantity: demands.quantity,
  displayUnit: demands.displayUnit,
  targetPriceFen: demands.targetPriceFen,
  priceUnit: demands.priceUnit,
  deliverBy: demands.deliverBy,
  coldChain: demands.coldChain,
  visibility: demands.visibility,
  status: demands.status,
  expiresAt: demands.expiresAt,
  createdAt: demands.createdAt,
  buyerOrgId: demands.buyerOrgId,
  buyerName: organisations.name,
  categoryId: categories.id,
  categoryZh: categories.nameZh,
  categoryEn: categories.nameEn,
  attributes: categories.attributes,
  cityZh: cities.nameZh,
  cityEn: cities.nameEn,
  region: cities.region,
  quoteCount:
    sql<number>`(select count(*) from ${quotes} where ${quotes.demandId} = ${demands.id} and ${quotes.status} <> 'withdrawn')`.mapWith(
      Number,
    ),
};

type CardRow = {
  spec: unknown;
  attributes: unknown;
  expiresAt: Date;
  createdAt: Date;
} & Record<string, unknown>;

function card<R extends CardRow>(row: R) {
  const { attributes, spec, ...rest } = row;
  return {
    ...rest,
    specRows: demandSpecRows(parseAttributes(attributes), (spec ?? {}) as DemandSpec),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function demandBoard(db: DbOrTx, filters: BoardFilters, viewer: Viewer | null) {
  const conditions: SQL[] = [
    eq(demands.status, 'open'),
    gt(demands.expiresAt, sql`now()`),
    visibleTo(viewer),
  ];
  if (filters.categoryId) conditions.push(eq(demands.categoryId, filters.categoryId));
  if (filters.region) conditions.push(eq(cities.region, filters.region));
  if (filters.cityId) conditions.push(eq(demands.deliveryCityId, filters.cityId));
  if (filters.coldChain) conditions.push(eq(demands.coldChain, filters.coldChain));
  const order =
    filters.sort === 'deliver_by'
      ? [asc(demands.deliverBy), desc(demands.id)]
      : filters.sort === 'quantity'
        ? [desc(demands.quantity), desc(demands.id)]
        : [desc(demands.createdAt), desc(demands.id)];
  const rows = await db
    .select({ ...demandCard, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(demands)
    .innerJoin(organisations, eq(organisations.id, demands.buyerOrgId))
    .innerJoin(categories, eq(categories.id, demands.categoryId))
    .innerJoin(cities, eq(cities.id, demands.deliveryCityId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(BOARD_PAGE_SIZE)
    .offset((filters.page - 1) * BOARD_PAGE_SIZE);
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && filters.page > 1) {
    const [counted] = await db
      .select({ n: count() })
      .from(demands)
      .innerJoin(cities, eq(cities.id, demands.deliveryCityId))
      .where(and(...conditions));
    total = counted?.n ?? 0;
  }
  const own = new Set(viewer?.memberships.map((m) => m.orgId) ?? []);
  return {
    items: rows.map(({ total: _, ...row }) => ({ ...card(row), own: own.has(row.buyerOrgId) })),
    total,
    page: filters.page,
    pages: Math.max(1, Math.ceil(total / BOARD_PAGE_SIZE)),
  };
}

/** What the board's filters offer: active categories, and the regions and cities of the places table. */
export async function boardFilterOptions(db: DbOrTx) {
  const [categoryRows, cityRows] = await Promise.all([
    db
      .select({
        id: categories.id,
        nameZh: categories.nameZh,
        nameEn: categories.nameEn,
        group: categories.group,
      })
      .from(categories)
      .where(eq(categories.active, true))
      .orderBy(asc(categories.sort), asc(categories.id)),
    db
      .select({
        id: cities.id,
        nameZh: cities.nameZh,
        nameEn: cities.nameEn,
        region: cities.region,
        province: cities.province,
      })
      .from(cities)
      .orderBy(asc(cities.province), asc(cities.region), asc(cities.id)),
  ]);
  return {
    categories: categoryRows,
    cities: cityRows,
    regions: [...new Set(cityRows.map((c) => c.region))],
  };
}

export type ViewerSide = 'buyer' | 'seller' | 'operator';

/**
 * One demand as a viewer may see it, or null (404): the buyer's members and operators always; a seller
 * org with a quote on it always; any other org while it is open, and if it is for verified sellers only, verified ones.
 */
export async function demandForViewer(db: DbOrTx, demandId: string, viewer: Viewer) {
  const [row] = await db
    .select({
      demand: demands,
      ...demandCard,
      defaultColdChain: categories.defaultColdChain,
      baseUnit: categories.baseUnit,
    })
    .from(demands)
    .innerJoin(organisations, eq(organisations.id, demands.buyerOrgId))
    .innerJoin(categories, eq(categories.id, demands.categoryId))
    .innerJoin(cities, eq(cities.id, demands.deliveryCityId))
    .where(eq(demands.id, demandId));
  if (!row) return null;
  const active = viewer.activeOrg;
  const { demand } = row;
  const isBuyer = viewer.memberships.some((m) => m.orgId === demand.buyerOrgId);
  const ownQuotes = active
    ? await db
        .select({ id: quotes.id, status: quotes.status })
        .from(quotes)
        .where(and(eq(quotes.demandId, demandId), eq(quotes.sellerOrgId, active.orgId)))
        .orderBy(desc(quotes.createdAt))
    : [];
  const open = takesQuotes(demand);
  const sellerKind = active && (active.kind === 'seller' || active.kind === 'both');
  const visibleAsSeller =
    Boolean(sellerKind) && open && (demand.visibility === 'all' || active?.verification === 'verified');
  // Whoever sees the demand on the board may open it (read-only unless they can quote): the same rule as visibleTo.
  const onBoard =
    open && (demand.visibility === 'all' || viewer.memberships.some((m) => m.verification === 'verified'));
  if (!isBuyer && !viewer.isOperator && ownQuotes.length === 0 && !visibleAsSeller && !onBoard) return null;
  const side: ViewerSide | null = isBuyer
    ? 'buyer'
    : ownQuotes.length > 0 || sellerKind
      ? 'seller'
      : viewer.isOperator
        ? 'operator'
        : null;
  const { demand: _, defaultColdChain: __, baseUnit, ...cardRow } = row;
  return {
    demand: {
      ...card(cardRow),
      notes: demand.notes,
      spec: demand.spec as DemandSpec,
      deliveryCityId: demand.deliveryCityId,
      baseUnit,
      open,
    },
    side,
    /** The seller's open (or accepted) thread on this demand, if any. */
    ownQuote: ownQuotes.find((q) => q.status !== 'withdrawn') ?? null,
    canQuote: Boolean(sellerKind) && !isBuyer && open && !ownQuotes.some((q) => q.status !== 'withdrawn'),
  };
}

/** The latest version of each thread, joined for lists. */
const latestVersion = and(
  eq(quoteVersions.quoteId, quotes.id),
  eq(quoteVersions.version, quotes.currentVersion),
);

/** The quote threads of a demand a viewer may see: all of them for the buyer and operators, its own for a seller. */
export async function quotesOfDemand(db: DbOrTx, demandId: string, viewer: Viewer, side: ViewerSide | null) {
  const conditions: SQL[] = [eq(quotes.demandId, demandId)];
  if (side === 'seller') conditions.push(eq(quotes.sellerOrgId, viewer.activeOrg?.orgId ?? ''));
  const rows = await db
    .select({
      id: quotes.id,
      status: quotes.status,
      orderId: quotes.orderId,
      listingId: quotes.listingId,
      sellerOrgId: quotes.sellerOrgId,
      sellerName: organisations.name,
      sellerVerified: sql<boolean>`${organisations.verification} = 'verified'`,
      sellerCredit: organisations.creditScore,
      version: quoteVersions.version,
      side: quoteVersions.side,
      unitPriceFen: quoteVersions.unitPriceFen,
      priceUnit: quoteVersions.priceUnit,
      quantity: quoteVersions.quantity,
      deliverBy: quoteVersions.deliverBy,
      validUntil: quoteVersions.validUntil,
    })
    .from(quotes)
    .innerJoin(organisations, eq(organisations.id, quotes.sellerOrgId))
    .innerJoin(quoteVersions, latestVersion)
    .where(and(...conditions))
    .orderBy(asc(quoteVersions.unitPriceFen), asc(quotes.id));
  return rows.map((row) => ({ ...row, validUntil: row.validUntil.toISOString() }));
}

/**
 * One quote thread with every version and message, for a party to it (or an operator); null for
 * anyone else — a third org reading the thread gets 404.
 */
export async function threadForViewer(db: DbOrTx, demandId: string, quoteId: string, viewer: Viewer) {
  const [row] = await db
    .select({ quote: quotes, demand: demands, sellerName: organisations.name, baseUnit: categories.baseUnit })
    .from(quotes)
    .innerJoin(demands, eq(demands.id, quotes.demandId))
    .innerJoin(organisations, eq(organisations.id, quotes.sellerOrgId))
    .innerJoin(categories, eq(categories.id, demands.categoryId))
    .where(and(eq(quotes.id, quoteId), eq(quotes.demandId, demandId)));
  if (!row) return null;
  const active = viewer.activeOrg?.orgId;
  const side: 'buyer' | 'seller' | null =
    active === row.demand.buyerOrgId ? 'buyer' : active === row.quote.sellerOrgId ? 'seller' : null;
  if (!side && !viewer.isOperator) return null;
  const [versions, messages, buyer, lot] = await Promise.all([
    db
      .select()
      .from(quoteVersions)
      .where(eq(quoteVersions.quoteId, quoteId))
      .orderBy(asc(quoteVersions.version)),
    db
      .select({
        id: quoteMessages.id,
        body: quoteMessages.body,
        createdAt: quoteMessages.createdAt,
        authorOrgId: quoteMessages.authorOrgId,
        orgName: organisations.name,
      })
      .from(quoteMessages)
      .innerJoin(organisations, eq(organisations.id, quoteMessages.authorOrgId))
      .where(eq(quoteMessages.quoteId, quoteId))
      .orderBy(asc(quoteMessages.createdAt)),
    db
      .select({ name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, row.demand.buyerOrgId)),
    row.quote.listingId
      ? db
          .select({
            id: listings.id,
            titleZh: listings.titleZh,
            titleEn: listings.titleEn,
            status: listings.status,
            quantityAvailable: listings.quantityAvailable,
            displayUnit: listings.displayUnit,
            caseNetGrams: listings.caseNetGrams,
          })
          .from(listings)
          .where(eq(listings.id, row.quote.listingId))
      : Promise.resolve([]),
  ]);
  const latest = versions[versions.length - 1];
  const now = new Date();
  const open = row.quote.status === 'open';
  const myTurn = open && side !== null && latest.side !== side;
  return {
    demand: {
      id: row.demand.id,
      title: row.demand.title,
      status: row.demand.status,
      buyerName: buyer[0]?.name ?? '',
      quantity: row.demand.quantity,
      displayUnit: row.demand.displayUnit,
      targetPriceFen: row.demand.targetPriceFen,
      priceUnit: row.demand.priceUnit,
      deliverBy: row.demand.deliverBy,
      open: takesQuotes(row.demand, now),
    },
    quote: {
      id: row.quote.id,
      status: row.quote.status,
      orderId: row.quote.orderId,
      currentVersion: row.quote.currentVersion,
      sellerName: row.sellerName,
    },
    baseUnit: row.baseUnit,
    listing: lot[0] ?? null,
    versions: versions.map((v) => ({
      ...v,
      tiers: v.tiers as { minQuantity: number; unitPriceFen: number }[],
      validUntil: v.validUntil.toISOString(),
      createdAt: v.createdAt.toISOString(),
      expired: v.validUntil <= now,
    })),
    messages: messages.map((m) => ({
      ...m,
      createdAt: m.createdAt.toISOString(),
      mine: m.authorOrgId === active,
    })),
    side,
    myTurn,
    canAccept:
      myTurn && latest.validUntil > now && Boolean(row.quote.listingId) && row.demand.status !== 'closed',
  };
}

/** Lots that fit a demand, best first, with the parts of each score. */
export async function listingsForDemand(db: DbOrTx, demandId: string, limit = 20) {
  const rows = await db
    .select({
      listingId: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      quantityAvailable: listings.quantityAvailable,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      pickupPlace: listings.pickupPlace,
      harvestDate: listings.harvestDate,
      sellerName: organisations.name,
      sellerVerified: sql<boolean>`${organisations.verification} = 'verified'`,
      score: matches.score,
      parts: matches.parts,
      distanceKm: matches.distanceKm,
      lowestPriceFen:
        sql<number>`(select min(${priceTiers.unitPriceFen}) from ${priceTiers} where ${priceTiers.listingId} = ${listings.id})`.mapWith(
          Number,
        ),
    })
    .from(matches)
    .innerJoin(listings, eq(listings.id, matches.listingId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    // Only the screened version of a lot (ADR 0034): an edited lot's old matches hide until screening passes it again.
    .where(
      and(
        eq(matches.demandId, demandId),
        eq(listings.status, 'live'),
        eq(listings.screenedVersion, listings.version),
      ),
    )
    .orderBy(desc(matches.score), asc(matches.listingId))
    .limit(limit);
  return rows.map((row) => ({ ...row, parts: row.parts as ScoreParts & { unitPriceFen: number | null } }));
}

/** "Demands your lots fit": the open demands an org's lots match, each with its best-matching lot. */
export async function demandsForSeller(db: DbOrTx, sellerOrgId: string, limit = 10) {
  const rows = await db
    .selectDistinctOn([matches.demandId], {
      demandId: demands.id,
      title: demands.title,
      quantity: demands.quantity,
      displayUnit: demands.displayUnit,
      targetPriceFen: demands.targetPriceFen,
      priceUnit: demands.priceUnit,
      deliverBy: demands.deliverBy,
      cityZh: cities.nameZh,
      cityEn: cities.nameEn,
      buyerName: organisations.name,
      listingId: listings.id,
      listingTitleZh: listings.titleZh,
      listingTitleEn: listings.titleEn,
      score: matches.score,
      parts: matches.parts,
      distanceKm: matches.distanceKm,
    })
    .from(matches)
    .innerJoin(listings, eq(listings.id, matches.listingId))
    .innerJoin(demands, eq(demands.id, matches.demandId))
    .innerJoin(cities, eq(cities.id, demands.deliveryCityId))
    .innerJoin(organisations, eq(organisations.id, demands.buyerOrgId))
    .where(
      and(
        eq(listings.sellerOrgId, sellerOrgId),
        eq(listings.status, 'live'),
        eq(listings.screenedVersion, listings.version),
        eq(demands.status, 'open'),
        gt(demands.expiresAt, sql`now()`),
      ),
    )
    .orderBy(matches.demandId, desc(matches.score));
  return rows
    .map((row) => ({ ...row, parts: row.parts as ScoreParts }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

const DESK_STATUSES: DemandStatus[] = ['open', 'closed', 'fulfilled'];

/** The buyer's desk: its demands (open first), each with its threads' latest offers and its best-fitting lots. */
export async function buyerDesk(db: DbOrTx, buyerOrgId: string, page = 1, pageSize = 20) {
  const rows = await db
    .select({ ...demandCard, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(demands)
    .innerJoin(organisations, eq(organisations.id, demands.buyerOrgId))
    .innerJoin(categories, eq(categories.id, demands.categoryId))
    .innerJoin(cities, eq(cities.id, demands.deliveryCityId))
    .where(and(eq(demands.buyerOrgId, buyerOrgId), inArray(demands.status, DESK_STATUSES)))
    .orderBy(sql`case when ${demands.status} = 'open' then 0 else 1 end`, desc(demands.createdAt))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const ids = rows.map((r) => r.id);
  const [offers, fits] = await Promise.all([
    ids.length
      ? db
          .select({
            demandId: quotes.demandId,
            quoteId: quotes.id,
            status: quotes.status,
            orderId: quotes.orderId,
            sellerName: organisations.name,
            side: quoteVersions.side,
            unitPriceFen: quoteVersions.unitPriceFen,
            priceUnit: quoteVersions.priceUnit,
            quantity: quoteVersions.quantity,
            validUntil: quoteVersions.validUntil,
          })
          .from(quotes)
          .innerJoin(organisations, eq(organisations.id, quotes.sellerOrgId))
          .innerJoin(quoteVersions, latestVersion)
          .where(inArray(quotes.demandId, ids))
          .orderBy(asc(quoteVersions.unitPriceFen))
      : Promise.resolve([]),
    Promise.all(ids.map((id) => listingsForDemand(db, id, 3))),
  ]);
  const total = rows[0]?.total ?? 0;
  return {
    demands: rows.map(({ total: _, ...row }, i) => ({
      ...card(row),
      quotes: offers
        .filter((o) => o.demandId === row.id)
        .map((o) => ({ ...o, validUntil: o.validUntil.toISOString() })),
      fits: fits[i],
    })),
    page,
    pages: Math.max(1, Math.ceil(total / pageSize)),
  };
}
