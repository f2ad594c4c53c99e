// Repeat buying against real PostgreSQL: reorder prefill and a gone lot, a three-seller requisition list checked out into
// three orders with an unbuyable line reported (and a repeated post making nothing twice), standing orders that run once a
// week even under two concurrent sweeps, skip on short stock or a price over the cap and tell the buyer, and stay still
// when paused; another org's list is not found.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  listings,
  notificationEvents,
  orders,
  organisations,
  priceTiers,
  standingOrderRuns,
  standingOrders,
} from '../../db/schema';
import {
  createStandingOrder,
  runDueStandingOrders,
  runStandingOrder,
  setStandingStatus,
} from '../../app/b2b/repeat.server';
import { weekOf } from '../../app/b2b/schedule';
import { addDays, marketToday } from '../../app/lib/market-time';
import { placeBuyNow } from '../../app/orders/orders.server';
import { processB2bJob } from '../../workers/b2b';
import { loader as reorderLoader } from '../../app/routes/buy_.reorder.$orderId';
import { action as addAction } from '../../app/routes/buy_.lists_.add';
import { action as listAction, loader as listLoader } from '../../app/routes/buy_.lists_.$listId';
import { loader as listsLoader } from '../../app/routes/buy_.lists';
import { loader as checkoutLoader } from '../../app/routes/buy_.checkouts.$checkoutId';
import { call, formRequest, getRequest } from '../support/http';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { sessionCookieOf } from '../support/session';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const today = marketToday();

let buyer: Seller;
let cookie: string;

beforeAll(async () => {
  buyer = await buyerOrg();
  cookie = await sessionCookieOf({ userId: buyer.userId, orgId: buyer.orgId });
});

async function standing(listingId: string, quantity: string, maxRisePercent = 5) {
  return createStandingOrder({
    buyerOrgId: buyer.orgId,
    actorUserId: buyer.userId,
    form: { listingId, quantity, unit: 'kg', weekday: 2, maxRisePercent },
  });
}

describe('reorder', () => {
  it('leads to the buy step of the same lot with the quantity filled in, or says the lot is gone', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '500');
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lot, quantity: '12.5', unit: 'kg', tolerancePercent: 0 },
    });
    if (!placed.ok) throw new Error('order refused');
    const go = await call(() =>
      reorderLoader(
        args(getRequest(`/buy/reorder/${placed.orderId}`, { cookie }), { orderId: placed.orderId }),
      ),
    );
    expect(go.status).toBe(302);
    const to = new URL(go.headers.get('Location') ?? '', 'http://x');
    expect(to.pathname).toBe('/orders/new');
    expect(Object.fromEntries(to.searchParams)).toEqual({ listingId: lot, quantity: '12.5', unit: 'kg' });

    await db.update(listings).set({ status: 'sold_out', quantityAvailable: 0 }).where(eq(listings.id, lot));
    const gone = await call(() =>
      reorderLoader(
        args(getRequest(`/buy/reorder/${placed.orderId}`, { cookie }), { orderId: placed.orderId }),
      ),
    );
    expect(gone.status).toBe(200);
    expect(await gone.json()).toMatchObject({
      reason: 'repeat.reorder.soldOut',
      categoryId: 'whiteleg-shrimp',
    });

    // The seller (another org) cannot reorder the buyer's order: not found.
    const other = await buyerOrg();
    const otherCookie = await sessionCookieOf({ userId: other.userId, orgId: other.orgId });
    const hidden = await call(() =>
      reorderLoader(
        args(getRequest(`/buy/reorder/${placed.orderId}`, { cookie: otherCookie }), {
          orderId: placed.orderId,
        }),
      ),
    );
    expect(hidden.status).toBe(404);
  });
});

