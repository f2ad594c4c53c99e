// The quotes board and chart pages over HTTP against the real build: figures from known trades, filters, 斤, sort,
// the CSV download, and 404/400 for what does not exist or does not parse.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { marketTrades } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { rebuildMarketAggregates } from '../../app/market-data/index.server';
import { addDays, marketDayAt, marketToday } from '../../app/lib/market-time';
import { type WebProcess, startWeb } from '../support/web-process';

let web: WebProcess;
const today = marketToday();
const yesterday = addDays(today, -1);
const fiveDaysAgo = addDays(today, -5);

let n = 0;
function trade(
  day: string,
  categoryId: string,
  grade: string,
  origin: string,
  priceFenPerKg: number,
  grams: number,
) {
  n += 1;
  return {
    orderId: `ord_prices${n}`,
    categoryId,
    grade,
    origin,
    day,
    completedAt: marketDayAt(day, '10:00'),
    priceFenPerKg,
    weightGrams: grams,
    amountFen: Math.round((priceFenPerKg * grams) / 1000),
    source: 'buy_now',
    sellerOrgId: 'org_haixing',
    buyerOrgId: 'org_yuewei',
  };
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  // The demo history is replaced by trades of known prices, so every figure below can be worked out by hand.
  await db.delete(marketTrades);
  await db.insert(marketTrades).values([
    // Today's shrimp: VWAP (3650×10000 + 3801×5001) / 15001 = 3700.34 → 3700 fen/kg; low 3650, high 3801.
    trade(today, 'whiteleg-shrimp', '40/50', '广东', 3650, 10_000),
    trade(today, 'whiteleg-shrimp', '40/50', '广东', 3801, 5_001),
    // Yesterday 3500 (▲ 5.7%); with the day before, the 14-day reference is (3500 + 3300) / 2 = 3400 (▲ 8.8%).
    trade(yesterday, 'whiteleg-shrimp', '40/50', '广东', 3500, 20_000),
    trade(fiveDaysAgo, 'whiteleg-shrimp', '40/50', '广东', 3300, 20_000),
    // Lychee: 12.01 ¥/kg is 6.005 per 斤 → ¥6.01 half-up; nothing earlier to compare with.
    trade(today, 'lychee', 'premium', '广西', 1201, 1_000),
  ]);
  await rebuildMarketAggregates(db);
  web = await startWeb();
});

afterAll(async () => {
  await web?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${web.base}${path}`, { redirect: 'manual', headers });

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await get(path, headers);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** The board's rows as text, tags stripped, in page order. */
function boardRows(html: string): string[] {
  return [...html.matchAll(/<tr data-testid="price-row">([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#x27;/g, "'")
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('/prices', () => {
  it('is public, linked from the navigation, and shows each row with the right figures', async () => {
    const html = await page('/prices');
    expect(html).toContain('href="/prices"');
    expect(html).toContain('今日行情');
    const rows = boardRows(html);
    expect(rows).toHaveLength(2);
    const [shrimp, lychee] = rows;
    expect(shrimp).toContain('南美白对虾');
    expect(shrimp).toContain('40/50 头/公斤');
    expect(shrimp).toContain('广东');
    expect(shrimp).toContain('¥37.00 / 公斤');
    expect(shrimp).toContain('¥36.50 – ¥38.01');
    expect(shrimp).toMatch(/▲ 涨 5\.7%/);
    expect(shrimp).toMatch(/▲ 涨 8\.8%/);
    expect(shrimp).toContain('参考价 ¥34.00');
    expect(shrimp).toContain('15.001 公斤');
    expect(shrimp).toMatch(/ 2$/);
    expect(lychee).toContain('荔枝');
    expect(lychee).toContain('特级');
    expect(lychee).toContain('¥12.01');
    expect(lychee).toContain('无可比');
    // The chart link keeps the slash of the grade inside one path segment.
    expect(html).toContain('href="/prices/whiteleg-shrimp/40%2F50"');
  });

  it('filters by category, origin and grade in a plain GET form', async () => {
    expect(boardRows(await page('/prices?category=lychee'))).toEqual([expect.stringContaining('荔枝')]);
    expect(boardRows(await page(`/prices?origin=${encodeURIComponent('广东')}`))).toEqual([
      expect.stringContaining('南美白对虾'),
    ]);
    expect(boardRows(await page(`/prices?grade=${encodeURIComponent('40/50')}`))).toEqual([
      expect.stringContaining('南美白对虾'),
    ]);
    const none = await page('/prices?category=mango');
    expect(boardRows(none)).toEqual([]);
    expect(none).toContain('没有符合筛选条件的成交');
  });

  it('shows prices per 斤: half the per-kg price, rounded half-up, and volumes in 斤', async () => {
    const [shrimp, lychee] = boardRows(await page('/prices?unit=jin'));
    expect(shrimp).toContain('¥18.50 / 斤');
    expect(shrimp).toContain('¥18.25 – ¥19.01');
    expect(shrimp).toContain('30.002 斤');
    expect(lychee).toContain('¥6.01 / 斤');
    expect(lychee).toContain('2 斤');
  });

  it('sorts by a column through links, and says which way', async () => {
    const html = await page('/prices?sort=vwap&dir=asc');
    expect(boardRows(html)[0]).toContain('荔枝');
    expect(html).toContain('aria-sort="ascending"');
    expect(boardRows(await page('/prices?sort=vwap&dir=desc'))[0]).toContain('南美白对虾');
  });

  it('shows an empty day with what to do next', async () => {
    const day = addDays(today, -30);
    const html = await page(`/prices?day=${day}`);
    expect(boardRows(html)).toEqual([]);
    expect(html).toContain(`${day} 还没有成交`);
    expect(html).toContain(`href="/prices?day=${addDays(day, -1)}"`);
    expect(html).toContain('href="/market"');
  });

  it('speaks English when asked', async () => {
    const html = await page('/prices', { 'Accept-Language': 'en' });
    expect(html).toContain('Today&#x27;s prices');
    expect(boardRows(html)[0]).toMatch(/▲ up 5\.7%/);
  });

  it('answers 400 to malformed filters, never 500', async () => {
    for (const query of [
      'unit=lb',
      'sort=price;drop',
      'dir=sideways',
      'day=2026-13-45',
      `day=${addDays(today, 1)}`,
      'category=DROP%20TABLE',
      `origin=${'长'.repeat(200)}`,
    ]) {
      const response = await get(`/prices?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toContain('筛选条件不对');
    }
    // A NUL byte is refused before the page by the request guard, also with a 400.
    expect((await get('/prices?origin=%00')).status).toBe(400);
  });
});

