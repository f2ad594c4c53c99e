// The market counts matching lots only up to the last page anyone can open (4,800): a large market's first page
// does not pay for counting every live lot, and says "4,800 多件" instead of a number it did not count.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { MAX_PAGE, PAGE_SIZE, marketSearch, parseMarketSearch } from '../../app/listings/queries.server';
import { translator } from '../../app/lib/i18n';
import { loader as marketLoader } from '../../app/routes/market._index';
import { call, getRequest } from '../support/http';
import { liveShrimpLot, verifiedSeller } from '../support/listings';

const CAP = MAX_PAGE * PAGE_SIZE;
const search = (query: string) => marketSearch(db, parseMarketSearch(new URLSearchParams(query)).filters);

beforeAll(async () => {
  const seller = await verifiedSeller(db);
  const lotId = await liveShrimpLot(db, seller, '500');
  // CAP + 5 more copies of the lot (its price tiers too), each published a minute apart.
  await db.execute(sql`
    insert into listings
    select (jsonb_populate_record(null::listings, to_jsonb(l) || jsonb_build_object(
      'id', 'lst_cap' || lpad(g::text, 5, '0'),
      'published_at', now() - make_interval(mins => g)))).*
    from listings l, generate_series(1, ${CAP + 5}) g
    where l.id = ${lotId}`);
  await db.execute(sql`
    insert into price_tiers (listing_id, min_quantity, unit_price_fen)
    select 'lst_cap' || lpad(g::text, 5, '0'), t.min_quantity, t.unit_price_fen
    from price_tiers t, generate_series(1, ${CAP + 5}) g
    where t.listing_id = ${lotId}`);
}, 120_000);

describe('the market count', () => {
  it('stops at the last page that can be opened, and says there are more', async () => {
    const first = await search('');
    expect(first).toMatchObject({ total: CAP, totalCapped: true, page: 1, pageCount: MAX_PAGE });
    // Newest first from the index: the lot itself (published now), then its copies a minute apart.
    expect(first.items.slice(1, 4).map((item) => item.id)).toEqual([
      'lst_cap00001',
      'lst_cap00002',
      'lst_cap00003',
    ]);
    const last = await search(`page=${MAX_PAGE}`);
    expect(last.items).toHaveLength(PAGE_SIZE);
    // A narrower search is counted exactly.
    const narrow = await search('category=pineapple');
    expect(narrow).toMatchObject({ total: 0, totalCapped: false, pageCount: 1 });
  });

  it('tells the reader in words, not with a number it did not count', async () => {
    const response = await call(() =>
      marketLoader({ request: getRequest('/market'), params: {}, context: {} }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ total: CAP, totalCapped: true });
    expect(translator('zh-CN')('market.resultsMany', { count: CAP })).toBe(
      '共 4800 多件货品，可用筛选缩小范围',
    );
    expect(translator('en')('market.resultsMany', { count: CAP })).toBe(
      'More than 4800 lots: narrow them with the filters',
    );
  });
});
