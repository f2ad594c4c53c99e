// Market search and the lot page against PostgreSQL: Chinese and English text, filters, sorts, pages and visibility.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  type Category,
  categories,
  listings,
  memberships,
  organisations,
  priceTiers,
  users,
} from '../../db/schema';
import { DEMO_PASSWORD, seedDemoMarket } from '../../db/seed';
import { marketToday, parseListingForm } from '../../app/listings/form.server';
import { changeListingStatus, createListing, moderateListing } from '../../app/listings/listings.server';
import {
  type MarketFilters,
  PAGE_SIZE,
  getListingForViewer,
  marketSearch,
} from '../../app/listings/queries.server';
import { newId } from '../../app/lib/ids';
import { searchVersion } from '../../app/listings/search-cache.server';
import { action as loginAction } from '../../app/routes/login';
import { loader as marketLoader } from '../../app/routes/market._index';
import { loader as listingLoader } from '../../app/routes/market.$listingId';
import { call, formRequest, getRequest, sessionCookieFrom } from '../support/http';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

let categoriesById: Map<string, Category>;
const today = marketToday();

const BASE: Record<string, string> = {
  harvestDate: today,
  shelfLifeDays: '5',
  unit: 'kg',
  priceUnit: 'kg',
  saleMode: 'fixed',
  pickupPlace: '湛江霞山水产品批发市场 3 号冷库',
};

async function list(
  orgId: string,
  userId: string,
  fields: Record<string, string>,
  submit = true,
): Promise<string> {
  const parsed = parseListingForm({ ...BASE, ...fields }, categoriesById, today);
  if (!parsed.ok) throw new Error(`listing form refused: ${JSON.stringify(parsed.errors)}`);
  const { id } = await db.transaction((tx) =>
    createListing(tx, { orgId, actorUserId: userId, draft: parsed.draft, submit }),
  );
  return id;
}

const ids: Record<string, string> = {};
let unverifiedOrg = '';

async function search(filters: MarketFilters) {
  return marketSearch(db, filters);
}

/** Every match across all pages, in order. */
async function allIds(filters: MarketFilters): Promise<string[]> {
  const found: string[] = [];
  for (let page = 1; ; page++) {
    const result = await search({ ...filters, page });
    found.push(...result.items.map((item) => item.id));
    if (page >= result.pageCount) return found;
  }
}

/**
 * The lots this file made among every match, in order. The demo seed lists lots of its own, so
 * assertions look at these only (and at the seed's only where they say so).
 */
