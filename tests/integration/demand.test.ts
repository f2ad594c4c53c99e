// Demands and quotes through their real loaders and actions: post, quote, counter, accept into an order, and every refusal with its 4xx.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { demands, listings, orderEvents, orders, outbox, quoteVersions, quotes } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { marketToday } from '../../app/listings/form.server';
import { loader as boardLoader } from '../../app/routes/demands._index';
import { action as demandAction, loader as demandLoader } from '../../app/routes/demands.$demandId';
import { action as editAction } from '../../app/routes/demands.$demandId_.edit';
import {
  action as threadAction,
  loader as threadLoader,
} from '../../app/routes/demands.$demandId_.quotes.$quoteId';
import { action as newAction } from '../../app/routes/demands.new';
import { loader as buyLoader } from '../../app/routes/buy';
import { loader as sellLoader } from '../../app/routes/sell._index';
import { call, formRequest, getRequest, logInAs } from '../support/http';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
type Refused = { ok: false; errors: Record<string, string> };

const cookies = { buyer: '', grower: '', shrimp: '', supermarket: '' };
let pineappleLot: string;

function addDays(days: number): string {
  return new Date(Date.parse(`${marketToday()}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const pineappleDemand = (fields: Record<string, string> = {}) => ({
  categoryId: 'pineapple',
  title: '酒楼菠萝 2 吨',
  'spec.grade': 'premium',
  quantity: '2',
  unit: 't',
  targetPrice: '4',
  priceUnit: 'jin',
  deliveryCity: 'guangzhou',
  deliverBy: addDays(4),
  coldChain: 'ambient',
  visibility: 'all',
  ...fields,
});

async function post(cookie: string, fields: Record<string, string>) {
  return call(() => newAction(args(formRequest('/demands/new', fields, { cookie }))));
}

async function postDemand(fields: Record<string, string> = {}): Promise<string> {
  const response = await post(cookies.buyer, pineappleDemand(fields));
  expect(response.status).toBe(302);
  return /\/demands\/(dmd_[a-z0-9]+)/.exec(response.headers.get('Location') ?? '')?.[1] ?? '';
}

async function quote(cookie: string, demandId: string, fields: Record<string, string> = {}) {
  return call(() =>
    demandAction(
      args(
        formRequest(
          `/demands/${demandId}`,
          {
            intent: 'quote',
            listingId: pineappleLot,
            price: '4.20',
            priceUnit: 'jin',
            quantity: '2',
            unit: 't',
            deliverBy: addDays(3),
            validDays: '2',
            ...fields,
          },
          { cookie },
        ),
        { demandId },
      ),
    ),
  );
}

async function onThread(cookie: string, demandId: string, quoteId: string, fields: Record<string, string>) {
  return call(() =>
    threadAction(
      args(formRequest(`/demands/${demandId}/quotes/${quoteId}`, fields, { cookie }), { demandId, quoteId }),
    ),
  );
}

const counter = (version: number, price = '3.90') => ({
  intent: 'counter',
  version: String(version),
  price,
  priceUnit: 'jin',
  quantity: '2',
  unit: 't',
  deliverBy: addDays(3),
  validDays: '1',
});

const quoteIdFrom = (response: Response) =>
  /\/quotes\/(quo_[a-z0-9]+)/.exec(response.headers.get('Location') ?? '')?.[1] ?? '';

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.grower = await logInAs('pineapple@wharf.test');
  cookies.shrimp = await logInAs('shrimp@wharf.test');
  cookies.supermarket = await logInAs('supermarket@wharf.test');
  const [lot] = await db
    .select({ id: listings.id })
    .from(listings)
    .where(
      and(eq(listings.sellerOrgId, 'org_xuwen'), eq(listings.titleZh, '徐闻菠萝 巴厘 特级大果 产地直发')),
    );
  pineappleLot = lot.id;
});

describe('posting a demand', () => {
  it('writes the demand with its spec range and enqueues matching through the outbox', async () => {
    const id = await postDemand({ 'spec.size': 'l,xl', 'spec.brix.min': '14' });
    const [demand] = await db.select().from(demands).where(eq(demands.id, id));
    expect(demand).toMatchObject({
      buyerOrgId: 'org_yuewei',
      quantity: 2_000_000,
      targetPriceFen: 800,
      priceUnit: 'jin',
      deliveryCityId: 'guangzhou',
      status: 'open',
      spec: { grade: ['premium'], size: ['l', 'xl'], brix: { min: 14 } },
    });
    const queued = await db.select().from(outbox).where(eq(outbox.name, 'demand-changed'));
    expect(queued.some((row) => (row.payload as { demandId: string }).demandId === id)).toBe(true);
  });

  it.each([
    ['quantity 0', { quantity: '0' }, 'quantity', 'errors.mustBePositive'],
    ['a deliver-by date in the past', { deliverBy: addDays(-1) }, 'deliverBy', 'demand.errors.deliverByPast'],
    ['a city not in the places table', { deliveryCity: 'atlantis' }, 'deliveryCity', 'errors.chooseOne'],
    ['a spec value the category does not have', { 'spec.grade': 'gold' }, 'spec.grade', 'errors.chooseOne'],
    [
      'a reversed range',
      { 'spec.brix.min': '18', 'spec.brix.max': '12' },
      'spec.brix.max',
      'demand.errors.rangeReversed',
    ],
  ])('refuses %s with a message and a 400, writing nothing', async (_label, fields, field, key) => {
    const before = await db.select({ id: demands.id }).from(demands);
    const response = await post(cookies.buyer, pineappleDemand(fields));
    expect(response.status).toBe(400);
    const body = (await response.json()) as Refused;
    expect(body.errors[field]).toBe(key);
    expect(await db.select({ id: demands.id }).from(demands)).toHaveLength(before.length);
  });

  it('shows on the board, filtered by category and city, and on the buyer desk', async () => {
    const id = await postDemand({ title: '看板上的菠萝' });
    const board = await call(() =>
      boardLoader(args(getRequest('/demands?category=pineapple&city=guangzhou', { cookie: cookies.grower }))),
    );
    const data = (await board.json()) as { items: { id: string }[]; total: number };
    expect(data.items.map((i) => i.id)).toContain(id);
    const none = await call(() =>
      boardLoader(args(getRequest('/demands?category=pineapple&city=shenzhen', { cookie: cookies.grower }))),
    );
    expect(((await none.json()) as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(id);
    const desk = await call(() => buyLoader(args(getRequest('/buy', { cookie: cookies.buyer }))));
    expect(((await desk.json()) as { demands: { id: string }[] }).demands.map((d) => d.id)).toContain(id);
    const sell = await call(() => sellLoader(args(getRequest('/sell', { cookie: cookies.grower }))));
    expect(sell.status).toBe(200);
  });

  it('edits, closes and reopens; each change enqueues matching again', async () => {
    const id = await postDemand();
    const count = async () =>
      (await db.select().from(outbox).where(eq(outbox.name, 'demand-changed'))).filter(
        (row) => (row.payload as { demandId: string }).demandId === id,
      ).length;
    expect(await count()).toBe(1);
    const edited = await call(() =>
      editAction(
        args(
          formRequest(`/demands/${id}/edit`, pineappleDemand({ quantity: '3' }), { cookie: cookies.buyer }),
          { demandId: id },
        ),
      ),
    );
    expect(edited.status).toBe(302);
    const closed = await call(() =>
      demandAction(
        args(formRequest(`/demands/${id}`, { intent: 'close' }, { cookie: cookies.buyer }), { demandId: id }),
      ),
    );
    expect(closed.status).toBe(302);
    const reopened = await call(() =>
      demandAction(
        args(formRequest(`/demands/${id}`, { intent: 'reopen' }, { cookie: cookies.buyer }), {
          demandId: id,
        }),
      ),
    );
    expect(reopened.status).toBe(302);
    const [demand] = await db.select().from(demands).where(eq(demands.id, id));
    expect(demand).toMatchObject({ status: 'open', quantity: 3_000_000, version: 2 });
    expect(await count()).toBe(4);
    // Another org cannot edit it: it is not theirs to see.
    const foreign = await call(() =>
      editAction(
        args(formRequest(`/demands/${id}/edit`, pineappleDemand(), { cookie: cookies.supermarket }), {
          demandId: id,
        }),
      ),
    );
    expect(foreign.status).toBe(404);
  });
});

describe('quoting and negotiating', () => {
  it('quotes ¥4.20/斤, counters ¥3.90, the seller accepts: one order at ¥3.90/斤 with the stock reserved', async () => {
    const demandId = await postDemand();
    const quoted = await quote(cookies.grower, demandId);
    expect(quoted.status).toBe(302);
    const quoteId = quoteIdFrom(quoted);
    const [v1] = await db.select().from(quoteVersions).where(eq(quoteVersions.quoteId, quoteId));
    expect(v1).toMatchObject({ version: 1, side: 'seller', unitPriceFen: 840, quantity: 2_000_000 });

    // The seller cannot accept or counter its own offer.
    const early = await onThread(cookies.grower, demandId, quoteId, { intent: 'accept', version: '1' });
    expect(early.status).toBe(409);
    expect(((await early.json()) as Refused).errors.form).toBe('demand.errors.notYourTurn');

    const countered = await onThread(cookies.buyer, demandId, quoteId, counter(1));
    expect(countered.status).toBe(302);
    // Accepting the seller's version 1 now is accepting a superseded version.
    const stale = await onThread(cookies.buyer, demandId, quoteId, { intent: 'accept', version: '1' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as Refused).errors.form).toBe('demand.errors.superseded');

    const [before] = await db.select().from(listings).where(eq(listings.id, pineappleLot));
    const accepted = await onThread(cookies.grower, demandId, quoteId, { intent: 'accept', version: '2' });
    expect(accepted.status).toBe(302);
    const orderId = /\/orders\/(ord_[a-z0-9]+)/.exec(accepted.headers.get('Location') ?? '')?.[1] ?? '';
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({
      source: 'quote',
      buyerOrgId: 'org_yuewei',
      sellerOrgId: 'org_xuwen',
      listingId: pineappleLot,
      quantity: 2_000_000,
      unitPriceFen: 780,
      subtotalFen: 1_560_000,
      status: 'pending_payment',
    });
    const [after] = await db.select().from(listings).where(eq(listings.id, pineappleLot));
    expect(after.quantityAvailable).toBe(before.quantityAvailable - 2_000_000);
    const [created] = await db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId));
    expect(created.data).toMatchObject({ demandId, quoteId, version: 2 });
    const [thread] = await db.select().from(quotes).where(eq(quotes.id, quoteId));
    expect(thread).toMatchObject({ status: 'accepted', orderId });
    // The whole quantity is bought: the demand leaves the board.
    const [demand] = await db.select().from(demands).where(eq(demands.id, demandId));
    expect(demand.status).toBe('fulfilled');

    // Accepting again is refused; there is still one order.
    const again = await onThread(cookies.grower, demandId, quoteId, { intent: 'accept', version: '2' });
    expect(again.status).toBe(409);
    expect(await db.select().from(orders).where(eq(orders.listingId, pineappleLot))).toHaveLength(1);
  });

  it('refuses to accept an expired version, and writes no order', async () => {
    const demandId = await postDemand();
    const quoteId = quoteIdFrom(await quote(cookies.grower, demandId));
    await db
      .update(quoteVersions)
      .set({ validUntil: new Date(Date.now() - 60_000) })
      .where(eq(quoteVersions.quoteId, quoteId));
    const response = await onThread(cookies.buyer, demandId, quoteId, { intent: 'accept', version: '1' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as Refused).errors.form).toBe('demand.errors.expired');
    const [thread] = await db.select().from(quotes).where(eq(quotes.id, quoteId));
    expect(thread.status).toBe('open');
  });

  it('refuses to accept a quote that no lot backs', async () => {
    const demandId = await postDemand();
    const quoteId = quoteIdFrom(await quote(cookies.grower, demandId, { listingId: '' }));
    const response = await onThread(cookies.buyer, demandId, quoteId, { intent: 'accept', version: '1' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as Refused).errors.form).toBe('demand.errors.needsListing');
  });

  it('refuses a quote on a closed demand', async () => {
    const demandId = await postDemand();
    await call(() =>
      demandAction(
        args(formRequest(`/demands/${demandId}`, { intent: 'close' }, { cookie: cookies.buyer }), {
          demandId,
        }),
      ),
    );
    const response = await quote(cookies.grower, demandId);
    expect(response.status).toBe(409);
    expect(((await response.json()) as Refused).errors.form).toBe('demand.errors.closed');
    expect(await db.select().from(quotes).where(eq(quotes.demandId, demandId))).toHaveLength(0);
  });

  it("refuses a seller quoting its own organisation's demand", async () => {
    const demandId = await postDemand();
    const response = await quote(cookies.buyer, demandId, { listingId: '' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as Refused).errors.form).toBe('demand.errors.ownDemand');
  });

  it('refuses a second open quote from the same seller, and a lot that is not the seller’s', async () => {
    const demandId = await postDemand();
    expect((await quote(cookies.grower, demandId)).status).toBe(302);
    const twice = await quote(cookies.grower, demandId);
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as Refused).errors.form).toBe('demand.errors.alreadyQuoted');
    const foreignLot = await quote(cookies.shrimp, demandId);
    expect(foreignLot.status).toBe(400);
    expect(((await foreignLot.json()) as Refused).errors.listingId).toBe('demand.errors.listingUnfit');
  });

  it('shows the thread to both parties and answers 404 to a third organisation, for reading and for acting', async () => {
    const demandId = await postDemand();
    const quoteId = quoteIdFrom(await quote(cookies.grower, demandId));
    const read = (cookie: string) =>
      call(() =>
        threadLoader(
          args(getRequest(`/demands/${demandId}/quotes/${quoteId}`, { cookie }), { demandId, quoteId }),
        ),
      );
    expect((await read(cookies.buyer)).status).toBe(200);
    expect((await read(cookies.grower)).status).toBe(200);
    expect((await read(cookies.supermarket)).status).toBe(404);
    expect((await read(cookies.shrimp)).status).toBe(404);
    expect(
      (await onThread(cookies.supermarket, demandId, quoteId, { intent: 'message', body: '你好' })).status,
    ).toBe(404);
    expect((await onThread(cookies.shrimp, demandId, quoteId, counter(1))).status).toBe(404);

    // Messages go both ways; the buyer's page lists the seller's quote, the seller sees only its own.
    expect(
      (await onThread(cookies.buyer, demandId, quoteId, { intent: 'message', body: '能否周五前到？' }))
        .status,
    ).toBe(302);
    const thread = (await (await read(cookies.grower)).json()) as { messages: { body: string }[] };
    expect(thread.messages.map((m) => m.body)).toEqual(['能否周五前到？']);
    const page = await call(() =>
      demandLoader(args(getRequest(`/demands/${demandId}`, { cookie: cookies.buyer }), { demandId })),
    );
    expect(((await page.json()) as { quotes: { id: string }[] }).quotes.map((q) => q.id)).toEqual([quoteId]);
  });

  it('lets another buyer open a demand it sees on the board, read-only and without the quotes', async () => {
    const demandId = await postDemand();
    quoteIdFrom(await quote(cookies.grower, demandId));
    const response = await call(() =>
      demandLoader(args(getRequest(`/demands/${demandId}`, { cookie: cookies.supermarket }), { demandId })),
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      side: string | null;
      canQuote: boolean;
      quotes: unknown[];
      fits: unknown[];
    };
    expect(page.side).toBeNull();
    expect(page.canQuote).toBe(false);
    expect(page.quotes).toEqual([]);
    expect(page.fits).toEqual([]);
    // Closed, it leaves the board and its page with it.
    expect(
      (
        await call(() =>
          demandAction(
            args(formRequest(`/demands/${demandId}`, { intent: 'close' }, { cookie: cookies.buyer }), {
              demandId,
            }),
          ),
        )
      ).status,
    ).toBe(302);
    const closed = await call(() =>
      demandLoader(args(getRequest(`/demands/${demandId}`, { cookie: cookies.supermarket }), { demandId })),
    );
    expect(closed.status).toBe(404);
  });

  it('withdraws a thread; nothing can be accepted on it afterwards', async () => {
    const demandId = await postDemand();
    const quoteId = quoteIdFrom(await quote(cookies.grower, demandId));
    expect((await onThread(cookies.grower, demandId, quoteId, { intent: 'withdraw' })).status).toBe(302);
    const response = await onThread(cookies.buyer, demandId, quoteId, { intent: 'accept', version: '1' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as Refused).errors.form).toBe('demand.errors.quoteClosed');
  });

  it('lets exactly one of two concurrent replies to the same version through', async () => {
    const demandId = await postDemand();
    const quoteId = quoteIdFrom(await quote(cookies.grower, demandId));
    const results = await Promise.all([
      onThread(cookies.buyer, demandId, quoteId, counter(1, '3.80')),
      onThread(cookies.buyer, demandId, quoteId, { intent: 'accept', version: '1' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 409]);
    const versions = await db.select().from(quoteVersions).where(eq(quoteVersions.quoteId, quoteId));
    const [thread] = await db.select().from(quotes).where(eq(quotes.id, quoteId));
    // Either the counter landed (version 2, still open) or the acceptance did (version 1, accepted) — never both.
    expect(thread.status === 'accepted' ? versions.length === 1 : versions.length === 2).toBe(true);
  });
});
