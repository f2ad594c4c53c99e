// Buyer organisations' purchase approvals (issue #18 part 3, ADR 0052) against real PostgreSQL: spending limits per
// member, orders over a limit waiting in awaiting_approval, the approver's decision, the PO number on the order, the
// invoice and the webhook, and who may do what.
import { randomBytes } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  type MemberRole,
  listings,
  memberSpendingLimits,
  memberships,
  notificationEvents,
  orderEvents,
  orders,
  organisations,
  outbox,
  users,
} from '../../db/schema';
import {
  LimitsError,
  decideApproval,
  marketMonthStart,
  placedToast,
  setSpendingLimits,
} from '../../app/b2b/approvals.server';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { env } from '../../app/lib/env.server';
import { webhookBody } from '../../app/notify/deliver.server';
import { currentInvoice, documentOf } from '../../app/orders/invoice-document.server';
import { renderInvoiceXml } from '../../app/orders/invoice-xml.server';
import { placeBuyNow } from '../../app/orders/orders.server';
import { processOrderJob } from '../../workers/orders';
import { processSettlementJob } from '../../workers/settlement';
import { deliveredOrder } from '../support/completed-order';
import { call, formRequest, getRequest } from '../support/http';
import { type Seller, liveShrimpLot, verifiedSeller } from '../support/listings';

// Twenty buyers race below: a pool large enough that they really do.
process.env.DATABASE_POOL_MAX = '40';

type Org = { orgId: string; owner: string; admin: string; trader: string; viewer: string };

let seller: Seller;

beforeAll(async () => {
  seller = await verifiedSeller(db);
});

async function addUser(orgId: string, role: MemberRole): Promise<string> {
  const id = `usr_ap${randomBytes(5).toString('hex')}`;
  await db.insert(users).values({ id, email: `${id}@example.test`, name: `成员 ${role}`, passwordHash: 'x' });
  await db.insert(memberships).values({ orgId, userId: id, role });
  return id;
}

/** A buyer org with one member of each role. */
async function buyerTeam(): Promise<Org> {
  const orgId = `org_ap${randomBytes(5).toString('hex')}`;
  await db.insert(organisations).values({ id: orgId, name: `审批测试 ${orgId}`, kind: 'buyer' });
  return {
    orgId,
    owner: await addUser(orgId, 'owner'),
    admin: await addUser(orgId, 'admin'),
    trader: await addUser(orgId, 'trader'),
    viewer: await addUser(orgId, 'viewer'),
  };
}

async function limit(org: Org, userId: string, perOrderFen: number | null, perMonthFen: number | null) {
  await db
    .insert(memberSpendingLimits)
    .values({ orgId: org.orgId, userId, perOrderFen, perMonthFen, updatedBy: org.owner })
    .onConflictDoUpdate({
      target: [memberSpendingLimits.orgId, memberSpendingLimits.userId],
      set: { perOrderFen, perMonthFen },
    });
}

/** 10 kg of shrimp at 42 元/kg is 420 元 (42,000 fen). */
async function buy(org: Org, userId: string, lot: string, kg = '10', poNumber?: string) {
  const placed = await placeBuyNow({
    buyerOrgId: org.orgId,
    actorUserId: userId,
    form: { listingId: lot, quantity: kg, unit: 'kg', tolerancePercent: 0, poNumber },
  });
  if (!placed.ok) throw new Error(`buy refused: ${JSON.stringify(placed.errors)}`);
  const [order] = await db.select().from(orders).where(eq(orders.id, placed.orderId));
  return order;
}

async function stockOf(lot: string) {
  const [row] = await db.select().from(listings).where(eq(listings.id, lot));
  return row.quantityAvailable;
}

async function cookieOf(userId: string, orgId: string) {
  return (await commitSessionCookie(await createSession(db, { userId, activeOrgId: orgId }))).split(';')[0];
}

async function postDecision(orderId: string, cookie: string, fields: Record<string, string>) {
  const { action } = await import('../../app/routes/orders.$orderId');
  return call(() =>
    action({
      request: formRequest(`/orders/${orderId}`, fields, { cookie }),
      params: { orderId },
      context: {},
    }),
  );
}