async function idsFor(filters: MarketFilters): Promise<string[]> {
  const mine = new Set(Object.values(ids));
  return (await allIds(filters)).filter((id) => mine.has(id));
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));

  ids.shrimp = await list('org_haixing', 'usr_haixing', {
    categoryId: 'whiteleg-shrimp',
    titleZh: '湛江南美白虾 40/50 鲜活',
    descriptionZh: '塘头直发，活水车运输。',
    originName: '湛江东海岛养殖塘',
    originRegion: '广东湛江',
    quantity: '2000',
    moq: '100',
    coldChain: 'live',
    'spec.count': '40/50',
    'spec.state': 'live',
    'tiers.0.price': '36.00',
    'tiers.1.min': '1000',
    'tiers.1.price': '34.50',
  });
  ids.frozenShrimp = await list('org_haixing', 'usr_haixing', {
    categoryId: 'whiteleg-shrimp',
    titleEn: 'Frozen whiteleg shrimp block 50/60',
    originName: 'Zhanjiang processing plant',
    originRegion: '广东湛江',
    quantity: '600',
    moq: '50',
    coldChain: 'frozen',
    'spec.count': '50/60',
    'spec.state': 'frozen',
    'tiers.0.price': '42.00',
  });
  ids.pompano = await list('org_haixing', 'usr_haixing', {
    categoryId: 'golden-pompano',
    titleEn: 'Fresh golden pompano',
    originName: 'Lingshui cage farm',
    originRegion: '海南陵水',
    quantity: '800',
    moq: '50',
    coldChain: 'chilled',
    'spec.state': 'fresh',
    'spec.weightPerFish': '500',
    'tiers.0.price': '28.00',
  });
  ids.pineapple = await list('org_xuwen', 'usr_xuwen', {
    categoryId: 'pineapple',
    titleZh: '徐闻菠萝 台农 一级',
    originName: '徐闻曲界镇',
    originRegion: '广东徐闻',
    unit: 't',
    quantity: '10',
    moq: '0.5',
    coldChain: 'ambient',
    'spec.variety': 'tainong',
    'spec.grade': 'first',
    'tiers.0.price': '3.20',
  });
  ids.oyster = await list('org_maowei', 'usr_maowei', {
    categoryId: 'oyster',
    titleZh: '钦州大蚝 带壳',
    originName: '茅尾海',
    originRegion: '广西钦州',
    unit: 'piece',
    priceUnit: 'piece',
    quantity: '5000',
    moq: '100',
    coldChain: 'chilled',
    'spec.shellLength': '12',
    'spec.form': 'shell',
    'spec.state': 'live',
    'tiers.0.price': '2.50',
  });

  // A newly registered seller is not verified: its lot waits for review, then an operator approves it.
  unverifiedOrg = newId('org');
  const userId = newId('usr');
  await db
    .insert(organisations)
    .values({ id: unverifiedOrg, name: '阳江新手水产', kind: 'seller', city: '阳江' });
  await db.insert(users).values({
    id: userId,
    email: `${userId}@example.test`,
    name: '新卖家',
    passwordHash: 'x',
  });
  await db.insert(memberships).values({ orgId: unverifiedOrg, userId, role: 'owner' });
  ids.crab = await list(unverifiedOrg, userId, {
    categoryId: 'mud-crab',
    titleZh: '阳江青蟹 膏蟹',
    originName: '阳江程村',
    originRegion: '广东阳江',
    quantity: '300',
    moq: '10',
    coldChain: 'live',
    'spec.sex': 'female',
    'spec.weightPerCrab': '400',
    'spec.state': 'live',
    'tiers.0.price': '120.00',
  });
  await db.transaction((tx) =>
    moderateListing(tx, { listingId: ids.crab, actorUserId: 'usr_operator', decision: 'approve' }),
  );

  ids.draft = await list(
    'org_haixing',
    'usr_haixing',
    {
      categoryId: 'whiteleg-shrimp',
      titleZh: '草稿白虾 60/70',
      originName: '湛江',
      originRegion: '广东湛江',
      quantity: '100',
      moq: '10',
      coldChain: 'live',
      'spec.count': '60/70',
      'spec.state': 'live',
      'tiers.0.price': '30.00',
    },
    false,
  );
  ids.withdrawn = await list('org_haixing', 'usr_haixing', {
    categoryId: 'whiteleg-shrimp',
    titleZh: '撤回白虾 30/40',
    originName: '湛江',
    originRegion: '广东湛江',
    quantity: '100',
    moq: '10',
    coldChain: 'live',
    'spec.count': '30/40',
    'spec.state': 'live',
    'tiers.0.price': '31.00',
  });
  await db.transaction((tx) =>
    changeListingStatus(tx, {
      listingId: ids.withdrawn,
      orgId: 'org_haixing',
      actorUserId: 'usr_haixing',
      action: 'withdraw',
    }),
  );
});

