// The order pages through their real loaders and actions: buying, who sees and does what, the offline flow, the balance.
import { and, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { listings, memberships, orderEvents, orders, users } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { action as registerAction } from '../../app/routes/register';
import { loader as balanceLoader } from '../../app/routes/balance';
import { action as paymentsAction, loader as paymentsLoader } from '../../app/routes/operator.payments';
import { action as orderAction, loader as orderLoader } from '../../app/routes/orders.$orderId';
import { loader as ordersLoader } from '../../app/routes/orders._index';
import { action as buyAction, loader as buyLoader } from '../../app/routes/orders.new';
import { processSettlementJob } from '../../workers/settlement';
import { call, formRequest, getRequest, logInAs, sessionCookieFrom } from '../support/http';
import { demoShrimpLotId } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

type Refused = { ok: false; errors: Record<string, string>; values: Record<string, string> };

const cookies = { buyer: '', outsider: '', seller: '', operator: '', viewer: '' };
let lotId: string;

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  // The demo's 3000 kg of live 40/50 whiteleg shrimp from 海兴: ¥42/kg, ¥40.50 from 500 kg, ¥39 from 1500 kg.
  lotId = await demoShrimpLotId();
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.outsider = await logInAs('supermarket@wharf.test');
  cookies.seller = await logInAs('shrimp@wharf.test');
  cookies.operator = await logInAs('operator@wharf.test');
  // A read-only member of a buyer organisation: registered as its owner, then made a viewer.
  const email = `viewer-${Date.now()}@example.test`;
  const registered = await call(() =>
    registerAction(
      args(
        formRequest('/register', {
          email,
          password: 'correct horse battery',
          name: '只读',
          orgName: `只读采购 ${Date.now()}`,
          orgKind: 'buyer',
          city: '广州',
        }),
      ),
    ),
  );
  expect(registered.status).toBe(302);
  cookies.viewer = sessionCookieFrom(registered);
  const [viewer] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  await db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.userId, viewer.id));
});

const buy = (cookie: string, fields: Record<string, string>) =>
  call(() =>
    buyAction(
      args(
        formRequest(
          `/orders/new?listingId=${lotId}`,
          { listingId: lotId, unit: 'kg', tolerancePercent: '3', ...fields },
          { cookie },
        ),
      ),
    ),
  );

const act = (cookie: string, orderId: string, fields: Record<string, string>) =>
  call(() => orderAction(args(formRequest(`/orders/${orderId}`, fields, { cookie }), { orderId })));

const viewOrder = (cookie: string, orderId: string) =>
  call(() => orderLoader(args(getRequest(`/orders/${orderId}`, { cookie }), { orderId })));

const pay = (orderId: string, reference = 'ICBC 20261128-0042') =>
  call(() =>
    paymentsAction(
      args(
        formRequest(
          '/operator/payments',
          { intent: 'record_payment', orderId, reference },
          { cookie: cookies.operator },
        ),
      ),
    ),
  );

async function available(): Promise<number> {
  const [row] = await db
    .select({ available: listings.quantityAvailable })
    .from(listings)
    .where(eq(listings.id, lotId));
  return row.available;
}

async function orderCount(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orders);
  return row.n;
}

async function placeOrder(kg: string): Promise<string> {
  const response = await buy(cookies.buyer, { quantity: kg });
  expect(response.status).toBe(302);
  const location = response.headers.get('Location') ?? '';
  expect(location).toMatch(/^\/orders\/ord_/);
  return location.slice('/orders/'.length);
}

async function statusOf(orderId: string) {
  const [row] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
  return row.status;
}

