// Seller price lists per buyer (issue #18, ADR 0051) against real PostgreSQL: what a listed buyer pays (fixed, ± %
// of the tier, ± % of the reference), the validity window's edges, a lot rule over a category rule, buy now at the
// list price with the list recorded, and that no one else sees or pays it; bad input refused with nothing written.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  marketDayAggregates,
  memberships,
  orderEvents,
  orders,
  organisations,
  priceListBuyers,
  priceListRules,
  priceLists,
  users,
} from '../../db/schema';
import { tiersForBuyer } from '../../app/b2b/price-lists.server';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { addDays, marketToday } from '../../app/lib/market-time';
import { lotReferenceKey, lotReferencePriceFen } from '../../app/market-data/lot-reference.server';
import { placeBuyNow } from '../../app/orders/orders.server';
import { loader as marketLoader } from '../../app/routes/market._index';
import { loader as lotLoader } from '../../app/routes/market.$listingId';
import { action as listAction, loader as listLoader } from '../../app/routes/sell.price-lists.$id';
import { loader as indexLoader } from '../../app/routes/sell.price-lists._index';
import { action as newAction } from '../../app/routes/sell.price-lists.new';
import { call, formRequest, getRequest } from '../support/http';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const today = marketToday();

let seller: Seller;
let otherSeller: Seller;
let listed: Seller;
let unlisted: Seller;
let lotId: string;
let secondLotId: string;
let otherLotId: string;
let sellerCookie: string;
let viewerCookie: string;
const cookies = new Map<string, string>();

async function cookieFor(who: Seller) {
  const known = cookies.get(who.userId);
  if (known) return known;
  const cookie = (
    await commitSessionCookie(await createSession(db, { userId: who.userId, activeOrgId: who.orgId }))
  ).split(';')[0];
  cookies.set(who.userId, cookie);
  return cookie;
}

async function post(path: string, fields: Record<string, string>, cookie = sellerCookie) {
  const id = /\/sell\/price-lists\/(prl_\w+)/.exec(path)?.[1];
  const fn = id ? listAction : newAction;
  return call(() => fn(args(formRequest(path, fields, { cookie }), id ? { id } : {})));
}

/** A list made through the page, with `buyers` on it and `rules` added through the page: its id. */
async function listWith(
  buyers: Seller[],
  rules: Record<string, string>[],
  dates: { validFrom?: string; validTo?: string } = {},
): Promise<string> {
  const made = await post('/sell/price-lists/new', {
    name: `协议价 ${Math.random()}`,
    active: 'on',
    ...dates,
  });
  expect(made.status).toBe(302);
  const id = /\/sell\/price-lists\/(prl_\w+)/.exec(made.headers.get('Location') ?? '')?.[1] ?? '';
  for (const buyer of buyers) {
    const added = await post(`/sell/price-lists/${id}`, { intent: 'addBuyers', buyerOrgId: buyer.orgId });
    expect(added.status).toBe(302);
  }
  for (const rule of rules) {
    const added = await post(`/sell/price-lists/${id}`, { intent: 'addRule', ...rule });
    expect(
      added.status,
      JSON.stringify(
        await added
          .clone()
          .json()
          .catch(() => null),
      ),
    ).toBe(302);
  }
  return id;
}

async function dropLists() {
  await db.delete(priceLists).where(eq(priceLists.sellerOrgId, seller.orgId));
}

async function lotOf(id: string) {
  const [row] = await db.execute<{ id: string; seller_org_id: string; category_id: string; spec: unknown }>(
    sql`select id, seller_org_id, category_id, spec from listings where id = ${id}`,
  );
  return { id: row.id, sellerOrgId: row.seller_org_id, categoryId: row.category_id, spec: row.spec };
}

/** What `buyer` pays per kg for 10 kg of a lot (the lot's tier is ¥42/kg). */
async function pays(buyer: Seller, id = lotId, at = new Date()): Promise<number> {
  const tiers = await tiersForBuyer(
    db,
    buyer.orgId,
    await lotOf(id),
    [{ minQuantity: 300, unitPriceFen: 4_200 }],
    at,
  );
  return tiers[0].unitPriceFen;
}