describe('full-text search', () => {
  it('finds Chinese titles by a word, a single character, and English category keywords', async () => {
    expect(await idsFor({ q: '白虾' })).toContain(ids.shrimp);
    expect(await idsFor({ q: '虾' })).toContain(ids.shrimp);
    expect(await idsFor({ q: '南美白虾' })).toContain(ids.shrimp);
    expect(await idsFor({ q: 'shrimp' })).toContain(ids.shrimp);
    expect(await idsFor({ q: 'SHRI' })).toContain(ids.shrimp);
  });

  it('finds an English-only lot in English and by its category’s Chinese name', async () => {
    expect(await idsFor({ q: 'pompano' })).toEqual([ids.pompano]);
    expect(await idsFor({ q: '金鲳' })).toEqual([ids.pompano]);
  });

  it('keeps other products out', async () => {
    const pineapple = await idsFor({ q: '菠萝' });
    expect(pineapple).toEqual([ids.pineapple]);
    expect(pineapple).not.toContain(ids.shrimp);
    expect(await idsFor({ q: '白虾 菠萝' })).toEqual([]);
    expect(await allIds({ q: '   ' })).toEqual(await allIds({}));
  });

  it('ranks a match in the title above a match in the category keywords only', async () => {
    expect(await idsFor({ q: 'shrimp' })).toEqual([ids.frozenShrimp, ids.shrimp]);
    expect(await idsFor({ q: '白虾' })).toEqual([ids.shrimp, ids.frozenShrimp]);
  });
});

describe('filters', () => {
  it('by category, seafood state, origin and cold chain', async () => {
    expect(new Set(await idsFor({ categoryId: 'whiteleg-shrimp' }))).toEqual(
      new Set([ids.shrimp, ids.frozenShrimp]),
    );
    expect(new Set(await idsFor({ state: 'live' }))).toEqual(new Set([ids.shrimp, ids.oyster, ids.crab]));
    expect(new Set(await idsFor({ region: '广东湛江' }))).toEqual(new Set([ids.shrimp, ids.frozenShrimp]));
    expect(new Set(await idsFor({ coldChain: 'chilled' }))).toEqual(new Set([ids.pompano, ids.oyster]));
  });

  it('by the lowest tier price, per kg for weight goods and per piece for count goods', async () => {
    // The shrimp costs ¥36.00 at the MOQ but ¥34.50 from 1 t: its best price is in range.
    expect(await idsFor({ priceMinFen: 3000, priceMaxFen: 3500 })).toEqual([ids.shrimp]);
    expect(new Set(await idsFor({ priceMaxFen: 3000 }))).toEqual(
      new Set([ids.pompano, ids.pineapple, ids.oyster]),
    );
    expect(new Set(await idsFor({ priceMinFen: 4000 }))).toEqual(new Set([ids.frozenShrimp, ids.crab]));
  });

  it('by quantity available: kg for weight goods, the same number of pieces for count goods', async () => {
    expect(new Set(await idsFor({ minQuantityGrams: 1_500_000 }))).toEqual(
      new Set([ids.shrimp, ids.pineapple, ids.oyster]),
    );
    expect(new Set(await idsFor({ minQuantityGrams: 6_000_000 }))).toEqual(new Set([ids.pineapple]));
  });

  it('to verified sellers only', async () => {
    expect(await idsFor({})).toContain(ids.crab);
    const verified = await idsFor({ verifiedOnly: true });
    expect(verified).not.toContain(ids.crab);
    expect(verified).toHaveLength(5);
    const { items } = await search({ verifiedOnly: true });
    expect(items.every((item) => item.seller.verified)).toBe(true);
  });

  it('combines with text', async () => {
    expect(await idsFor({ q: '虾', coldChain: 'frozen' })).toEqual([ids.frozenShrimp]);
    expect(await idsFor({ q: '蟹', verifiedOnly: true })).toEqual([]);
  });
});