describe('spending limits decide the first status', () => {
  it('sends an order under the limits straight to pending_payment', async () => {
    const org = await buyerTeam();
    await limit(org, org.trader, 50_000, 500_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const order = await buy(org, org.trader, lot);
    expect(order.status).toBe('pending_payment');
    expect(order.subtotalFen).toBe(42_000);
  });

  it('holds an order over the per-order limit for approval, its stock reserved, and tells the approvers', async () => {
    const org = await buyerTeam();
    await limit(org, org.trader, 40_000, null);
    const lot = await liveShrimpLot(db, seller, '100');
    const order = await buy(org, org.trader, lot);
    expect(order.status).toBe('awaiting_approval');
    expect(await stockOf(lot)).toBe(90_000);
    // The buyer is told at once that the order waits (the toast after buying).
    expect(await placedToast(db, order.id)).toBe('approvals.toast.placedAwaiting');
    const [created] = await db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, order.id), eq(orderEvents.kind, 'created')));
    expect(created.toStatus).toBe('awaiting_approval');
    const [asked] = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `order:${order.id}:approval-requested`));
    expect(asked.type).toBe('order-approval-requested');
    expect(new Set(asked.userIds)).toEqual(new Set([org.owner, org.admin]));
    // The seller hears of it only once it is approved.
    expect(
      await db
        .select()
        .from(notificationEvents)
        .where(eq(notificationEvents.dedupeKey, `order:${order.id}:created:seller`)),
    ).toHaveLength(0);
  });

  it('holds the order that would take the month over the monthly limit', async () => {
    const org = await buyerTeam();
    await limit(org, org.trader, null, 100_000);
    const lot = await liveShrimpLot(db, seller, '100');
    expect((await buy(org, org.trader, lot)).status).toBe('pending_payment');
    expect((await buy(org, org.trader, lot)).status).toBe('pending_payment');
    // 84,000 spent; another 42,000 makes 126,000 > 100,000.
    expect((await buy(org, org.trader, lot)).status).toBe('awaiting_approval');
    // Another member's spend is not this member's: the owner has no limits at all.
    expect((await buy(org, org.owner, lot)).status).toBe('pending_payment');
    // Last month's orders do not count.
    await db
      .update(orders)
      .set({ createdAt: new Date(marketMonthStart().getTime() - 3600_000) })
      .where(and(eq(orders.buyerOrgId, org.orgId), eq(orders.createdBy, org.trader)));
    expect((await buy(org, org.trader, lot)).status).toBe('pending_payment');
  });

  it('never lets 20 concurrent orders of one member go past its monthly limit without approval', async () => {
    const org = await buyerTeam();
    // 200,000 fen: four orders of 42,000 fit (168,000), a fifth would not.
    await limit(org, org.trader, null, 200_000);
    const lot = await liveShrimpLot(db, seller, '500');
    const placed = await Promise.all(
      Array.from({ length: 20 }, () =>
        placeBuyNow({
          buyerOrgId: org.orgId,
          actorUserId: org.trader,
          form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 0 },
        }),
      ),
    );
    expect(placed.every((p) => p.ok)).toBe(true);
    const rows = await db.select().from(orders).where(eq(orders.listingId, lot));
    expect(rows).toHaveLength(20);
    const straight = rows.filter((o) => o.status === 'pending_payment');
    const sum = straight.reduce((total, o) => total + o.subtotalFen, 0);
    expect(sum).toBeLessThanOrEqual(200_000);
    expect(straight).toHaveLength(4);
    expect(rows.filter((o) => o.status === 'awaiting_approval')).toHaveLength(16);
    // All twenty hold their stock.
    expect(await stockOf(lot)).toBe(300_000);
  });
});