async function counts() {
  const [row] = await db.execute<{ lists: number; buyers: number; rules: number }>(sql`
    select (select count(*)::int from price_lists) as lists, (select count(*)::int from price_list_buyers) as buyers,
      (select count(*)::int from price_list_rules) as rules`);
  return row;
}

beforeAll(async () => {
  seller = await verifiedSeller(db);
  otherSeller = await verifiedSeller(db);
  listed = await buyerOrg();
  unlisted = await buyerOrg();
  // A seller may name verified buyer orgs, or orgs that bought from it.
  await db.update(organisations).set({ verification: 'verified' }).where(eq(organisations.id, listed.orgId));
  lotId = await liveShrimpLot(db, seller, '1000', { titleZh: '协议价测试 1 号批' });
  secondLotId = await liveShrimpLot(db, seller, '1000', { titleZh: '协议价测试 2 号批' });
  otherLotId = await liveShrimpLot(db, otherSeller, '1000', { titleZh: '别家的虾' });
  sellerCookie = await cookieFor(seller);
  const viewerId = `usr_plv${Date.now()}`;
  await db
    .insert(users)
    .values({ id: viewerId, email: `${viewerId}@example.test`, name: '只读', passwordHash: 'x' });
  await db.insert(memberships).values({ orgId: seller.orgId, userId: viewerId, role: 'viewer' });
  viewerCookie = await cookieFor({ orgId: seller.orgId, userId: viewerId });
});