describe('/prices/<category>/<grade>', () => {
  const shrimp = '/prices/whiteleg-shrimp/40%2F50';

  it('draws the chart on the server and lists the same days in a table', async () => {
    const html = await page(shrimp);
    expect(html).toContain('南美白对虾 · 40/50 头/公斤 行情');
    expect(html).toMatch(/<svg role="img" aria-label="南美白对虾 40\/50 头\/公斤 近 30 天/);
    const days = [...html.matchAll(/<tr data-testid="series-row"><th scope="row"[^>]*>([\d-]+)</g)].map(
      (m) => m[1],
    );
    expect(days).toEqual([today, yesterday, fiveDaysAgo]);
    expect(html).toContain('今日参考价（14 天加权）：¥34.00/公斤');
    for (const range of ['30', '90', '365']) expect(html).toContain(`近 ${range} 天`);
    expect(html).toContain(`href="${shrimp}/csv"`);
  });

  it('downloads the series as CSV with a BOM, Chinese headers and a proper file name', async () => {
    const response = await get(`${shrimp}/csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toContain(
      `filename="prices-whiteleg-shrimp-40_50-${addDays(today, -29)}-${today}.csv"`,
    );
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).toBe(
      `行情-南美白对虾-40_50 头_公斤-${addDays(today, -29)}-${today}.csv`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
    expect(text.split('\r\n')).toEqual([
      '日期,均价（元/公斤）,最低价（元/公斤）,最高价（元/公斤）,成交量（公斤）,成交笔数',
      `${fiveDaysAgo},33.00,33.00,33.00,20,1`,
      `${yesterday},35.00,35.00,35.00,20,1`,
      `${today},37.00,36.50,38.01,15.001,2`,
      '',
    ]);
    const jin = await (await get(`${shrimp}/csv?unit=jin`)).text();
    expect(jin).toContain(`${today},18.50,18.25,19.01,30.002,2`);
  });

  it('covers 90 and 365 days, per origin', async () => {
    expect(await page(`${shrimp}?range=365`)).toContain('近 365 天每日成交均价');
    const other = await page(`${shrimp}?range=90&origin=${encodeURIComponent('海南')}`);
    expect(other).toContain('这段时间没有成交');
  });

  it('answers 404 to an unknown category and 400 to malformed options', async () => {
    expect((await get('/prices/no-such-category/first')).status).toBe(404);
    expect((await get('/prices/no-such-category/first/csv')).status).toBe(404);
    for (const query of ['range=7', 'range=abc', 'unit=lb', 'origin=%00']) {
      expect((await get(`${shrimp}?${query}`)).status, query).toBe(400);
      expect((await get(`${shrimp}/csv?${query}`)).status, query).toBe(400);
    }
    expect((await get('/prices/whiteleg-shrimp/a%00b')).status).toBe(400);
  });
});

describe('/prices before the day’s first trade', () => {
  it('opens on the latest trading day and says so; asked for today, today stays empty', async () => {
    // Last in the file: today's trades go, as at dawn before the first sale.
    await db.delete(marketTrades).where(eq(marketTrades.day, today));
    await rebuildMarketAggregates(db);
    const html = await page('/prices');
    expect(html).toContain(`今天（${today}）还没有成交，下面是最近一个交易日 ${yesterday} 的行情。`);
    expect(boardRows(html)).toEqual([expect.stringContaining('南美白对虾')]);
    expect(boardRows(html)[0]).toContain('35.00');
    const asked = await page(`/prices?day=${today}`);
    expect(boardRows(asked)).toEqual([]);
    expect(asked).toContain(`${today} 还没有成交`);
    expect(asked).not.toContain('最近一个交易日');
  });
});