describe('the approver decides', () => {
  it('approves: the order awaits payment with a fresh pay-by, the note in the timeline, the buyer told', async () => {
    const org = await buyerTeam();
    await limit(org, org.trader, 10_000, null);
    const lot = await liveShrimpLot(db, seller, '100');
    const order = await buy(org, org.trader, lot);
    expect(order.status).toBe('awaiting_approval');
    // The approval takes a while: the pay-by it gives counts from the approval, not from the order.
    await db
      .update(orders)
      .set({ payBy: new Date(Date.now() + 60_000), createdAt: new Date(Date.now() - 3600_000) })
      .where(eq(orders.id, order.id));
    const before = Date.now();
    const approved = await decideApproval(order.id, org.owner, 'approve', '同意，本月备货');
    expect(approved.status).toBe('pending_payment');
    const hours = env().ORDER_PAYMENT_HOURS * 3600_000;
    expect(approved.payBy.getTime()).toBeGreaterThanOrEqual(before + hours - 1000);
    const [event] = await db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, order.id), eq(orderEvents.kind, 'approve')));
    expect(event).toMatchObject({
      actorUserId: org.owner,
      fromStatus: 'awaiting_approval',
      toStatus: 'pending_payment',
      reason: '同意，本月备货',
    });
    const jobs = await db.select().from(outbox).where(eq(outbox.name, 'expire-unpaid'));
    expect(
      jobs.some(
        (j) =>
          (j.payload as { orderId: string }).orderId === order.id &&
          j.runAt?.getTime() === approved.payBy.getTime(),
      ),
    ).toBe(true);
    const [told] = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `order:${order.id}:approve:requester`));
    expect(told.userIds).toEqual([org.trader]);
    const [sellerTold] = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `order:${order.id}:created:seller`));
    expect(sellerTold).toMatchObject({ type: 'order-placed', orgId: seller.orgId });
    // The job enqueued when the order was placed runs (early for the new deadline): it leaves the order alone.
    expect(await processOrderJob({ name: 'expire-unpaid', data: { orderId: order.id } })).toEqual({
      cancelled: false,
    });
    const [still] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(still.status).toBe('pending_payment');
    // Approving twice is refused.
    await expect(decideApproval(order.id, org.owner, 'approve', null)).rejects.toMatchObject({ status: 409 });
  });

  it('rejects with a note: cancelled, the stock back, the buyer and the seller told; no note, nothing changes', async () => {
    const org = await buyerTeam();
    await limit(org, org.trader, 10_000, null);
    const lot = await liveShrimpLot(db, seller, '100');
    const order = await buy(org, org.trader, lot);
    await expect(decideApproval(order.id, org.admin, 'reject', '  ')).rejects.toMatchObject({
      status: 400,
      messageKey: 'approvals.errors.noteRequired',
    });
    expect((await db.select().from(orders).where(eq(orders.id, order.id)))[0].status).toBe(
      'awaiting_approval',
    );
    const rejected = await decideApproval(order.id, org.admin, 'reject', '超预算，下月再买');
    expect(rejected.status).toBe('cancelled');
    expect(await stockOf(lot)).toBe(100_000);
    const told = await db
      .select()
      .from(notificationEvents)
      .where(
        inArray(notificationEvents.dedupeKey, [
          `order:${order.id}:reject:requester`,
          `order:${order.id}:reject:seller`,
        ]),
      );
    expect(told.map((n) => n.type).sort()).toEqual(['order-cancelled', 'order-rejected']);
  });

  it('lets an order awaiting approval expire at its deadline, its stock back', async () => {
    const org = await buyerTeam();
    await limit(org, org.trader, 10_000, null);
    const lot = await liveShrimpLot(db, seller, '100');
    const order = await buy(org, org.trader, lot);
    expect(await processOrderJob({ name: 'expire-unpaid', data: { orderId: order.id } })).toEqual({
      cancelled: true,
    });
    expect(await stockOf(lot)).toBe(100_000);
  });

  it('refuses the requester approving its own order, traders and viewers, and a suspended org', async () => {
    const org = await buyerTeam();
    await limit(org, org.admin, 10_000, null);
    const lot = await liveShrimpLot(db, seller, '100');
    const order = await buy(org, org.admin, lot);
    expect(order.status).toBe('awaiting_approval');
    await expect(decideApproval(order.id, org.admin, 'approve', null)).rejects.toMatchObject({
      status: 403,
      messageKey: 'approvals.errors.ownOrder',
    });
    await expect(decideApproval(order.id, org.trader, 'approve', null)).rejects.toMatchObject({
      status: 403,
      messageKey: 'approvals.errors.notApprover',
    });
    // Through the order page's form: the requester (an admin) 403, a trader and a viewer 403, another org 404.
    const other = await buyerTeam();
    const answers = [
      (await postDecision(order.id, await cookieOf(org.admin, org.orgId), { intent: 'approve' })).status,
      (await postDecision(order.id, await cookieOf(org.trader, org.orgId), { intent: 'approve' })).status,
      (await postDecision(order.id, await cookieOf(org.viewer, org.orgId), { intent: 'approve' })).status,
      (await postDecision(order.id, await cookieOf(other.owner, other.orgId), { intent: 'approve' })).status,
    ];
    expect(answers).toEqual([403, 403, 403, 404]);
    // A suspended org may not approve.
    await db
      .update(organisations)
      .set({ suspendedUntil: new Date(Date.now() + 24 * 3600_000) })
      .where(eq(organisations.id, org.orgId));
    const refused = await call(() => decideApproval(order.id, org.owner, 'approve', null));
    expect(refused.status).toBe(403);
    expect(
      (await postDecision(order.id, await cookieOf(org.owner, org.orgId), { intent: 'approve' })).status,
    ).toBe(403);
    expect((await db.select().from(orders).where(eq(orders.id, order.id)))[0].status).toBe(
      'awaiting_approval',
    );
    await db.update(organisations).set({ suspendedUntil: null }).where(eq(organisations.id, org.orgId));
    // The owner, through the form: approved, redirected to the order.
    const done = await postDecision(order.id, await cookieOf(org.owner, org.orgId), {
      intent: 'approve',
      note: '可以',
    });
    expect(done.status).toBe(302);
    expect((await db.select().from(orders).where(eq(orders.id, order.id)))[0].status).toBe('pending_payment');
  });

  it('lists the orders awaiting approval for owners and admins only', async () => {
    const org = await buyerTeam();
    const { loader } = await import('../../app/routes/orders.approvals');
    const get = async (userId: string, query = '') => {
      const cookie = await cookieOf(userId, org.orgId);
      return call(() =>
        loader({ request: getRequest(`/orders/approvals${query}`, { cookie }), params: {}, context: {} }),
      );
    };
    const empty = await get(org.owner);
    expect(empty.status).toBe(200);
    expect((await empty.json()).rows).toEqual([]);
    await limit(org, org.trader, 10_000, null);
    const lot = await liveShrimpLot(db, seller, '100');
    const small = await buy(org, org.trader, lot, '5');
    const large = await buy(org, org.trader, lot, '20');
    const byTotal = await (await get(org.admin, '?sort=total&dir=desc')).json();
    expect(byTotal.rows.map((r: { id: string }) => r.id)).toEqual([large.id, small.id]);
    expect((await get(org.trader)).status).toBe(403);
    expect((await get(org.viewer)).status).toBe(403);
  });
});