describe('making a list', () => {
  it('refuses bad input with 400 and writes nothing, then creates a list that keeps its dates', async () => {
    const before = await counts();
    const empty = await post('/sell/price-lists/new', { name: '  ', validFrom: today });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      errors: { name: 'errors.required' },
      values: { validFrom: today },
    });
    const backwards = await post('/sell/price-lists/new', {
      name: '倒序',
      validFrom: today,
      validTo: addDays(today, -1),
    });
    expect(backwards.status).toBe(400);
    expect(await backwards.json()).toMatchObject({ errors: { validTo: 'b2b.errors.validOrder' } });
    const badDay = await post('/sell/price-lists/new', { name: '坏日期', validFrom: '2026-02-30' });
    expect(badDay.status).toBe(400);
    expect(await counts()).toEqual(before);

    const id = await listWith([listed], [], { validFrom: today, validTo: addDays(today, 30) });
    const [list] = await db.select().from(priceLists).where(eq(priceLists.id, id));
    expect(list).toMatchObject({
      sellerOrgId: seller.orgId,
      validFrom: today,
      validTo: addDays(today, 30),
      active: true,
    });
    const page = await call(() =>
      indexLoader(args(getRequest('/sell/price-lists?sort=validTo', { cookie: sellerCookie }))),
    );
    type Rows = { rows: { id: string; buyers: number; rules: number }[] };
    expect(((await page.json()) as Rows).rows.find((r) => r.id === id)).toMatchObject({
      buyers: 1,
      rules: 0,
    });
    await post(`/sell/price-lists/${id}`, {
      intent: 'addRule',
      listingId: lotId,
      kind: 'fixed',
      price: '40',
    });
    await post(`/sell/price-lists/${id}`, {
      intent: 'addRule',
      categoryId: 'whiteleg-shrimp',
      kind: 'tier_pct',
      percent: '-1',
    });
    const again = await call(() =>
      indexLoader(args(getRequest('/sell/price-lists', { cookie: sellerCookie }))),
    );
    expect(((await again.json()) as Rows).rows.find((r) => r.id === id)).toMatchObject({
      buyers: 1,
      rules: 2,
    });
    await dropLists();
  });

  it('adds only buyers the seller may name, and rules only for its own lots', async () => {
    const id = await listWith([], []);
    const path = `/sell/price-lists/${id}`;
    const before = await counts();
    // Never bought from this seller and not verified: not a buyer it may name.
    const stranger = await post(path, { intent: 'addBuyers', buyerOrgId: unlisted.orgId });
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toMatchObject({ errors: { buyerOrgId: 'b2b.errors.unknownBuyer' } });
    const itself = await post(path, { intent: 'addBuyers', buyerOrgId: seller.orgId });
    expect(itself.status).toBe(400);
    const none = await post(path, { intent: 'addBuyers' });
    expect(none.status).toBe(400);
    // Another seller's lot: refused by the page, and by the database whoever writes.
    const foreign = await post(path, {
      intent: 'addRule',
      listingId: otherLotId,
      kind: 'fixed',
      price: '30',
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({
      errors: { scope: 'b2b.errors.notYourLot' },
      values: { listingId: otherLotId, price: '30' },
    });
    const direct = await db
      .insert(priceListRules)
      .values({
        id: 'plr_foreign',
        priceListId: id,
        sellerOrgId: seller.orgId,
        listingId: otherLotId,
        kind: 'fixed',
        priceFen: 3_000,
      })
      .catch((error: { cause?: { code?: string } }) => error.cause?.code ?? 'thrown');
    expect(direct).toBe('23514');
    const both = await post(path, {
      intent: 'addRule',
      listingId: lotId,
      categoryId: 'whiteleg-shrimp',
      kind: 'fixed',
      price: '30',
    });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ errors: { scope: 'b2b.errors.oneScope' } });
    const raise = await post(path, { intent: 'addRule', listingId: lotId, kind: 'tier_pct', percent: '+5' });
    expect(await raise.json()).toMatchObject({ errors: { percent: 'b2b.errors.tierPctLowers' } });
    const cents = await post(path, { intent: 'addRule', listingId: lotId, kind: 'fixed', price: '30.001' });
    expect(cents.status).toBe(400);
    const far = await post(path, {
      intent: 'addRule',
      listingId: lotId,
      kind: 'reference_pct',
      percent: '-95',
    });
    expect(await far.json()).toMatchObject({ errors: { percent: 'errors.outOfRange' } });
    expect(await counts()).toEqual(before);
    // Once it has bought from the seller, the same org may be named.
    const bought = await placeBuyNow({
      buyerOrgId: unlisted.orgId,
      actorUserId: unlisted.userId,
      form: { listingId: secondLotId, quantity: '1', unit: 'kg', tolerancePercent: 0 },
    });
    expect(bought.ok).toBe(true);
    expect((await post(path, { intent: 'addBuyers', buyerOrgId: unlisted.orgId })).status).toBe(302);
    await dropLists();
  });

  it('a viewer of the seller may look but not edit; another seller finds no such list', async () => {
    const id = await listWith([listed], [{ listingId: lotId, kind: 'fixed', price: '38' }]);
    const path = `/sell/price-lists/${id}`;
    const before = await counts();
    const seen = await call(() => listLoader(args(getRequest(path, { cookie: viewerCookie }), { id })));
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ canAct: false });
    const edit = await post(path, { intent: 'removeBuyer', buyerOrgId: listed.orgId }, viewerCookie);
    expect(edit.status).toBe(403);
    const otherCookie = await cookieFor(otherSeller);
    expect(
      (await call(() => listLoader(args(getRequest(path, { cookie: otherCookie }), { id })))).status,
    ).toBe(404);
    expect((await post(path, { intent: 'removeBuyer', buyerOrgId: listed.orgId }, otherCookie)).status).toBe(
      404,
    );
    expect((await post(path, { intent: 'delete' }, otherCookie)).status).toBe(404);
    expect(await counts()).toEqual(before);
    await dropLists();
  });
});

