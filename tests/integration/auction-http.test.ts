// The auction pages through their real loaders and actions: bad bids refused with a message and a 4xx, a bid flood
// answered 429, the seller's form, and what each viewer sees (sealed bids hidden even from the seller).
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { auctions, listings, users } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { closeAuction } from '../../app/auctions/closing.server';
import { env } from '../../app/lib/env.server';
import { redis, redisKey } from '../../app/lib/redis.server';
import { action as registerAction } from '../../app/routes/register';
import { action as bidAction, loader as auctionLoader } from '../../app/routes/auctions.$auctionId';
import { loader as listLoader } from '../../app/routes/auctions._index';
import { action as newAuctionAction } from '../../app/routes/sell.$listingId.auction';
import { call, formRequest, getRequest, logInAs, sessionCookieFrom } from '../support/http';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
type Refused = { ok: false; errors: Record<string, string> };

const cookies = { buyer: '', other: '', seller: '', poor: '' };
let english: string;
let sealed: string;

async function bid(cookie: string, auctionId: string, fields: Record<string, string>) {
  return call(() =>
    bidAction(
      args(formRequest(`/auctions/${auctionId}`, { intent: 'bid', ...fields }, { cookie }), { auctionId }),
    ),
  );
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  const rows = await db.select().from(auctions);
  english = rows.find((a) => a.type === 'english')?.id ?? '';
  sealed = rows.find((a) => a.type === 'sealed')?.id ?? '';
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.other = await logInAs('supermarket@wharf.test');
  cookies.seller = await logInAs('shrimp@wharf.test');
  const registered = await call(() =>
    registerAction(
      args(
        formRequest('/register', {
          email: `poor-${Date.now()}@example.test`,
          password: 'correct horse battery',
          name: '新买家',
          orgName: `新开张餐馆 ${Date.now()}`,
          orgKind: 'buyer',
          city: '广州',
        }),
      ),
    ),
  );
  cookies.poor = sessionCookieFrom(registered);
});