describe('the PO number', () => {
  it('refuses a malformed PO number with 400 and writes nothing', async () => {
    const org = await buyerTeam();
    const lot = await liveShrimpLot(db, seller, '100');
    const { action } = await import('../../app/routes/orders.new');
    const cookie = await cookieOf(org.trader, org.orgId);
    for (const poNumber of ['<script>', 'x'.repeat(41), '-leading-dash']) {
      const response = await call(() =>
        action({
          request: formRequest(
            '/orders/new',
            { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: '0', poNumber },
            { cookie },
          ),
          params: {},
          context: {},
        }),
      );
      expect(response.status).toBe(400);
      expect((await response.json()).errors.poNumber).toBe('errors.poNumber');
    }
    expect(await db.select().from(orders).where(eq(orders.listingId, lot))).toHaveLength(0);
    expect(await stockOf(lot)).toBe(100_000);
    // A good one goes through the same form and lands on the order.
    const ok = await call(() =>
      action({
        request: formRequest(
          '/orders/new',
          { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: '0', poNumber: ' PO-2026/0042 ' },
          { cookie },
        ),
        params: {},
        context: {},
      }),
    );
    expect(ok.status).toBe(302);
    const [order] = await db.select().from(orders).where(eq(orders.listingId, lot));
    expect(order.poNumber).toBe('PO-2026/0042');
  });

  it('rides on the order’s notices (the webhook payload) and on the invoice (HTML view, XML)', async () => {
    const org = await buyerTeam();
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await buy(org, org.trader, lot, '10', 'PO-7788');
    const [event] = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `order:${placed.id}:created:seller`));
    const body = JSON.parse(webhookBody({ id: 'dlv_test' }, event, seller.orgId));
    expect(body.params.po).toBe('PO-7788');
    expect(body.params.order).toBe(placed.id.slice(-8).toUpperCase());

    const { id } = await deliveredOrder(seller, { orgId: org.orgId, userId: org.trader });
    await db.update(orders).set({ poNumber: 'PO-9900' }).where(eq(orders.id, id));
    await processSettlementJob({ name: 'release-escrow', data: { orderId: id } });
    const invoice = await currentInvoice(db, id);
    if (!invoice) throw new Error('no invoice');
    const doc = await documentOf(db, invoice);
    expect(doc.poNumber).toBe('PO-9900');
    expect(renderInvoiceXml(doc, seller.orgId, { withFee: false })).toContain(
      '<PurchaseOrderNumber>PO-9900</PurchaseOrderNumber>',
    );
    const { loader } = await import('../../app/routes/orders_.$orderId.invoice');
    const anonymous = await call(() =>
      loader({ request: getRequest(`/orders/${id}/invoice`), params: { orderId: id }, context: {} }),
    );
    expect(anonymous.status).toBe(302);
    const viewed = await call(async () =>
      loader({
        request: getRequest(`/orders/${id}/invoice`, { cookie: await cookieOf(org.trader, org.orgId) }),
        params: { orderId: id },
        context: {},
      }),
    );
    expect(viewed.status).toBe(200);
    expect((await viewed.json()).invoice.poNumber).toBe('PO-9900');
  });
});