describe('what a card carries', () => {
  it('has titles, category, spec labels, stock, best price and seller, from one query', async () => {
    const { items } = await search({ q: '白虾' });
    const shrimp = items.find((i) => i.id === ids.shrimp);
    expect(shrimp).toMatchObject({
      titleZh: '湛江南美白虾 40/50 鲜活',
      category: { id: 'whiteleg-shrimp', nameZh: '南美白对虾', nameEn: 'Whiteleg shrimp' },
      originRegion: '广东湛江',
      quantityAvailable: 2_000_000,
      minOrderQuantity: 100_000,
      displayUnit: 'kg',
      lowestPriceFen: 3450,
      priceUnit: 'kg',
      seller: { id: 'org_haixing', verified: true },
      thumbKey: null,
    });
    expect(shrimp?.spec.map((row) => row.value.zh)).toEqual(['40/50 头/公斤', '鲜活']);
    const { items: oysters } = await search({ q: '生蚝', region: '广西钦州' });
    expect(oysters).toHaveLength(1);
    expect(oysters[0]).toMatchObject({ id: ids.oyster, priceUnit: 'piece', lowestPriceFen: 250 });
  });
});

describe('sorting and pages', () => {
  it('sorts by best price both ways, and newest first by default', async () => {
    const prices = async (sort: MarketFilters['sort']) => {
      const found: number[] = [];
      for (let page = 1; ; page++) {
        const result = await search({ sort, page });
        found.push(...result.items.map((i) => i.lowestPriceFen));
        if (page >= result.pageCount) return found;
      }
    };
    const ascending = await prices('price_asc');
    expect(ascending.length).toBeGreaterThan(6);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    const descending = await prices('price_desc');
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await idsFor({ sort: 'price_asc' })).toEqual([
      ids.oyster,
      ids.pineapple,
      ids.pompano,
      ids.shrimp,
      ids.frozenShrimp,
      ids.crab,
    ]);
    expect(await idsFor({ sort: 'price_desc' })).toEqual([
      ids.crab,
      ids.frozenShrimp,
      ids.shrimp,
      ids.pompano,
      ids.pineapple,
      ids.oyster,
    ]);
    const newest = (await search({})).items.map((i) => i.id);
    expect(newest[0]).toBe(ids.crab); // approved last
  });

  it('never shows drafts or withdrawn lots, by text or otherwise', async () => {
    for (const filters of [{}, { q: '草稿' }, { q: '撤回' }, { categoryId: 'whiteleg-shrimp' }]) {
      const found = await idsFor(filters);
      expect(found).not.toContain(ids.draft);
      expect(found).not.toContain(ids.withdrawn);
    }
  });

  it('pages 24 at a time without overlap, and counts every match', async () => {
    for (let i = 0; i < 25; i++) {
      await list('org_maowei', 'usr_maowei', {
        categoryId: 'tilapia',
        titleZh: `罗非鱼 第${i + 1}批`,
        originName: '茂名高州',
        originRegion: '广东茂名',
        quantity: '500',
        moq: '50',
        coldChain: 'live',
        'spec.state': 'live',
        'tiers.0.price': `${10 + i}.00`,
      });
    }
    const filters = { categoryId: 'tilapia', region: '广东茂名' };
    const first = await search(filters);
    expect(first).toMatchObject({ total: 25, page: 1, pageCount: 2 });
    expect(first.items).toHaveLength(PAGE_SIZE);
    const second = await search({ ...filters, page: 2 });
    expect(second).toMatchObject({ total: 25, page: 2, pageCount: 2 });
    expect(second.items).toHaveLength(1);
    expect(first.items.map((i) => i.id)).not.toContain(second.items[0].id);
    const past = await search({ ...filters, page: 9 });
    expect(past).toMatchObject({ total: 25, items: [] });
    const cheapestFirst = await search({ ...filters, sort: 'price_asc', page: 2 });
    expect(cheapestFirst.items[0].lowestPriceFen).toBe(3400);
    // The whole market pages too: the seed's lots and this file's are more than a page.
    const market = await search({});
    expect(market.total).toBeGreaterThan(PAGE_SIZE);
    expect((await search({ page: 2 })).items.length).toBe(Math.min(PAGE_SIZE, market.total - PAGE_SIZE));
  });
});