describe('requisition list checkout', () => {
  it('makes one order per seller at once and reports the line it cannot buy without blocking the others', async () => {
    const sellers = [
      await verifiedSeller(db),
      await verifiedSeller(db),
      await verifiedSeller(db),
      await verifiedSeller(db),
    ];
    const lots: string[] = [];
    for (const s of sellers) lots.push(await liveShrimpLot(db, s, '800'));
    // The first post makes a new list; the rest go onto it through the lot's "add to list" form.
    let listId = '';
    for (const [i, lot] of lots.entries()) {
      const added = await call(() =>
        addAction(
          args(
            formRequest(
              '/buy/lists/add',
              {
                intent: 'add',
                listingId: lot,
                listId: i === 0 ? 'new' : listId,
                newName: '周二进货',
                quantity: String(10 * (i + 1)),
                unit: 'kg',
              },
              { cookie },
            ),
          ),
        ),
      );
      expect(added.status).toBe(302);
      listId = (added.headers.get('Location') ?? '').split('/').pop() ?? '';
    }
    // Bad input: a quantity below the lot's minimum is refused with its message, and nothing is added.
    const refused = await call(() =>
      addAction(
        args(
          formRequest(
            '/buy/lists/add',
            { intent: 'add', listingId: lots[0] ?? '', listId, quantity: '0.1', unit: 'kg' },
            { cookie },
          ),
        ),
      ),
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errors: { quantity: 'orders.errors.belowMoq' } });

    const page = await call(() =>
      listLoader(args(getRequest(`/buy/lists/${listId}`, { cookie }), { listId })),
    );
    const { lines, checkoutToken } = (await page.json()) as { lines: unknown[]; checkoutToken: string };
    expect(lines).toHaveLength(4);
    // The fourth seller is suspended: its lot is not for sale.
    await db
      .update(organisations)
      .set({ suspendedUntil: new Date(Date.now() + 86_400_000) })
      .where(eq(organisations.id, sellers[3]?.orgId ?? ''));

    const post = () =>
      call(() =>
        listAction(
          args(
            formRequest(`/buy/lists/${listId}`, { intent: 'checkout', token: checkoutToken }, { cookie }),
            { listId },
          ),
        ),
      );
    const [first, again] = await Promise.all([post(), post()]);
    expect(first.status).toBe(302);
    expect(again.headers.get('Location')).toBe(first.headers.get('Location'));
    const checkoutId = (first.headers.get('Location') ?? '').split('/').pop() ?? '';
    const summary = await call(() =>
      checkoutLoader(args(getRequest(`/buy/checkouts/${checkoutId}`, { cookie }), { checkoutId })),
    );
    const body = (await summary.json()) as {
      lines: { orderId: string | null; error: string | null; listingId: string }[];
      toPayFen: number;
    };
    const made = body.lines.filter((l) => l.orderId);
    expect(made).toHaveLength(3);
    expect(body.lines.find((l) => !l.orderId)).toMatchObject({
      listingId: lots[3],
      error: 'orders.errors.notOnSale',
    });
    const rows = await db
      .select({ sellerOrgId: orders.sellerOrgId, subtotalFen: orders.subtotalFen })
      .from(orders)
      .where(and(eq(orders.buyerOrgId, buyer.orgId), eq(orders.status, 'pending_payment')));
    const fromList = rows.filter((r) => sellers.slice(0, 3).some((s) => s.orgId === r.sellerOrgId));
    // One order per seller, even with the post made twice at once; the total is what the three cost.
    expect(fromList).toHaveLength(3);
    expect(body.toPayFen).toBe(fromList.reduce((sum, r) => sum + r.subtotalFen, 0));
    expect(body.toPayFen).toBe(4200 * (10 + 20 + 30));

    // A line's quantity: bad input is refused on its line and nothing changes; a good one is kept; a line goes.
    const lineIds = (
      (await (
        await call(() => listLoader(args(getRequest(`/buy/lists/${listId}`, { cookie }), { listId })))
      ).json()) as {
        lines: { id: string; quantity: string }[];
      }
    ).lines.map((l) => l.id);
    const save = (quantity: string) =>
      call(() =>
        listAction(
          args(
            formRequest(
              `/buy/lists/${listId}`,
              { intent: 'save', lineId: lineIds[0] ?? '', quantity, unit: 'kg' },
              { cookie },
            ),
            {
              listId,
            },
          ),
        ),
      );
    const tooSmall = await save('0.1');
    expect(tooSmall.status).toBe(400);
    expect(await tooSmall.json()).toMatchObject({
      errors: { quantity: 'orders.errors.belowMoq' },
      values: { quantity: '0.1' },
    });
    expect((await save('15')).status).toBe(302);
    const removed = await call(() =>
      listAction(
        args(
          formRequest(`/buy/lists/${listId}`, { intent: 'remove', lineId: lineIds[1] ?? '' }, { cookie }),
          { listId },
        ),
      ),
    );
    expect(removed.status).toBe(302);
    const after = (await (
      await call(() => listLoader(args(getRequest(`/buy/lists/${listId}`, { cookie }), { listId })))
    ).json()) as {
      lines: { id: string; quantity: string }[];
    };
    expect(after.lines.map((l) => [l.id, l.quantity])).toEqual([
      [lineIds[0], '15'],
      [lineIds[2], '30'],
      [lineIds[3], '40'],
    ]);

    // Another buyer org sees nothing of the list or the checkout.
    const other = await buyerOrg();
    const otherCookie = await sessionCookieOf({ userId: other.userId, orgId: other.orgId });
    expect(
      (
        await call(() =>
          listLoader(args(getRequest(`/buy/lists/${listId}`, { cookie: otherCookie }), { listId })),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await call(() =>
          listAction(
            args(
              formRequest(
                `/buy/lists/${listId}`,
                { intent: 'checkout', token: checkoutToken },
                { cookie: otherCookie },
              ),
              { listId },
            ),
          ),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await call(() =>
          checkoutLoader(
            args(getRequest(`/buy/checkouts/${checkoutId}`, { cookie: otherCookie }), { checkoutId }),
          ),
        )
      ).status,
    ).toBe(404);
    const theirLists = (await (
      await call(() => listsLoader(args(getRequest('/buy/lists', { cookie: otherCookie }))))
    ).json()) as {
      lists: unknown[];
    };
    expect(theirLists.lists).toHaveLength(0);
  });
});

describe('standing orders', () => {
  it('orders once a week, even when two sweeps run at once, and again the next week', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '1000');
    const id = await standing(lot, '200');
    // Due today: the sweep finds standing orders by today's market weekday.
    const todayWeekday = ((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    await db.update(standingOrders).set({ weekday: todayWeekday }).where(eq(standingOrders.id, id));
    const [a, b] = await Promise.all([runDueStandingOrders(), runDueStandingOrders()]);
    expect([a[id], b[id]].filter((o) => o === 'ordered')).toHaveLength(1);
    expect(await runStandingOrder(id, today)).toBe('already');
    const runs = await db.select().from(standingOrderRuns).where(eq(standingOrderRuns.standingOrderId, id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ week: weekOf(today), outcome: 'ordered' });
    const [order] = await db
      .select()
      .from(orders)
      .where(eq(orders.id, runs[0]?.orderId ?? ''));
    expect(order).toMatchObject({ buyerOrgId: buyer.orgId, quantity: 200_000, unitPriceFen: 4200 });
    expect(await runStandingOrder(id, addDays(today, 7))).toBe('ordered');
    const [lotRow] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(lotRow?.quantityAvailable).toBe(600_000);
  });

  it('skips the week when stock is short and tells the buyer', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '150');
    const id = await standing(lot, '200');
    expect(await runStandingOrder(id, today)).toBe('skipped_stock');
    expect(await runStandingOrder(id, today)).toBe('already');
    const told = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `standing:${id}:${weekOf(today)}`));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ type: 'standing-order-skipped', orgId: buyer.orgId });
    expect(told[0]?.params).toMatchObject({ reason: 't:repeat.skip.stock', week: weekOf(today) });
    const [lotRow] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(lotRow?.quantityAvailable).toBe(150_000);
  });

  it('skips when the price rose above the buyer’s cap, buys when it rose within it', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '1000');
    const id = await standing(lot, '100', 10);
    // ¥42.00 → ¥46.20 is +10%: within the cap.
    await db.update(priceTiers).set({ unitPriceFen: 4620 }).where(eq(priceTiers.listingId, lot));
    expect(await runStandingOrder(id, today)).toBe('ordered');
    // ¥46.21 is over it.
    await db.update(priceTiers).set({ unitPriceFen: 4621 }).where(eq(priceTiers.listingId, lot));
    expect(await runStandingOrder(id, addDays(today, 7))).toBe('skipped_price');
    const [told] = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `standing:${id}:${weekOf(addDays(today, 7))}`));
    expect(told?.params).toMatchObject({ reason: 't:repeat.skip.price' });
  });

  it('skips the week of a suspended buyer org and says why', async () => {
    const other = await buyerOrg();
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '1000');
    const id = await createStandingOrder({
      buyerOrgId: other.orgId,
      actorUserId: other.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', weekday: 2, maxRisePercent: 0 },
    });
    await db
      .update(organisations)
      .set({ suspendedUntil: new Date(Date.now() + 86_400_000) })
      .where(eq(organisations.id, other.orgId));
    expect(await runStandingOrder(id, today)).toBe('skipped_unavailable');
    const [run] = await db.select().from(standingOrderRuns).where(eq(standingOrderRuns.standingOrderId, id));
    expect(run?.reason).toBe('trust.sanction.cannotTrade');
  });

  it('is the b2b queue’s standing-orders job, which refuses a job it does not know', async () => {
    await expect(processB2bJob({ name: 'standing-orders', data: {} })).resolves.toMatchObject({
      ran: expect.any(Number),
    });
    await expect(processB2bJob({ name: 'nope', data: {} })).rejects.toThrow('bad b2b job');
  });

  it('does not run while paused, and runs again once resumed', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '1000');
    const id = await standing(lot, '50');
    await setStandingStatus({ buyerOrgId: buyer.orgId, standingId: id, to: 'paused' });
    expect(await runStandingOrder(id, today)).toBe('paused');
    const todayWeekday = ((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    await db.update(standingOrders).set({ weekday: todayWeekday }).where(eq(standingOrders.id, id));
    expect((await runDueStandingOrders())[id]).toBeUndefined();
    expect(
      await db.select().from(standingOrderRuns).where(eq(standingOrderRuns.standingOrderId, id)),
    ).toHaveLength(0);
    // Another org cannot resume it.
    const other = await buyerOrg();
    await expect(
      setStandingStatus({ buyerOrgId: other.orgId, standingId: id, to: 'active' }),
    ).rejects.toMatchObject({
      messageKey: 'errors.notFound',
    });
    await setStandingStatus({ buyerOrgId: buyer.orgId, standingId: id, to: 'active' });
    expect(await runStandingOrder(id, today)).toBe('ordered');
  });
});