describe('buying through /orders/new', () => {
  it('shows the lot with the buy box to a buyer, and says why a seller cannot buy', async () => {
    const page = await call(() =>
      buyLoader(args(getRequest(`/orders/new?listingId=${lotId}&quantity=500`, { cookie: cookies.buyer }))),
    );
    expect(page.status).toBe(200);
    const data = (await page.json()) as {
      lot: { tiers: { minQuantity: number; unitPriceFen: number }[] };
      blockedReason: string | null;
      prefill: Record<string, string>;
    };
    expect(data.blockedReason).toBeNull();
    expect(data.prefill.quantity).toBe('500');
    expect(data.lot.tiers.map((tier) => tier.unitPriceFen)).toEqual([4200, 4050, 3900]);

    const asSeller = await call(() =>
      buyLoader(args(getRequest(`/orders/new?listingId=${lotId}`, { cookie: cookies.seller }))),
    );
    expect(((await asSeller.json()) as { blockedReason: string }).blockedReason).toBe(
      'orders.errors.buyerOnly',
    );
    const missing = await call(() =>
      buyLoader(args(getRequest('/orders/new?listingId=lst_nope', { cookie: cookies.buyer }))),
    );
    expect(missing.status).toBe(404);
  });

  it('previews the tier price and total without writing anything', async () => {
    const [before, ordersBefore] = [await available(), await orderCount()];
    const response = await buy(cookies.buyer, { quantity: '500', intent: 'preview' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      quantity: 500_000,
      unitPriceFen: 4050,
      subtotalFen: 2_025_000,
    });
    expect(await available()).toBe(before);
    expect(await orderCount()).toBe(ordersBefore);
  });

  it('places the order at the tier price, reserves the stock and leads to the order with a toast', async () => {
    const before = await available();
    const response = await buy(cookies.buyer, { quantity: '500' });
    expect(response.status).toBe(302);
    expect(response.headers.get('Set-Cookie')).toMatch(/wharf_toast=/);
    const orderId = (response.headers.get('Location') ?? '').slice('/orders/'.length);
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({
      buyerOrgId: 'org_yuewei',
      sellerOrgId: 'org_haixing',
      status: 'pending_payment',
      quantity: 500_000,
      unitPriceFen: 4050,
      subtotalFen: 2_025_000,
      toleranceBps: 300,
      provider: 'offline',
    });
    expect(await available()).toBe(before - 500_000);
  });

  it.each([
    [
      'a quantity below the minimum order',
      'buyer',
      { quantity: '50' },
      400,
      'quantity',
      'orders.errors.belowMoq',
    ],
    ['a quantity that is not a number', 'buyer', { quantity: '五百' }, 400, 'quantity', 'errors.notANumber'],
    [
      'a read-only member of a buyer organisation',
      'viewer',
      { quantity: '500' },
      403,
      'form',
      'orders.errors.traderOnly',
    ],
    ['a seller organisation', 'seller', { quantity: '500' }, 403, 'form', 'orders.errors.buyerOnly'],
  ] as const)(
    'refuses %s with a 4xx and a message, changing nothing',
    async (_label, who, fields, status, field, key) => {
      const [before, ordersBefore] = [await available(), await orderCount()];
      const response = await buy(cookies[who], fields);
      expect(response.status).toBe(status);
      const body = (await response.json()) as Refused;
      expect(body.errors[field]).toBe(key);
      expect(body.values.quantity).toBe(fields.quantity);
      expect(await available()).toBe(before);
      expect(await orderCount()).toBe(ordersBefore);
    },
  );
});