describe('the price a buyer pays', () => {
  it('a fixed price, ± % of the tier price, and never above the tier price', async () => {
    const id = await listWith([listed], [{ listingId: lotId, kind: 'fixed', price: '37.77' }]);
    expect(await pays(listed)).toBe(3_777);
    expect(await pays(unlisted)).toBe(4_200);
    await db
      .update(priceListRules)
      .set({ kind: 'tier_pct', priceFen: null, adjustBps: -250 })
      .where(eq(priceListRules.priceListId, id));
    // ¥42 − 2.5 % = ¥40.95.
    expect(await pays(listed)).toBe(4_095);
    await db
      .update(priceListRules)
      .set({ kind: 'fixed', priceFen: 4_500, adjustBps: null })
      .where(eq(priceListRules.priceListId, id));
    expect(await pays(listed)).toBe(4_200);
    await dropLists();
  });

  it('± % of the market’s reference price, and nothing on a day without one', async () => {
    await listWith([listed], [{ listingId: lotId, kind: 'reference_pct', percent: '-5' }]);
    const lot = await lotOf(lotId);
    expect(await lotReferencePriceFen(db, lot)).toBeNull();
    expect(await pays(listed)).toBe(4_200);
    const key = await lotReferenceKey(db, lot);
    if (!key) throw new Error('the shrimp lot has no reference key');
    // Yesterday 300 kg traded at ¥40.10/kg: the reference is ¥40.10, less 5 % = 3,809.5 fen, half up 3,810.
    await db.insert(marketDayAggregates).values({
      categoryId: key.categoryId,
      grade: key.grade,
      origin: '广东湛江',
      day: addDays(today, -1),
      valueMilliFen: 4_010 * 300_000,
      amountFen: 4_010 * 300,
      weightGrams: 300_000,
      lowFenPerKg: 4_010,
      highFenPerKg: 4_010,
      trades: 1,
    });
    try {
      expect(await lotReferencePriceFen(db, lot)).toBe(4_010);
      expect(await pays(listed)).toBe(3_810);
      expect(await pays(unlisted)).toBe(4_200);
    } finally {
      await db.delete(marketDayAggregates).where(eq(marketDayAggregates.categoryId, key.categoryId));
      await dropLists();
    }
  });

  it('only within its validity window, both edge days included, and only while active', async () => {
    const id = await listWith([listed], [{ listingId: lotId, kind: 'fixed', price: '38' }], {
      validFrom: today,
      validTo: today,
    });
    expect(await pays(listed)).toBe(3_800);
    await db
      .update(priceLists)
      .set({ validFrom: addDays(today, 1), validTo: null })
      .where(eq(priceLists.id, id));
    expect(await pays(listed)).toBe(4_200);
    await db
      .update(priceLists)
      .set({ validFrom: null, validTo: addDays(today, -1) })
      .where(eq(priceLists.id, id));
    expect(await pays(listed)).toBe(4_200);
    await db
      .update(priceLists)
      .set({ validFrom: addDays(today, -3), validTo: today })
      .where(eq(priceLists.id, id));
    expect(await pays(listed)).toBe(3_800);
    // The day after its last day it no longer applies (market days: a day later is tomorrow's market).
    expect(await pays(listed, lotId, new Date(Date.now() + 24 * 3600 * 1000))).toBe(4_200);
    await db.update(priceLists).set({ active: false }).where(eq(priceLists.id, id));
    expect(await pays(listed)).toBe(4_200);
    await dropLists();
  });

  it('a lot rule beats a category rule; among lists the lowest price', async () => {
    await listWith(
      [listed],
      [
        { categoryId: 'whiteleg-shrimp', kind: 'tier_pct', percent: '-20' },
        { listingId: lotId, kind: 'fixed', price: '40' },
      ],
    );
    // The lot's own rule (¥40) beats the category's cheaper ¥33.60; the other lot of the category gets ¥33.60.
    expect(await pays(listed, lotId)).toBe(4_000);
    expect(await pays(listed, secondLotId)).toBe(3_360);
    await listWith([listed], [{ listingId: lotId, kind: 'fixed', price: '39' }]);
    expect(await pays(listed, lotId)).toBe(3_900);
    expect(await pays(unlisted, lotId)).toBe(4_200);
    await dropLists();
  });
});