describe('a lot’s page', () => {
  it('hides a draft from another organisation and from the public, and shows it to its own', async () => {
    const own = { isOperator: false, memberships: [{ orgId: 'org_haixing' }] };
    const other = { isOperator: false, memberships: [{ orgId: 'org_maowei' }] };
    const operator = { isOperator: true, memberships: [{ orgId: 'org_operator' }] };
    expect(await getListingForViewer(db, ids.draft, other)).toBeNull();
    expect(await getListingForViewer(db, ids.draft, null)).toBeNull();
    expect((await getListingForViewer(db, ids.draft, own))?.listing.status).toBe('draft');
    expect((await getListingForViewer(db, ids.draft, operator))?.viewerIsSeller).toBe(false);
    expect(await getListingForViewer(db, 'lst_missing', own)).toBeNull();
  });

  it('gives a public lot to anyone, with tiers, spec labels and the seller card', async () => {
    const detail = await getListingForViewer(db, ids.shrimp, null);
    expect(detail?.tiers).toEqual([
      { minQuantity: 100_000, unitPriceFen: 3600 },
      { minQuantity: 1_000_000, unitPriceFen: 3450 },
    ]);
    expect(detail?.spec.map((row) => [row.label.zh, row.value.zh])).toEqual([
      ['规格（头/公斤）', '40/50 头/公斤'],
      ['状态', '鲜活'],
    ]);
    expect(detail?.seller).toMatchObject({ name: '湛江海兴南美白对虾养殖场', city: '湛江', verified: true });
    expect(detail?.listing.bestBefore).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(detail?.viewerIsSeller).toBe(false);
  });
});

describe('the routes', () => {
  it('reads the market query string, ignoring and reporting a bad price', async () => {
    const response = await call(() =>
      marketLoader(args(getRequest(`/market?q=${encodeURIComponent('白虾')}&verified=1&priceMax=abc`))),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      items: { id: string }[];
      errors: Record<string, string>;
      options: { regions: string[] };
    };
    // The frozen block matches through its category's keywords (白虾), below the title match.
    const mine = body.items.map((i) => i.id).filter((id) => id === ids.shrimp || id === ids.frozenShrimp);
    expect(mine).toEqual([ids.shrimp, ids.frozenShrimp]);
    expect(body.errors).toEqual({ priceMax: 'errors.priceInvalid' });
    expect(body.options.regions).toContain('广东湛江');
  });

  it('answers 404 for a draft to the public and shows it to its seller once signed in', async () => {
    const anonymous = await call(() =>
      listingLoader(args(getRequest(`/market/${ids.draft}`), { listingId: ids.draft })),
    );
    expect(anonymous.status).toBe(404);
    const login = await call(() =>
      loginAction(args(formRequest('/login', { email: 'shrimp@wharf.test', password: DEMO_PASSWORD }))),
    );
    const cookie = sessionCookieFrom(login);
    const own = await call(() =>
      listingLoader(args(getRequest(`/market/${ids.draft}?unit=jin`, { cookie }), { listingId: ids.draft })),
    );
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ unit: 'jin', asBuyer: false, listing: { status: 'draft' } });
  });

  it('marks the buyer slots only for a signed-in buyer organisation', async () => {
    const login = await call(() =>
      loginAction(
        args(
          formRequest(
            '/login',
            { email: 'restaurant@wharf.test', password: DEMO_PASSWORD },
            { ip: '198.51.100.20' },
          ),
        ),
      ),
    );
    const cookie = sessionCookieFrom(login);
    const asBuyer = await call(() =>
      listingLoader(args(getRequest(`/market/${ids.shrimp}`, { cookie }), { listingId: ids.shrimp })),
    );
    expect(await asBuyer.json()).toMatchObject({ asBuyer: true, unit: 'kg', signedIn: true });
    const anonymous = await call(() =>
      listingLoader(args(getRequest(`/market/${ids.shrimp}`), { listingId: ids.shrimp })),
    );
    expect(await anonymous.json()).toMatchObject({ asBuyer: false, signedIn: false });
  });
});

describe('the seller org used for the unverified lot', () => {
  it('is not verified', async () => {
    const [org] = await db.select().from(organisations).where(eq(organisations.id, unverifiedOrg));
    expect(org.verification).toBe('unverified');
  });
});