describe('who sees an order and what they may do', () => {
  it('shows the order to its buyer, its seller and operators, and is "not found" for anyone else', async () => {
    const orderId = await placeOrder('100');
    expect((await viewOrder(cookies.outsider, orderId)).status).toBe(404);
    const anonymous = await call(() => orderLoader(args(getRequest(`/orders/${orderId}`), { orderId })));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('Location')).toMatch(/^\/login\?next=/);

    type View = {
      actions: string[];
      fee: { feeFen: number; toSellerFen: number } | null;
      showPayment: boolean;
      readOnly: boolean;
    };
    const asBuyer = await viewOrder(cookies.buyer, orderId);
    expect(asBuyer.status).toBe(200);
    const buyerView = (await asBuyer.json()) as View;
    expect(buyerView).toMatchObject({ actions: ['cancel'], fee: null, showPayment: true });

    const sellerView = (await (await viewOrder(cookies.seller, orderId)).json()) as View;
    // 100 kg × ¥42 = ¥4,200.00; the fee of 1.5% is ¥63.00.
    expect(sellerView).toMatchObject({
      actions: ['cancel'],
      fee: { feeFen: 6300, toSellerFen: 413_700 },
      showPayment: false,
    });

    const operatorView = (await (await viewOrder(cookies.operator, orderId)).json()) as View;
    expect(operatorView.actions.sort()).toEqual(['cancel', 'record_payment']);

    // The outsider's POST is refused the same way, before anything is read from the form.
    const outsider = await act(cookies.outsider, orderId, { intent: 'cancel' });
    expect(outsider.status).toBe(404);
    expect(await statusOf(orderId)).toBe('pending_payment');
  });

  it('answers a buyer marking its order shipped with 403 wrongParty, leaving the order as it was', async () => {
    const orderId = await placeOrder('100');
    expect((await pay(orderId)).status).toBe(302);
    expect(await statusOf(orderId)).toBe('paid');
    const response = await act(cookies.buyer, orderId, { intent: 'ship' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as Refused).errors.form).toBe('orders.errors.wrongParty');
    expect(await statusOf(orderId)).toBe('paid');
    const [events] = await db
      .select({ n: count() })
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.kind, 'ship')));
    expect(events.n).toBe(0);
  });

  it('refuses an unknown step with a 400', async () => {
    const orderId = await placeOrder('100');
    const response = await act(cookies.buyer, orderId, { intent: 'complete' });
    expect(response.status).toBe(400);
    expect(await statusOf(orderId)).toBe('pending_payment');
  });

  it('answers paying a cancelled order with 409, on the order page and on the payments desk', async () => {
    const before = await available();
    const orderId = await placeOrder('100');
    const cancelled = await act(cookies.buyer, orderId, { intent: 'cancel', reason: '下错单了' });
    expect(cancelled.status).toBe(302);
    expect(await statusOf(orderId)).toBe('cancelled');
    expect(await available()).toBe(before);

    const onPage = await act(cookies.operator, orderId, { intent: 'record_payment', reference: 'ICBC 1' });
    expect(onPage.status).toBe(409);
    expect(((await onPage.json()) as Refused).errors.form).toBe('orders.errors.wrongState');
    const onDesk = await pay(orderId);
    expect(onDesk.status).toBe(409);
    expect(((await onDesk.json()) as Refused).errors.form).toBe('orders.errors.wrongState');
    expect(await statusOf(orderId)).toBe('cancelled');
  });

  it('lets a read-only member see its organisation’s orders but take no step', async () => {
    const page = await call(() => ordersLoader(args(getRequest('/orders', { cookie: cookies.viewer }))));
    expect(page.status).toBe(200);
    expect(((await page.json()) as { canAct: boolean }).canAct).toBe(false);
  });
});

