// The market reads its reference price: screening measures a lot against it, an auction's reserve may not fall
// under the operator's share of it, the lot page shows it, and sellers and buyers get their trades by month
// against the market's VWAP (table and CSV), each org only its own. Trades of known prices and weights on
// known market days, through the real order steps and the market-data writer.
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auctions,
  categories,
  listings,
  marketSettings,
  memberships,
  orderEvents,
  orders,
  organisations,
  users,
} from '../../db/schema';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { addDays, marketDayAt } from '../../app/lib/market-time';
import { marketToday, parseListingForm } from '../../app/listings/form.server';
import { createListing } from '../../app/listings/listings.server';
import { recordOrderTrade } from '../../app/market-data/index.server';
import { setMarketSetting } from '../../app/market/settings.server';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { loader as lotLoader } from '../../app/routes/market.$listingId';
import { loader as purchasesLoader } from '../../app/routes/orders.reports';
import { action as settingsAction } from '../../app/routes/operator.settings';
import { action as newAuctionAction } from '../../app/routes/sell.$listingId.auction';
import { loader as salesLoader } from '../../app/routes/sell.reports';
import { loader as salesCsvLoader } from '../../app/routes/sell.reports_.csv';
import { loader as purchasesCsvLoader } from '../../app/routes/orders.reports_.csv';
import { priceOutlier } from '../../app/trust/screening';
import { processModerationJob } from '../../workers/moderation';
import { call, formRequest, getRequest } from '../support/http';
import { startWeb } from '../support/web-process';
import { type Seller, buyerOrg, shrimpLotFields, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

async function cookieOf(who: Seller): Promise<string> {
  return (
    await commitSessionCookie(await createSession(db, { userId: who.userId, activeOrgId: who.orgId }))
  ).split(';')[0];
}

/** A live shrimp lot of one count (grade) at one price per kg, entered through the listing form. */
async function lot(seller: Seller, priceYuan: string, count = '40/50'): Promise<string> {
  const categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
  const parsed = parseListingForm(
    {
      ...shrimpLotFields({ titleZh: `南美白对虾 ${count} 批次 ${randomBytes(3).toString('hex')}` }),
      'tiers.0.price': priceYuan,
      'spec.count': count,
    },
    categoriesById,
  );
  if (!parsed.ok) throw new Error(`lot fails the form: ${JSON.stringify(parsed.errors)}`);
  const { id, status } = await createListing(db, {
    orgId: seller.orgId,
    actorUserId: seller.userId,
    draft: parsed.draft,
    submit: true,
  });
  if (status !== 'live') throw new Error(`lot is ${status}`);
  return id;
}

/** One completed trade: `kg` bought at `priceYuan` per kg, completed on market day `day`, and recorded. */
async function trade(seller: Seller, buyer: Seller, priceYuan: string, kg: number, day: string) {
  const listingId = await lot(seller, priceYuan);
  const placed = await placeBuyNow({
    buyerOrgId: buyer.orgId,
    actorUserId: buyer.userId,
    form: { listingId, quantity: String(kg), unit: 'kg', tolerancePercent: 3 },
  });
  if (!placed.ok) throw new Error(`buy refused: ${JSON.stringify(placed.errors)}`);
  const id = placed.orderId;
  await actOnOrder(id, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
  await actOnOrder(id, { userId: seller.userId, parties: ['seller'] }, { action: 'ship' });
  await actOnOrder(id, { userId: buyer.userId, parties: ['buyer'] }, { action: 'confirm_delivery' });
  await db
    .update(orders)
    .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
    .where(eq(orders.id, id));
  await actOnOrder(id, { userId: null, parties: ['system'] }, { action: 'complete' });
  // The completion happened on `day` (noon, market time): the trade's day is its completion's market day.
  await db
    .update(orderEvents)
    .set({ at: marketDayAt(day, '12:00') })
    .where(and(eq(orderEvents.orderId, id), eq(orderEvents.toStatus, 'completed')));
  expect(await recordOrderTrade(db, id)).toBe('recorded');
  return id;
}

const today = marketToday();
const day = (n: number) => addDays(today, n);
const month = (d: string) => d.slice(0, 7);

let seller: Seller;
let rival: Seller;
let buyer: Seller;
let otherBuyer: Seller;
const cookies = { seller: '', rival: '', buyer: '', otherBuyer: '' };

/** The trades, as [seller, buyer, ¥/kg, kg, day]; the reference of today covers the 14 days before it. */
let trades: [Seller, Seller, number, number, string][];

beforeAll(async () => {
  seller = await verifiedSeller(db);
  rival = await verifiedSeller(db);
  // Invoices' fiscal numbers count per seller within a province: two sellers' first invoices in one province
  // collide (invoice-docs, reported), so the rival trades from another province.
  await db.execute(
    sql`update organisations set city = (select name_zh from cities where province <> '广东' order by name_zh limit 1) where id = ${rival.orgId}`,
  );
  buyer = await buyerOrg();
  otherBuyer = await buyerOrg();
  cookies.seller = await cookieOf(seller);
  cookies.rival = await cookieOf(rival);
  cookies.buyer = await cookieOf(buyer);
  cookies.otherBuyer = await cookieOf(otherBuyer);
  trades = [
    [seller, buyer, 42, 100, day(-3)],
    [seller, otherBuyer, 40, 300, day(-5)],
    [rival, buyer, 50, 100, day(-3)],
    [seller, buyer, 38, 50, day(-40)],
  ];
  for (const [s, b, price, kg, d] of trades) await trade(s, b, price.toFixed(2), kg, d);
}, 120_000);

/** Σ price × kg / Σ kg in fen, half-up, over the trades that pass `keep`. */
function vwapFen(keep: (t: (typeof trades)[number]) => boolean): number {
  const kept = trades.filter(keep);
  const value = kept.reduce((sum, t) => sum + t[2] * 100 * t[3], 0);
  const kg = kept.reduce((sum, t) => sum + t[3], 0);
  return Math.floor((2 * value + kg) / (2 * kg));
}

// (42×100 + 40×300 + 50×100) / 500 = ¥42.40 per kg; the trade 40 days ago is outside the 14-day window.
const REFERENCE_FEN = 4240;

describe('screening against the reference price', () => {
  const screen = (listingId: string) => processModerationJob({ name: 'screen-listing', data: { listingId } });
  const statusOf = async (id: string) =>
    (await db.select().from(listings).where(eq(listings.id, id)))[0] ?? null;

  it('sends a lot priced far below the reference to review, with the reference in its reason', async () => {
    const id = await lot(seller, '15');
    await screen(id);
    const row = await statusOf(id);
    expect(row?.status).toBe('pending_review');
    // (1500 − 4240) / 4240 = −64.6 % → 65 % below, outside ±50 %.
    expect(row?.statusReason).toContain('比市场参考价 ¥42.40/公斤 低 65%');
    expect(row?.statusReason).toContain('±50%');
  });

  it('passes a lot within the band even where the median of asking prices would flag it', async () => {
    // ¥60 is 41.5 % above the reference: inside ±50 %. The live asking prices (38–50) put it 9 MADs away.
    await lot(rival, '44');
    const asking = (
      await db
        .select({
          price: sql<number>`(select unit_price_fen from price_tiers t where t.listing_id = ${listings.id} limit 1)`,
        })
        .from(listings)
        .where(and(eq(listings.categoryId, 'whiteleg-shrimp'), eq(listings.status, 'live')))
    ).map((row) => Number(row.price));
    expect(priceOutlier(6000, asking, 5).outlier).toBe(true);
    const id = await lot(seller, '60');
    await screen(id);
    expect((await statusOf(id))?.status).toBe('live');
  });

  it('follows the band the operator sets', async () => {
    await db.transaction((tx) => setMarketSetting(tx, 'referenceBandPct', 30, seller.userId));
    try {
      const id = await lot(seller, '60');
      await screen(id);
      const row = await statusOf(id);
      expect(row?.status).toBe('pending_review');
      expect(row?.statusReason).toContain('高 42%');
    } finally {
      await db.transaction((tx) => setMarketSetting(tx, 'referenceBandPct', 50, seller.userId));
    }
  });

  it('falls back to the median of asking prices for a grade without trades', async () => {
    const id = await lot(seller, '15', '20/30');
    await screen(id);
    const row = await statusOf(id);
    expect(row?.status).toBe('pending_review');
    expect(row?.statusReason).toContain('中位价');
    expect(row?.statusReason).not.toContain('参考价');
  });
});

describe('the auction reserve floor', () => {
  let lotId: string;
  beforeAll(async () => {
    lotId = await lot(seller, '45');
  });

  const post = (listingId: string, fields: Record<string, string>) =>
    call(() =>
      newAuctionAction(
        args(
          formRequest(
            `/sell/${listingId}/auction`,
            { type: 'english', quantity: '10', priceUnit: 'kg', durationMinutes: '60', ...fields },
            { cookie: cookies.seller },
          ),
          { listingId },
        ),
      ),
    );
  const auctionCount = async (listingId: string) =>
    (await db.select().from(auctions).where(eq(auctions.listingId, listingId))).length;
  const available = async (listingId: string) =>
    (await db.select().from(listings).where(eq(listings.id, listingId)))[0].quantityAvailable;

  it('refuses a reserve under 50 % of the reference with 400 and the minimum per kg, changing nothing', async () => {
    const before = await available(lotId);
    const refused = await post(lotId, { startPrice: '10', reservePrice: '21.19' });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as {
      errors: Record<string, string>;
      belowFloor: Record<string, number>;
    };
    expect(body.errors.reservePrice).toBe('auctions.errors.belowReserveFloor');
    // 50 % of ¥42.40 = ¥21.20 per kg.
    expect(body.belowFloor).toEqual({ minFenPerKg: 2120, referenceFen: REFERENCE_FEN, pct: 50 });
    expect(await auctionCount(lotId)).toBe(0);
    expect(await available(lotId)).toBe(before);
  });

  it('accepts a reserve at the floor, in kg or in jin', async () => {
    const atFloor = await post(lotId, { startPrice: '10', reservePrice: '21.20' });
    expect(atFloor.status).toBe(302);
    // ¥10.60 per jin is ¥21.20 per kg; a fen less per jin is under the floor.
    const jinUnder = await post(lotId, {
      startPrice: '5',
      reservePrice: '10.59',
      priceUnit: 'jin',
      quantity: '20',
    });
    expect(jinUnder.status).toBe(400);
    const jin = await post(lotId, {
      startPrice: '5',
      reservePrice: '10.60',
      priceUnit: 'jin',
      quantity: '20',
    });
    expect(jin.status).toBe(302);
    expect(await auctionCount(lotId)).toBe(2);
  });

  it('counts the start price when there is no reserve, and a Dutch clock’s floor', async () => {
    const noReserve = await post(lotId, { startPrice: '20' });
    expect(noReserve.status).toBe(400);
    expect(((await noReserve.json()) as { errors: Record<string, string> }).errors.startPrice).toBe(
      'auctions.errors.belowReserveFloor',
    );
    const dutch = await post(lotId, { type: 'dutch', startPrice: '50', floorPrice: '20' });
    expect(dutch.status).toBe(400);
    expect(((await dutch.json()) as { errors: Record<string, string> }).errors.floorPrice).toBe(
      'auctions.errors.belowReserveFloor',
    );
  });

  it('sets no floor without a reference, or when the operator sets it to 0 %', async () => {
    const ungraded = await lot(seller, '45', '20/30');
    expect((await post(ungraded, { startPrice: '1' })).status).toBe(302);
    await db.transaction((tx) => setMarketSetting(tx, 'reserveFloorPct', 0, seller.userId));
    try {
      expect((await post(lotId, { startPrice: '1' })).status).toBe(302);
    } finally {
      await db.transaction((tx) => setMarketSetting(tx, 'reserveFloorPct', 50, seller.userId));
    }
  });
});

describe('the lot page', () => {
  it('shows today’s reference of the lot’s category and grade, and nothing without one', async () => {
    const graded = await lot(rival, '44');
    const page = (await (
      await call(() => lotLoader(args(getRequest(`/market/${graded}`), { listingId: graded })))
    ).json()) as { reference: unknown };
    expect(page.reference).toEqual({
      fenPerKg: REFERENCE_FEN,
      categoryId: 'whiteleg-shrimp',
      grade: '40/50',
    });
    const ungraded = await lot(rival, '44', '100/120');
    const none = (await (
      await call(() => lotLoader(args(getRequest(`/market/${ungraded}`), { listingId: ungraded })))
    ).json()) as { reference: unknown };
    expect(none.reference).toBeNull();
  });
});

type Report = {
  rows: {
    month: string;
    grade: string;
    trades: number;
    weightGrams: number;
    amountFen: number;
    avgFenPerKg: number;
    marketFenPerKg: number;
    diffPct: number;
  }[];
  totals: { trades: number; weightGrams: number; amountFen: number; avgFenPerKg: number } | null;
};

describe('sales and purchase reports', () => {
  const sales = (cookie: string, query = '') =>
    call(() => salesLoader(args(getRequest(`/sell/reports${query}`, { cookie }))));
  const purchases = (cookie: string, query = '') =>
    call(() => purchasesLoader(args(getRequest(`/orders/reports${query}`, { cookie }))));
  const salesCsv = (cookie: string, query = '') =>
    call(() => salesCsvLoader(args(getRequest(`/sell/reports/csv${query}`, { cookie }))));
  const purchasesCsv = (cookie: string, query = '') =>
    call(() => purchasesCsvLoader(args(getRequest(`/orders/reports/csv${query}`, { cookie }))));

  /** What the report should say for `org` on `side`, month by month, newest first. */
  function expected(org: Seller, side: 0 | 1) {
    const months = [...new Set(trades.filter((t) => t[side] === org).map((t) => month(t[4])))]
      .sort()
      .reverse();
    return months.map((m) => {
      const mine = trades.filter((t) => t[side] === org && month(t[4]) === m);
      const avg = vwapFen((t) => t[side] === org && month(t[4]) === m);
      const market = vwapFen((t) => month(t[4]) === m);
      return {
        month: m,
        grade: '40/50',
        trades: mine.length,
        weightGrams: mine.reduce((sum, t) => sum + t[3] * 1000, 0),
        amountFen: mine.reduce((sum, t) => sum + t[2] * 100 * t[3], 0),
        avgFenPerKg: avg,
        marketFenPerKg: market,
        diffPct: Math.round(((avg - market) * 1000) / market) / 10,
      };
    });
  }

  it('gives the seller its own sales by month against the market VWAP, with exact figures', async () => {
    const response = await sales(cookies.seller);
    expect(response.status).toBe(200);
    const report = (await response.json()) as Report;
    expect(report.rows).toMatchObject(expected(seller, 0));
    // The month 40 days back holds one sale: 50 kg at ¥38 = ¥1,900, alone in the market that month.
    expect(report.rows.at(-1)).toMatchObject({
      month: month(day(-40)),
      weightGrams: 50_000,
      amountFen: 190_000,
      avgFenPerKg: 3800,
      marketFenPerKg: 3800,
      diffPct: 0,
    });
    expect(report.totals).toEqual({
      trades: 3,
      weightGrams: 450_000,
      amountFen: 1_810_000,
      avgFenPerKg: 4022,
    });
  });

  it('gives the buyer its own purchases, from every seller, and nobody else’s', async () => {
    const report = (await (await purchases(cookies.buyer)).json()) as Report;
    expect(report.rows).toMatchObject(expected(buyer, 1));
    expect(report.totals?.weightGrams).toBe(250_000);
    const other = (await (await purchases(cookies.otherBuyer)).json()) as Report;
    expect(other.totals).toMatchObject({ trades: 1, weightGrams: 300_000, amountFen: 1_200_000 });
  });

  it('sorts by a column, both ways', async () => {
    const asc = (await (await sales(cookies.seller, '?sort=amount&dir=asc')).json()) as Report;
    const amounts = asc.rows.map((r) => r.amountFen);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    const desc = (await (await sales(cookies.seller, '?sort=amount&dir=desc')).json()) as Report;
    expect(desc.rows.map((r) => r.amountFen)).toEqual([...amounts].reverse());
  });

  it('downloads the same rows as UTF-8 CSV with a byte order mark and a file name', async () => {
    const response = await salesCsv(cookies.seller);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="sales-${seller.orgId}.csv"`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines[0]).toBe(
      '月份,品类,等级,笔数,成交量（公斤）,销售额（元）,我的均价（元/公斤）,市场均价（元/公斤）,与市场差（%）',
    );
    expect(lines).toHaveLength(1 + expected(seller, 0).length);
    expect(lines.at(-1)).toBe(`${month(day(-40))},南美白对虾,40/50,1,50,1900.00,38.00,38.00,0.0`);
  });

  it('shows an empty report to an org without trades, and refuses the other side’s report', async () => {
    const fresh = await buyerOrg();
    const empty = (await (await purchases(await cookieOf(fresh))).json()) as Report;
    expect(empty).toMatchObject({ rows: [], totals: null });
    expect((await sales(cookies.buyer)).status).toBe(403);
    expect((await purchases(cookies.seller)).status).toBe(403);
    expect((await sales('')).status).toBe(302);
    expect((await salesCsv(cookies.buyer)).status).toBe(403);
    expect((await purchasesCsv(cookies.seller)).status).toBe(403);
    expect((await purchasesCsv('')).status).toBe(302);
  });
});

describe('the pages as served', () => {
  it('renders the sales table with sort links, the CSV link and the lot page’s reference', async () => {
    const web = await startWeb();
    try {
      const get = (path: string, cookie = '') =>
        fetch(`${web.base}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
      const page = await get('/sell/reports?sort=weight&dir=asc', cookies.seller);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('data-testid="trade-report"');
      expect(html).toMatch(
        /aria-sort="ascending"[^>]*>\s*<a[^>]*href="\/sell\/reports\?sort=weight&amp;dir=desc"/,
      );
      // The CSV link, followed as a browser would (a document request through the whole server): a download.
      const csvHref = html.match(/href="(\/sell\/reports\/csv[^"]*)"/)?.[1];
      expect(csvHref).toBe('/sell/reports/csv?sort=weight&amp;dir=asc');
      const csv = await get((csvHref as string).replace(/&amp;/g, '&'), cookies.seller);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('Content-Disposition')).toBe(`attachment; filename="sales-${seller.orgId}.csv"`);
      expect((await csv.text()).split('\r\n')[0]).toContain('月份,品类,等级');
      expect(html).toContain('¥1,900.00');
      expect(html).toContain(`href="/prices/whiteleg-shrimp/40%2F50"`);
      const graded = await lot(rival, '43');
      const lotHtml = await (await get(`/market/${graded}`)).text();
      expect(lotHtml).toContain('今日参考价 ¥42.40/公斤');
    } finally {
      await web.stop();
    }
  }, 180_000);
});