describe('what buyers see and pay', () => {
  it('the listed buyer sees and pays its price; another buyer and the anonymous see and pay the list price', async () => {
    const listId = await listWith([listed], [{ listingId: lotId, kind: 'fixed', price: '37.77' }]);
    const listedCookie = await cookieFor(listed);
    const unlistedCookie = await cookieFor(unlisted);

    const lotPage = async (cookie?: string) =>
      (
        await call(() => lotLoader(args(getRequest(`/market/${lotId}`, { cookie }), { listingId: lotId })))
      ).json();
    const own = (await lotPage(listedCookie)) as {
      yourPriceFen: number | null;
      buyTiers: { unitPriceFen: number }[];
    };
    expect(own.yourPriceFen).toBe(3_777);
    expect(own.buyTiers.map((t) => t.unitPriceFen)).toEqual([3_777]);
    for (const cookie of [unlistedCookie, undefined]) {
      const page = await lotPage(cookie);
      expect(page).toMatchObject({ yourPriceFen: null });
      // Nothing of the list reaches anyone else's page: not its id, not its price.
      expect(JSON.stringify(page)).not.toContain(listId);
      expect(JSON.stringify(page)).not.toContain('3777');
    }

    const marketPage = async (cookie?: string) =>
      (
        await call(() => marketLoader(args(getRequest('/market?q=协议价测试', { cookie }))))
      ).json() as Promise<{
        yourPrices: Record<string, number>;
        items: { id: string }[];
      }>;
    const mine = await marketPage(listedCookie);
    expect(mine.items.map((i) => i.id)).toContain(lotId);
    expect(mine.yourPrices).toEqual({ [lotId]: 3_777 });
    for (const cookie of [unlistedCookie, undefined]) {
      const page = await marketPage(cookie);
      expect(page.items.map((i) => i.id)).toContain(lotId);
      expect(page.yourPrices).toEqual({});
      expect(JSON.stringify(page)).not.toContain('3777');
    }

    // Buy now: the listed buyer's order is at its price and records the list; the other pays the tier price.
    const buy = (who: Seller) =>
      placeBuyNow({
        buyerOrgId: who.orgId,
        actorUserId: who.userId,
        form: { listingId: lotId, quantity: '10', unit: 'kg', tolerancePercent: 0 },
      });
    const a = await buy(listed);
    const b = await buy(unlisted);
    if (!a.ok || !b.ok) throw new Error('buy now refused');
    const [orderA] = await db.select().from(orders).where(eq(orders.id, a.orderId));
    const [orderB] = await db.select().from(orders).where(eq(orders.id, b.orderId));
    expect(orderA).toMatchObject({ unitPriceFen: 3_777, subtotalFen: 37_770 });
    expect(orderB).toMatchObject({ unitPriceFen: 4_200, subtotalFen: 42_000 });
    const created = async (orderId: string) =>
      (
        await db
          .select({ data: orderEvents.data })
          .from(orderEvents)
          .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.kind, 'created')))
      )[0]?.data;
    expect(await created(a.orderId)).toEqual({ priceListId: listId });
    expect(await created(b.orderId)).toEqual({});
    await dropLists();
  });

  it('buyer groups: saved from a list, added to another as a copy of their members', async () => {
    const first = await listWith([listed], []);
    const saved = await post(`/sell/price-lists/${first}`, { intent: 'saveGroup', groupName: '餐饮客户' });
    expect(saved.status).toBe(302);
    const taken = await post(`/sell/price-lists/${first}`, { intent: 'saveGroup', groupName: '餐饮客户' });
    expect(taken.status).toBe(409);
    const [group] = await db.execute<{ id: string }>(
      sql`select id from buyer_groups where seller_org_id = ${seller.orgId}`,
    );
    const second = await listWith([], []);
    const added = await post(`/sell/price-lists/${second}`, { intent: 'addGroup', groupId: group.id });
    expect(added.status).toBe(302);
    const onSecond = await db.select().from(priceListBuyers).where(eq(priceListBuyers.priceListId, second));
    expect(onSecond.map((b) => b.buyerOrgId)).toEqual([listed.orgId]);
    // Another seller cannot add this seller's group.
    const otherCookie = await cookieFor(otherSeller);
    const otherList = await call(() =>
      newAction(args(formRequest('/sell/price-lists/new', { name: '别家' }, { cookie: otherCookie }))),
    );
    const otherId = /prl_\w+/.exec(otherList.headers.get('Location') ?? '')?.[0] ?? '';
    const stolen = await post(
      `/sell/price-lists/${otherId}`,
      { intent: 'addGroup', groupId: group.id },
      otherCookie,
    );
    expect(stolen.status).toBe(400);
    await dropLists();
  });
});