describe('setting limits', () => {
  it('lets the owner limit admins and traders, an admin traders only, nobody themselves; bad amounts 400', async () => {
    const org = await buyerTeam();
    const form = (userId: string, perOrder: string, perMonth: string) => ({
      intent: 'limits' as const,
      userId,
      perOrder,
      perMonth,
    });
    await setSpendingLimits(org.owner, org.orgId, form(org.trader, '500', '20000.50'));
    const [row] = await db
      .select()
      .from(memberSpendingLimits)
      .where(and(eq(memberSpendingLimits.orgId, org.orgId), eq(memberSpendingLimits.userId, org.trader)));
    expect(row).toMatchObject({ perOrderFen: 50_000, perMonthFen: 2_000_050 });
    await setSpendingLimits(org.owner, org.orgId, form(org.admin, '', '1000'));
    for (const [actor, target, perOrder, status] of [
      [org.owner, org.trader, '-5', 400],
      [org.owner, org.trader, '0', 400],
      [org.owner, org.trader, 'abc', 400],
      [org.admin, org.admin, '1', 403],
      [org.owner, org.owner, '1', 403],
      [org.trader, org.trader, '1', 403],
    ] as const) {
      const error = await setSpendingLimits(actor, org.orgId, form(target, perOrder, '')).catch((e) => e);
      expect(error).toBeInstanceOf(LimitsError);
      expect((error as LimitsError).status).toBe(status);
    }
    const other = await addUser(org.orgId, 'admin');
    await expect(setSpendingLimits(org.admin, org.orgId, form(other, '1', ''))).rejects.toMatchObject({
      status: 403,
    });
    // Unchanged by the refusals; both blank removes the limits.
    const [still] = await db
      .select()
      .from(memberSpendingLimits)
      .where(and(eq(memberSpendingLimits.orgId, org.orgId), eq(memberSpendingLimits.userId, org.trader)));
    expect(still).toMatchObject({ perOrderFen: 50_000, perMonthFen: 2_000_050 });
    await setSpendingLimits(org.admin, org.orgId, form(org.trader, '', ''));
    const gone = await db
      .select()
      .from(memberSpendingLimits)
      .where(and(eq(memberSpendingLimits.orgId, org.orgId), eq(memberSpendingLimits.userId, org.trader)));
    expect(gone).toHaveLength(0);
  });

  it('through the members page: the owner saves, a trader is refused, a bad amount answers 400', async () => {
    const org = await buyerTeam();
    const { action } = await import('../../app/routes/orgs.$orgId.members');
    const post = async (userId: string, fields: Record<string, string>) =>
      call(async () =>
        action({
          request: formRequest(`/orgs/${org.orgId}/members`, fields, {
            cookie: await cookieOf(userId, org.orgId),
          }),
          params: { orgId: org.orgId },
          context: {},
        }),
      );
    const fields = { intent: 'limits', userId: org.trader, perOrder: '300', perMonth: '' };
    expect((await post(org.trader, fields)).status).toBe(403);
    const bad = await post(org.owner, { ...fields, perOrder: '1.234' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.perOrder).toBe('approvals.errors.limitInvalid');
    expect((await post(org.owner, fields)).status).toBe(302);
    // The members page shows the saved limit and opens the form on the member a row's link names.
    const { loader } = await import('../../app/routes/orgs.$orgId.members');
    const page = await call(async () =>
      loader({
        request: getRequest(`/orgs/${org.orgId}/members?member=${org.trader}`, {
          cookie: await cookieOf(org.owner, org.orgId),
        }),
        params: { orgId: org.orgId },
        context: {},
      }),
    );
    const shown = await page.json();
    expect(shown.editing).toBe(org.trader);
    expect(shown.limitable).toEqual(expect.arrayContaining([org.trader, org.admin]));
    expect(shown.members.find((m: { userId: string }) => m.userId === org.trader).perOrderFen).toBe(30_000);
    const lot = await liveShrimpLot(db, seller, '100');
    expect((await buy(org, org.trader, lot)).status).toBe('awaiting_approval');
  });
});