describe('the offline flow through the pages', () => {
  it('buys 500 kg, is paid, shipped, weighed at 492 kg, delivered, settled: the seller’s balance shows the release, the buyer’s timeline the refund', async () => {
    const orderId = await placeOrder('500');

    // The payments desk lists the order until the operator records the transfer.
    const desk = (await (
      await call(() => paymentsLoader(args(getRequest('/operator/payments', { cookie: cookies.operator }))))
    ).json()) as {
      awaiting: { id: string; amountFen: number }[];
      payouts: { id: string; amountFen: number }[];
    };
    expect(desk.awaiting.find((row) => row.id === orderId)?.amountFen).toBe(2_025_000);
    const missingReference = await call(() =>
      paymentsAction(
        args(
          formRequest(
            '/operator/payments',
            { intent: 'record_payment', orderId, reference: ' ' },
            { cookie: cookies.operator },
          ),
        ),
      ),
    );
    expect(missingReference.status).toBe(400);
    expect(((await missingReference.json()) as Refused).errors.reference).toBe('errors.required');
    expect((await pay(orderId)).status).toBe(302);

    expect((await act(cookies.seller, orderId, { intent: 'ship' })).status).toBe(302);
    const badWeight = await act(cookies.seller, orderId, {
      intent: 'record_weight',
      quantity: '49.2.1',
      unit: 'kg',
    });
    expect(badWeight.status).toBe(400);
    expect(((await badWeight.json()) as Refused).errors.quantity).toBe('errors.notANumber');
    expect(
      (await act(cookies.seller, orderId, { intent: 'record_weight', quantity: '492', unit: 'kg' })).status,
    ).toBe(302);
    const weighed = (await (await viewOrder(cookies.seller, orderId)).json()) as {
      order: { deliveredQuantity: number; finalTotalFen: number };
      weighing: { deviationBps: number; withinTolerance: boolean };
    };
    // 492 kg × ¥40.50 = ¥19,926.00, 1.6% under the order: within the 3% the buyer accepted.
    expect(weighed.order).toMatchObject({ deliveredQuantity: 492_000, finalTotalFen: 1_992_600 });
    expect(weighed.weighing).toEqual({ deviationBps: 160, withinTolerance: true });

    const early = await act(cookies.buyer, orderId, { intent: 'open_dispute', reason: '短' });
    expect(early.status).toBe(409);
    expect((await act(cookies.buyer, orderId, { intent: 'confirm_delivery' })).status).toBe(302);
    const shortReason = await act(cookies.buyer, orderId, { intent: 'open_dispute', reason: '短' });
    expect(shortReason.status).toBe(400);
    expect(((await shortReason.json()) as Refused).errors.reason).toBe('orders.errors.reasonRequired');
    expect(await statusOf(orderId)).toBe('delivered');

    // The inspection window passes; the delayed release job completes the order.
    await db
      .update(orders)
      .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
      .where(eq(orders.id, orderId));
    expect(await processSettlementJob({ name: 'release-escrow', data: { orderId } })).toEqual({
      completed: true,
    });
    expect(await statusOf(orderId)).toBe('completed');

    // ¥19,926.00 less the 1.5% fee (¥298.89) is ¥19,627.11 for the seller.
    type BalancePage = {
      totals: { currency: string; available: number; held: number }[];
      entries: { orderId: string | null; transactionKind: string; amount: number; account: string }[];
    };
    const sellerBalance = (await (
      await call(() => balanceLoader(args(getRequest('/balance', { cookie: cookies.seller }))))
    ).json()) as BalancePage;
    expect(sellerBalance.totals[0].available).toBeGreaterThanOrEqual(1_962_711);
    expect(sellerBalance.entries[0]).toMatchObject({
      orderId,
      transactionKind: 'escrow_released',
      account: 'available',
      amount: 1_962_711,
    });

    const buyerView = (await (await viewOrder(cookies.buyer, orderId)).json()) as {
      order: { status: string };
      timeline: { kind: string; refundFen: number | null; shortfall: number | null }[];
    };
    expect(buyerView.order.status).toBe('completed');
    expect(buyerView.timeline.map((entry) => entry.kind)).toEqual([
      'created',
      'record_payment',
      'ship',
      'record_weight',
      'confirm_delivery',
      'complete',
    ]);
    // 8 kg short: ¥324.00 back to the buyer.
    expect(buyerView.timeline.at(-1)).toMatchObject({ refundFen: 32_400, shortfall: 8000 });

    // The desk now owes the seller its money; recording the payout takes it off the list and the balance.
    const afterDesk = (await (
      await call(() => paymentsLoader(args(getRequest('/operator/payments', { cookie: cookies.operator }))))
    ).json()) as typeof desk;
    expect(afterDesk.payouts.find((row) => row.id === orderId)?.amountFen).toBe(1_962_711);
    const payout = await call(() =>
      paymentsAction(
        args(
          formRequest(
            '/operator/payments',
            { intent: 'record_payout', orderId, reference: 'BOC 20261129-7' },
            { cookie: cookies.operator },
          ),
        ),
      ),
    );
    expect(payout.status).toBe(302);
    const paidDesk = (await (
      await call(() => paymentsLoader(args(getRequest('/operator/payments', { cookie: cookies.operator }))))
    ).json()) as typeof desk;
    expect(paidDesk.payouts.some((row) => row.id === orderId)).toBe(false);
    const paidBalance = (await (
      await call(() => balanceLoader(args(getRequest('/balance', { cookie: cookies.seller }))))
    ).json()) as BalancePage;
    expect(paidBalance.entries[0]).toMatchObject({ orderId, transactionKind: 'payout', amount: -1_962_711 });
    expect(paidBalance.totals[0].available).toBe(sellerBalance.totals[0].available - 1_962_711);

    // Both sides find it in their lists, each with the other as the counterparty.
    type ListPage = { side: string; rows: { id: string; counterparty: string; status: string }[] };
    const buyerList = (await (
      await call(() => ordersLoader(args(getRequest('/orders?status=completed', { cookie: cookies.buyer }))))
    ).json()) as ListPage;
    expect(buyerList.side).toBe('buying');
    expect(buyerList.rows.find((row) => row.id === orderId)?.counterparty).toBe('湛江海兴南美白对虾养殖场');
    const sellerList = (await (
      await call(() =>
        ordersLoader(args(getRequest('/orders?side=buying&status=all', { cookie: cookies.seller }))),
      )
    ).json()) as ListPage;
    // A seller has no buying side: the tab falls back to selling.
    expect(sellerList.side).toBe('selling');
    expect(sellerList.rows.find((row) => row.id === orderId)?.counterparty).toBe('粤味轩餐饮集团');
  });
});