describe('a search answered again while the market is unchanged (ADR 0047)', () => {
  const reused = (filters: MarketFilters) => marketSearch(db, filters, undefined, { reuse: true });
  const idsOf = async (filters: MarketFilters) => (await reused(filters)).items.map((item) => item.id);

  it('finds a lot published after the same search was answered, and drops one withdrawn at once', async () => {
    expect(await idsOf({ q: '复用白虾' })).toEqual([]);
    const id = await list('org_haixing', 'usr_haixing', {
      categoryId: 'whiteleg-shrimp',
      titleZh: '复用白虾 40/50 鲜活',
      originName: '湛江',
      originRegion: '广东湛江',
      quantity: '100',
      moq: '10',
      coldChain: 'live',
      'spec.count': '40/50',
      'spec.state': 'live',
      'tiers.0.price': '33.00',
    });
    expect(await idsOf({ q: '复用白虾' })).toEqual([id]);
    await db.transaction((tx) =>
      changeListingStatus(tx, {
        listingId: id,
        orgId: 'org_haixing',
        actorUserId: 'usr_haixing',
        action: 'withdraw',
      }),
    );
    expect(await idsOf({ q: '复用白虾' })).toEqual([]);
  });

  it('keeps the version through a buy, and still shows the quantity left after it', async () => {
    const first = await reused({ q: '湛江南美白虾' });
    expect(first.items.map((item) => item.id)).toContain(ids.shrimp);
    const version = await searchVersion(db);
    await db
      .update(listings)
      .set({ quantityAvailable: sql`${listings.quantityAvailable} - 500000` })
      .where(eq(listings.id, ids.shrimp));
    expect(await searchVersion(db)).toBe(version);
    const again = await reused({ q: '湛江南美白虾' });
    expect(again.items.find((item) => item.id === ids.shrimp)?.quantityAvailable).toBe(
      (first.items.find((item) => item.id === ids.shrimp)?.quantityAvailable ?? 0) - 500_000,
    );
    await db
      .update(listings)
      .set({ quantityAvailable: sql`${listings.quantityAvailable} + 500000` })
      .where(eq(listings.id, ids.shrimp));
  });

  it('orders by a changed tier price on the next view', async () => {
    const cheapest = async () => (await idsOf({ categoryId: 'whiteleg-shrimp', sort: 'price_asc' }))[0];
    const before = await cheapest();
    const [tier] = await db
      .select()
      .from(priceTiers)
      .where(eq(priceTiers.listingId, ids.frozenShrimp))
      .orderBy(priceTiers.minQuantity)
      .limit(1);
    expect(before).not.toBe(ids.frozenShrimp);
    await db
      .update(priceTiers)
      .set({ unitPriceFen: 1 })
      .where(and(eq(priceTiers.listingId, tier.listingId), eq(priceTiers.minQuantity, tier.minQuantity)));
    expect(await cheapest()).toBe(ids.frozenShrimp);
    await db
      .update(priceTiers)
      .set({ unitPriceFen: tier.unitPriceFen })
      .where(and(eq(priceTiers.listingId, tier.listingId), eq(priceTiers.minQuantity, tier.minQuantity)));
    expect(await cheapest()).toBe(before);
  });

  it('changes version when a seller loses its verification, so "verified only" drops its lots', async () => {
    expect(await idsOf({ verifiedOnly: true, q: '钦州大蚝' })).toContain(ids.oyster);
    await db
      .update(organisations)
      .set({ verification: 'unverified' })
      .where(eq(organisations.id, 'org_maowei'));
    try {
      expect(await idsOf({ verifiedOnly: true, q: '钦州大蚝' })).not.toContain(ids.oyster);
    } finally {
      await db
        .update(organisations)
        .set({ verification: 'verified' })
        .where(eq(organisations.id, 'org_maowei'));
    }
  });
});