describe('bidding through the page', () => {
  it('lists the live demo auctions, filters by type and says so when nothing matches', async () => {
    const all = (await (await call(() => listLoader(args(getRequest('/auctions'))))).json()) as {
      rows: unknown[];
    };
    expect(all.rows).toHaveLength(3);
    const dutch = (await (await call(() => listLoader(args(getRequest('/auctions?type=dutch'))))).json()) as {
      rows: { type: string; upcoming: boolean }[];
    };
    expect(dutch.rows.map((r) => [r.type, r.upcoming])).toEqual([['dutch', true]]);
    const none = (await (
      await call(() => listLoader(args(getRequest('/auctions?category=lychee'))))
    ).json()) as {
      rows: unknown[];
    };
    expect(none.rows).toHaveLength(0);
  });

  it('refuses a malformed amount, a bid below the next increment, a bid without deposit and one on its own lot', async () => {
    const malformed = await bid(cookies.buyer, english, { kind: 'manual', amount: '四十五块' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Refused).errors.amount).toBe('auctions.errors.badAmount');

    const first = await bid(cookies.buyer, english, { kind: 'manual', amount: '45.00' });
    expect(first.status).toBe(200);
    const low = await bid(cookies.other, english, { kind: 'manual', amount: '45.20' });
    expect(low.status).toBe(400);
    const lowBody = (await low.json()) as Refused & { minimumFen: number };
    expect(lowBody.errors.amount).toBe('auctions.errors.tooLow');
    expect(lowBody.minimumFen).toBe(4_550);

    const poor = await bid(cookies.poor, english, { kind: 'manual', amount: '60' });
    expect(poor.status).toBe(402);
    expect(((await poor.json()) as Refused).errors.amount).toBe('auctions.errors.noDeposit');

    const own = await bid(cookies.seller, english, { kind: 'manual', amount: '60' });
    expect(own.status).toBe(403);
  });

  it('shows the leader as a bidder number, never the org, and keeps sealed bids from everyone, the seller too', async () => {
    const page = (await (
      await call(() =>
        auctionLoader(
          args(getRequest(`/auctions/${english}`, { cookie: cookies.other }), { auctionId: english }),
        ),
      )
    ).json()) as { live: { leader: number; priceFen: number } };
    expect(page.live).toMatchObject({ leader: 1, priceFen: 4_500 });
    expect(JSON.stringify(page)).not.toContain('org_yuewei');

    const sealedBid = await bid(cookies.buyer, sealed, { kind: 'sealed', amount: '31.20' });
    expect(sealedBid.status).toBe(200);
    for (const cookie of [cookies.seller, cookies.other]) {
      const seen = await call(() =>
        auctionLoader(args(getRequest(`/auctions/${sealed}`, { cookie }), { auctionId: sealed })),
      );
      const text = await seen.text();
      expect(text).not.toContain('3120');
      expect(text).not.toContain('31.20');
    }
    const mine = (await (
      await call(() =>
        auctionLoader(
          args(getRequest(`/auctions/${sealed}`, { cookie: cookies.buyer }), { auctionId: sealed }),
        ),
      )
    ).json()) as { mine: { sealedFen: number } };
    expect(mine.mine.sealedFen).toBe(3_120);
  });

  it('refuses a bid on a closed auction with 409', async () => {
    const [row] = await db.select().from(auctions).where(eq(auctions.id, english));
    await closeAuction(english, new Date((row.endsAt as Date).getTime() + 1));
    const late = await bid(cookies.other, english, { kind: 'manual', amount: '80' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as Refused).errors.amount).toBe('auctions.errors.closed');
  });

  it('answers a bid flood from one user with 429', async () => {
    // The limit counts in fixed 10 s windows, opened by a user's first bid. Left to the clock, the window this
    // user's bids above opened could end part-way through the flood, and the fresh one would let the rest
    // through; so the flood gets a window of its own, opened here and long enough for 25 bids on a slow machine.
    const [other] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'supermarket@wharf.test'));
    const window = redisKey('rl', 'auction-bid', other.id);
    await redis().set(window, '0', 'EX', 300);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await bid(cookies.other, sealed, { kind: 'sealed', amount: String(30 + i) })).status);
    // Up to the limit the bids pass, then every one is refused.
    const limit = env().AUCTION_BIDS_PER_10S;
    expect(statuses).toEqual(Array.from({ length: 25 }, (_, i) => (i < limit ? 200 : 429)));

    // A first bid opens a window of 10 s.
    await redis().del(window);
    expect((await bid(cookies.other, sealed, { kind: 'sealed', amount: '60' })).status).toBe(200);
    const ttl = await redis().pttl(window);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });
});

describe('the seller form', () => {
  it('re-shows a bad form with a 400 and creates an auction from a good one', async () => {
    const [lot] = await db
      .select({ id: listings.id })
      .from(listings)
      .where(
        and(eq(listings.sellerOrgId, 'org_haixing'), eq(listings.titleZh, '白对虾 60/70 头 冰鲜 当天捕捞')),
      );
    const post = (fields: Record<string, string>) =>
      call(() =>
        newAuctionAction(
          args(formRequest(`/sell/${lot.id}/auction`, fields, { cookie: cookies.seller }), {
            listingId: lot.id,
          }),
        ),
      );
    const bad = await post({ type: 'dutch', priceUnit: 'kg', quantity: '100', startPrice: '30' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Refused).errors.floorPrice).toBe('errors.required');
    const tooMuch = await post({
      type: 'english',
      priceUnit: 'kg',
      quantity: '999999',
      startPrice: '30',
      durationMinutes: '30',
    });
    expect(tooMuch.status).toBe(409);
    const good = await post({
      type: 'english',
      priceUnit: 'jin',
      quantity: '200',
      startPrice: '15',
      durationMinutes: '30',
    });
    expect(good.status).toBe(302);
    const id = good.headers.get('Location')?.split('/').pop() ?? '';
    const [created] = await db.select().from(auctions).where(eq(auctions.id, id));
    expect(created).toMatchObject({
      quantity: 100_000,
      perBase: 500,
      priceUnit: 'jin',
      startPriceFen: 1_500,
    });
    const outsider = await call(() =>
      newAuctionAction(
        args(formRequest(`/sell/${lot.id}/auction`, { type: 'english' }, { cookie: cookies.buyer }), {
          listingId: lot.id,
        }),
      ),
    );
    expect(outsider.status).toBe(404);
  });
});