describe('a dispute through the pages', () => {
  it('lets the buyer dispute within the window and the operator resolve it with a partial refund', async () => {
    const orderId = await placeOrder('100');
    expect((await pay(orderId)).status).toBe(302);
    expect((await act(cookies.seller, orderId, { intent: 'ship' })).status).toBe(302);
    expect((await act(cookies.buyer, orderId, { intent: 'confirm_delivery' })).status).toBe(302);
    const opened = await act(cookies.buyer, orderId, {
      intent: 'open_dispute',
      reason: '到货有三成死虾，已拍照留存',
    });
    expect(opened.status).toBe(302);

    const desk = (await (
      await call(() => paymentsLoader(args(getRequest('/operator/payments', { cookie: cookies.operator }))))
    ).json()) as { disputes: { id: string; reason: string }[] };
    expect(desk.disputes.find((row) => row.id === orderId)?.reason).toBe('到货有三成死虾，已拍照留存');
    // Only the operator resolves; the seller is refused.
    const bySeller = await act(cookies.seller, orderId, {
      intent: 'resolve_dispute',
      outcome: 'rejected',
      resolution: '货没有问题',
    });
    expect(bySeller.status).toBe(403);

    const tooMuch = await act(cookies.operator, orderId, {
      intent: 'resolve_dispute',
      outcome: 'refund_partial',
      refund: '99999',
      resolution: '按死虾比例退款',
    });
    expect(tooMuch.status).toBe(400);
    expect(((await tooMuch.json()) as Refused).errors.refund).toBe('orders.errors.refundInvalid');
    expect(await statusOf(orderId)).toBe('disputed');

    const resolved = await act(cookies.operator, orderId, {
      intent: 'resolve_dispute',
      outcome: 'refund_partial',
      refund: '1260',
      resolution: '按死虾比例退款三成',
    });
    expect(resolved.status).toBe(302);
    expect(await statusOf(orderId)).toBe('resolved');
    const view = (await (await viewOrder(cookies.buyer, orderId)).json()) as {
      dispute: { status: string; outcome: string; refundFen: number };
      timeline: { kind: string; refundFen: number | null; settledFen: number | null }[];
    };
    expect(view.dispute).toMatchObject({ status: 'resolved', outcome: 'refund_partial', refundFen: 126_000 });
    // 100 kg × ¥42 = ¥4,200.00: ¥1,260.00 back to the buyer, ¥2,940.00 settled to the seller.
    expect(view.timeline.at(-1)).toMatchObject({
      kind: 'resolve_dispute',
      refundFen: 126_000,
      settledFen: 294_000,
    });
  });
});