describe('the operator’s settings page', () => {
  it('sets the reserve floor and the screening band, refusing a value out of range', async () => {
    const tag = randomBytes(4).toString('hex');
    await db.insert(organisations).values({ id: `org_op${tag}`, name: `市场办 ${tag}`, kind: 'operator' });
    await db
      .insert(users)
      .values({ id: `usr_op${tag}`, email: `op-${tag}@example.test`, name: '市场办', passwordHash: 'x' });
    await db.insert(memberships).values({ orgId: `org_op${tag}`, userId: `usr_op${tag}`, role: 'owner' });
    const cookie = await cookieOf({ orgId: `org_op${tag}`, userId: `usr_op${tag}` });
    const post = (fields: Record<string, string>) =>
      call(() =>
        settingsAction(args(formRequest('/operator/settings', { intent: 'market', ...fields }, { cookie }))),
      );
    const refused = await post({ reserveFloorPct: '101', referenceBandPct: '40' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors).toEqual({
      reserveFloorPct: 'console.settings.range.reserveFloorPct',
    });
    const stored = async () =>
      Object.fromEntries((await db.select().from(marketSettings)).map((row) => [row.key, row.value]));
    expect((await stored()).referenceBandPct).toBe(50);
    expect((await post({ reserveFloorPct: '60', referenceBandPct: '40' })).status).toBe(302);
    expect(await stored()).toMatchObject({ reserveFloorPct: 60, referenceBandPct: 40 });
  });
});
