// Order farming against real PostgreSQL: plans and versions, pre-orders with deposits held in the ledger and capped under
// concurrency, the harvest allocated (commitment order, pro rata, property-based) into orders through the order path,
// crop failure, an unpaid balance forfeiting its deposit, and the consumers' data rule (only the retailer, deleted later).
import fc from 'fast-check';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  consumerReservations,
  harvestPlans,
  ledgerEntries,
  ledgerTransactions,
  listings,
  marketDayAggregates,
  notificationEvents,
  orders,
  outbox,
  planPosts,
  traceEvents,
  planVersions,
  preOrders,
} from '../../db/schema';
import { payInDeposit } from '../../app/auctions/deposits.server';
import {
  CONSUMER_DATA_DAYS,
  markPickedUp,
  openToConsumers,
  purgeConsumerReservations,
  reserveAsConsumer,
} from '../../app/farming/consumers.server';
import {
  FarmingError,
  type PlanDraft,
  cancelPlan,
  createPlan,
  decidePreOrder,
  flagOverduePlans,
  placePreOrder,
  recordHarvest,
  updatePlan,
  withdrawPreOrder,
} from '../../app/farming/plans.server';
import { balances, escrowHeldForOrder } from '../../app/ledger/ledger.server';
import { addDays, marketToday } from '../../app/lib/market-time';
import { actOnOrder } from '../../app/orders/orders.server';
import { runRetention } from '../../app/privacy/retention.server';
import { loader as csvLoader } from '../../app/routes/preorders.$preOrderId_.csv';
import { loader as shareLoader } from '../../app/routes/preorders.$preOrderId';
import { action as reserveAction } from '../../app/routes/plans.$planId_.r.$preOrderId';
import { action as planAction } from '../../app/routes/plans.$planId';
import { action as newPlanAction } from '../../app/routes/sell.plans.new';
import { action as sellerPlanAction } from '../../app/routes/sell.plans.$planId';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { call, formRequest, getRequest } from '../support/http';
import { type Seller, buyerOrg, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const today = marketToday();
const KG = 1000;

function draft(overrides: Partial<PlanDraft> = {}): PlanDraft {
  return {
    categoryId: 'whiteleg-shrimp',
    title: '东海岛 3 号塘 南美白对虾',
    grade: '40/50–50/60 头',
    expectedMin: 800 * KG,
    expectedMax: 1000 * KG,
    displayUnit: 'kg',
    harvestFrom: addDays(today, 40),
    harvestTo: addDays(today, 50),
    cutoffDate: addDays(today, 30),
    priceMode: 'fixed',
    unitPriceFen: 4_000,
    referenceAdjustBps: 0,
    minPerBuyer: 10 * KG,
    maxPerBuyer: 600 * KG,
    depositBps: 2_000,
    forfeitBps: 5_000,
    materialDays: 7,
    allocation: 'commitment',
    delivery: ['pickup'],
    originName: '湛江东海岛 3 号塘',
    originRegion: '湛江',
    notes: null,
    spec: { count: '40/50', state: 'live' },
    ...overrides,
  };
}

let seller: Seller;
async function newPlan(overrides: Partial<PlanDraft> = {}) {
  return db.transaction((tx) =>
    createPlan(tx, { orgId: seller.orgId, userId: seller.userId, draft: draft(overrides) }),
  );
}

/** A buyer org with `yuan` paid in as its deposit balance. */
async function fundedBuyer(yuan = 100_000): Promise<Seller> {
  const buyer = await buyerOrg();
  await db.transaction((tx) =>
    payInDeposit(tx, { orgId: buyer.orgId, amountFen: yuan * 100, reference: 'test' }),
  );
  return buyer;
}

async function preOrder(planId: string, buyer: Seller, kg: string) {
  return db.transaction((tx) =>
    placePreOrder(tx, { planId, buyerOrgId: buyer.orgId, userId: buyer.userId, quantity: kg, unit: 'kg' }),
  );
}

async function confirm(preOrderId: string) {
  await db.transaction((tx) =>
    decidePreOrder(tx, { preOrderId, sellerOrgId: seller.orgId, decision: 'confirm' }),
  );
}

async function harvest(planId: string, kg: string) {
  return db.transaction((tx) =>
    recordHarvest(tx, { planId, sellerOrgId: seller.orgId, userId: seller.userId, quantity: kg, unit: 'kg' }),
  );
}

async function balanceOf(orgId: string, kind: 'available' | 'held') {
  return (await balances(db, orgId)).find((b) => b.kind === kind)?.amount ?? 0;
}

async function refusal(step: Promise<unknown>): Promise<FarmingError> {
  try {
    await step;
  } catch (error) {
    if (error instanceof FarmingError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function cookieOf(user: Seller) {
  return (
    await commitSessionCookie(await createSession(db, { userId: user.userId, activeOrgId: user.orgId }))
  ).split(';')[0];
}

beforeAll(async () => {
  seller = await verifiedSeller(db);
});

describe('plans', () => {
  it('a seller publishes a plan through the form; bad input is refused per field and changes nothing', async () => {
    const cookie = await cookieOf(seller);
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(harvestPlans);
    const bad = await call(() =>
      newPlanAction(
        args(
          formRequest(
            '/sell/plans/new',
            { categoryId: 'whiteleg-shrimp', title: '', expectedMin: '900', expectedMax: '800', unit: 'kg' },
            { cookie },
          ),
        ),
      ),
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: Record<string, string> };
    expect(body.errors).toMatchObject({
      title: 'errors.required',
      expectedMax: 'farming.errors.maxBelowMin',
    });
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(harvestPlans)).toEqual(before);

    const good = await call(() =>
      newPlanAction(
        args(
          formRequest(
            '/sell/plans/new',
            {
              categoryId: 'whiteleg-shrimp',
              title: '3 号塘春造',
              expectedMin: '0.8',
              expectedMax: '1',
              unit: 't',
              minPerBuyer: '0.05',
              maxPerBuyer: '0.5',
              harvestFrom: addDays(today, 40),
              harvestTo: addDays(today, 50),
              cutoffDate: addDays(today, 30),
              priceMode: 'reference',
              price: '40.00',
              adjustPct: '-5',
              'spec.count': '40/50',
              depositPct: '20',
              forfeitPct: '100',
              materialDays: '7',
              allocation: 'pro_rata',
              delivery: 'pickup',
              originName: '东海岛 3 号塘',
              originRegion: '湛江',
            },
            { cookie },
          ),
        ),
      ),
    );
    expect(good.status).toBe(302);
    const id = /\/sell\/plans\/(hpl_\w+)/.exec(good.headers.get('Location') ?? '')?.[1] ?? '';
    const [plan] = await db.select().from(harvestPlans).where(eq(harvestPlans.id, id));
    expect(plan).toMatchObject({
      expectedMin: 800_000,
      expectedMax: 1_000_000,
      priceMode: 'reference',
      referenceAdjustBps: -500,
      allocation: 'pro_rata',
      status: 'open',
      spec: { count: '40/50' },
    });
  });

  it('the grade sold is the category’s spec: a reference price needs the grade, pieces have no reference', async () => {
    const cookie = await cookieOf(seller);
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(harvestPlans);
    const form = {
      categoryId: 'whiteleg-shrimp',
      title: '4 号塘秋造',
      expectedMin: '800',
      expectedMax: '1000',
      unit: 'kg',
      minPerBuyer: '50',
      maxPerBuyer: '500',
      harvestFrom: addDays(today, 40),
      harvestTo: addDays(today, 50),
      cutoffDate: addDays(today, 30),
      priceMode: 'reference',
      price: '40.00',
      depositPct: '20',
      allocation: 'commitment',
      delivery: 'pickup',
      originName: '东海岛 4 号塘',
      originRegion: '湛江',
    };
    const errorsOf = async (values: Record<string, string>) => {
      const response = await call(() =>
        newPlanAction(args(formRequest('/sell/plans/new', values, { cookie }))),
      );
      expect(response.status).toBe(400);
      return ((await response.json()) as { errors: Record<string, string> }).errors;
    };
    // Only the state given: the index reads the count, so a reference price cannot be found.
    expect(await errorsOf({ ...form, 'spec.state': 'live' })).toEqual({
      'spec.count': 'farming.errors.gradeForReference',
    });
    expect(await errorsOf({ ...form, 'spec.count': '45/55', 'spec.colour': 'red' })).toMatchObject({
      'spec.count': 'errors.chooseOne',
      'spec.colour': 'errors.unknownAttribute',
    });
    // Oysters sell by the piece: the reference is per kg.
    expect(
      await errorsOf({
        ...form,
        categoryId: 'oyster',
        unit: 'piece',
        expectedMin: '800',
        expectedMax: '1000',
      }),
    ).toMatchObject({ priceMode: 'farming.errors.noReferenceForCategory' });
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(harvestPlans)).toEqual(before);
    // A fixed price needs no grade.
    const fixed = await call(() =>
      newPlanAction(args(formRequest('/sell/plans/new', { ...form, priceMode: 'fixed' }, { cookie }))),
    );
    expect(fixed.status).toBe(302);
  });

  it('a reference-priced plan is priced at harvest off its grade’s reference; the lot carries the grade', async () => {
    const day = (back: number) => addDays(today, -back);
    // Two days of 40/50 in the reference window: ¥44.50/kg × 300 kg and ¥46.00/kg × 100 kg → 4,487.5 fen/kg → 4,488.
    await db.insert(marketDayAggregates).values(
      [
        { day: day(1), fenPerKg: 4_450, grams: 300_000 },
        { day: day(3), fenPerKg: 4_600, grams: 100_000 },
      ].map((a) => ({
        categoryId: 'whiteleg-shrimp',
        grade: '40/50',
        origin: '广东湛江',
        day: a.day,
        valueMilliFen: a.fenPerKg * a.grams,
        amountFen: Math.round((a.fenPerKg * a.grams) / 1000),
        weightGrams: a.grams,
        lowFenPerKg: a.fenPerKg,
        highFenPerKg: a.fenPerKg,
        trades: 1,
      })),
    );
    const planId = await newPlan({ priceMode: 'reference', referenceAdjustBps: -500 });
    const buyer = await fundedBuyer();
    await confirm(await preOrder(planId, buyer, '100'));
    const result = await harvest(planId, '100');
    const [order] = await db.select().from(orders).where(inArray(orders.id, result.orders));
    // 4,488 × 95 % = 4,263.6 → 4,264 fen/kg.
    expect(order.unitPriceFen).toBe(4_264);
    const [lot] = await db
      .select()
      .from(listings)
      .where(eq(listings.id, result.listingId ?? ''));
    expect(lot.spec).toEqual({ count: '40/50', state: 'live' });
  });

  it('a new version is kept; a window moved past N days lets buyers withdraw and tells them', async () => {
    const planId = await newPlan();
    const buyer = await fundedBuyer();
    const pre = await preOrder(planId, buyer, '100');
    await confirm(pre);
    expect(
      await refusal(
        db.transaction((tx) => withdrawPreOrder(tx, { preOrderId: pre, buyerOrgId: buyer.orgId })),
      ),
    ).toMatchObject({
      messageKey: 'farming.errors.bound',
    });
    const small = await db.transaction((tx) =>
      updatePlan(tx, {
        planId,
        orgId: seller.orgId,
        userId: seller.userId,
        draft: draft({ harvestTo: addDays(today, 53) }),
      }),
    );
    expect(small).toMatchObject({ version: 2, material: false, changes: ['window'] });
    const slipped = await db.transaction((tx) =>
      updatePlan(tx, {
        planId,
        orgId: seller.orgId,
        userId: seller.userId,
        draft: draft({ harvestFrom: addDays(today, 60), harvestTo: addDays(today, 70) }),
      }),
    );
    expect(slipped).toMatchObject({ version: 3, material: true });
    expect(await db.select().from(planVersions).where(eq(planVersions.planId, planId))).toHaveLength(3);
    const told = await db
      .select({ type: notificationEvents.type })
      .from(notificationEvents)
      .where(eq(notificationEvents.orgId, buyer.orgId));
    expect(told.map((n) => n.type)).toEqual(
      expect.arrayContaining(['plan-changed', 'plan-changed-material']),
    );
    const held = await balanceOf(buyer.orgId, 'held');
    expect(held).toBe(80_000); // 100 kg × ¥40 × 20 %
    await db.transaction((tx) => withdrawPreOrder(tx, { preOrderId: pre, buyerOrgId: buyer.orgId }));
    expect(await balanceOf(buyer.orgId, 'held')).toBe(0);
    const [plan] = await db.select().from(harvestPlans).where(eq(harvestPlans.id, planId));
    expect(plan.committed).toBe(0);
  });

  it('another grade is a material change; the state alone is not', async () => {
    const planId = await newPlan();
    const update = (spec: Record<string, string>) =>
      db.transaction((tx) =>
        updatePlan(tx, { planId, orgId: seller.orgId, userId: seller.userId, draft: draft({ spec }) }),
      );
    expect(await update({ count: '40/50', state: 'fresh' })).toMatchObject({
      material: false,
      changes: ['spec'],
    });
    expect(await update({ count: '50/60', state: 'fresh' })).toMatchObject({
      material: true,
      changes: ['spec'],
    });
  });

  it('dates slipping: a harvest overdue past the material days is flagged once, buyers may withdraw, all are told', async () => {
    const late = await newPlan({ title: '逾期的塘' });
    const recent = await newPlan({ title: '刚过收获期的塘' });
    const buyer = await fundedBuyer();
    const bound = await preOrder(late, buyer, '100');
    await confirm(bound);
    await confirm(await preOrder(recent, buyer, '100'));
    // Time passes: the first window ended 8 days ago (past its 7 material days), the second 3 days ago.
    const moveWindow = (planId: string, endedDaysAgo: number) =>
      db
        .update(harvestPlans)
        .set({
          cutoffDate: addDays(today, -endedDaysAgo - 20),
          harvestFrom: addDays(today, -endedDaysAgo - 10),
          harvestTo: addDays(today, -endedDaysAgo),
        })
        .where(eq(harvestPlans.id, planId));
    await moveWindow(late, 8);
    await moveWindow(recent, 3);
    const [first, second] = await Promise.all([
      db.transaction((tx) => flagOverduePlans(tx, today)),
      db.transaction((tx) => flagOverduePlans(tx, today)),
    ]);
    // Two sweeps at once: the plan is flagged by one of them, never twice; the recent one is not flagged.
    expect([...first, ...second].filter((id) => id === late)).toEqual([late]);
    expect([...first, ...second]).not.toContain(recent);
    expect(await db.transaction((tx) => flagOverduePlans(tx, today))).not.toContain(late);
    const [plan] = await db.select().from(harvestPlans).where(eq(harvestPlans.id, late));
    expect(plan.overdueSince).toBe(today);
    const [pre] = await db.select().from(preOrders).where(eq(preOrders.id, bound));
    expect(pre.mayWithdraw).toBe(true);
    const told = await db
      .select({ type: notificationEvents.type, orgId: notificationEvents.orgId })
      .from(notificationEvents)
      .where(
        and(
          inArray(notificationEvents.type, ['plan-overdue', 'plan-overdue-seller']),
          eq(notificationEvents.subjectId, late),
        ),
      );
    expect(told.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'plan-overdue', orgId: buyer.orgId },
      { type: 'plan-overdue-seller', orgId: seller.orgId },
    ]);
    // The buyer walks away with its deposit.
    const held = await balanceOf(buyer.orgId, 'held');
    await db.transaction((tx) => withdrawPreOrder(tx, { preOrderId: bound, buyerOrgId: buyer.orgId }));
    expect(await balanceOf(buyer.orgId, 'held')).toBe(held - 80_000);
    // The seller moves the window ahead again: the flag comes off.
    await db.transaction((tx) =>
      updatePlan(tx, {
        planId: late,
        orgId: seller.orgId,
        userId: seller.userId,
        draft: draft({
          title: '逾期的塘',
          cutoffDate: addDays(today, 2),
          harvestFrom: addDays(today, 3),
          harvestTo: addDays(today, 10),
        }),
      }),
    );
    const [moved] = await db.select().from(harvestPlans).where(eq(harvestPlans.id, late));
    expect(moved.overdueSince).toBeNull();
  });
});

describe('progress posts', () => {
  it('the seller posts a growth note (multipart, like the page); an empty one is refused; others cannot post', async () => {
    const planId = await newPlan();
    const postAs = async (cookie: string, body: string) => {
      const form = new FormData();
      form.set('intent', 'post');
      form.set('body', body);
      const request = new Request(`http://localhost:3000/sell/plans/${planId}`, {
        method: 'POST',
        headers: { Cookie: cookie, 'x-wharf-client-ip': '203.0.113.90' },
        body: form,
      });
      return call(() => sellerPlanAction(args(request, { planId })));
    };
    expect((await postAs(await cookieOf(seller), '3 月 2 日投苗，长势良好')).status).toBe(302);
    expect((await postAs(await cookieOf(seller), '   ')).status).toBe(400);
    const stranger = await verifiedSeller(db);
    expect((await postAs(await cookieOf(stranger), '不是我的塘')).status).toBe(404);
    const posts = await db.select().from(planPosts).where(eq(planPosts.planId, planId));
    expect(posts.map((p) => p.body)).toEqual(['3 月 2 日投苗，长势良好']);
  });
});

describe('pre-orders', () => {
  it('holds the deposit from the buyer’s balance; refuses limits, its own plan and a short balance', async () => {
    const planId = await newPlan();
    const buyer = await fundedBuyer(1_000);
    expect(await refusal(preOrder(planId, buyer, '5'))).toMatchObject({
      messageKey: 'farming.errors.perBuyer',
      status: 400,
    });
    expect(await refusal(preOrder(planId, buyer, '200'))).toMatchObject({
      messageKey: 'farming.errors.depositShort',
    });
    expect(await balanceOf(buyer.orgId, 'held')).toBe(0);
    const own = { orgId: seller.orgId, userId: seller.userId };
    expect(await refusal(preOrder(planId, own, '20'))).toMatchObject({
      messageKey: 'farming.errors.ownPlan',
    });
    await preOrder(planId, buyer, '100');
    expect(await balanceOf(buyer.orgId, 'available')).toBe(100_000 - 80_000);
    // Changing a pending pre-order holds or gives back only the difference.
    await preOrder(planId, buyer, '50');
    expect(await balanceOf(buyer.orgId, 'held')).toBe(40_000);
    expect(await db.select().from(preOrders).where(eq(preOrders.planId, planId))).toHaveLength(1);
  });

  it('never commits more than the plan’s maximum, however many buyers race', async () => {
    const planId = await newPlan({ expectedMax: 1000 * KG, expectedMin: 500 * KG, maxPerBuyer: 300 * KG });
    const buyers = await Promise.all(Array.from({ length: 8 }, () => fundedBuyer()));
    const results = await Promise.allSettled(buyers.map((b) => preOrder(planId, b, '300')));
    const placed = results.filter((r) => r.status === 'fulfilled');
    expect(placed).toHaveLength(3);
    for (const r of results)
      if (r.status === 'rejected')
        expect((r.reason as FarmingError).messageKey).toBe('farming.errors.overCap');
    const [plan] = await db.select().from(harvestPlans).where(eq(harvestPlans.id, planId));
    expect(plan.committed).toBe(900 * KG);
    const held = await Promise.all(buyers.map((b) => balanceOf(b.orgId, 'held')));
    expect(held.filter((h) => h > 0)).toHaveLength(3);
  });

  it('a buyer pre-orders through the plan page; a viewer-less anonymous caller is sent to log in', async () => {
    const planId = await newPlan();
    const buyer = await fundedBuyer();
    const cookie = await cookieOf(buyer);
    const response = await call(() =>
      planAction(
        args(
          formRequest(`/plans/${planId}`, { intent: 'preorder', quantity: '0.05', unit: 't' }, { cookie }),
          { planId },
        ),
      ),
    );
    expect(response.status).toBe(302);
    const [pre] = await db.select().from(preOrders).where(eq(preOrders.planId, planId));
    expect(pre).toMatchObject({ quantity: 50 * KG, status: 'pending', depositFen: 40_000 });
    const anon = await call(() =>
      planAction(
        args(formRequest(`/plans/${planId}`, { intent: 'preorder', quantity: '50', unit: 'kg' }), { planId }),
      ),
    );
    expect(anon.status).toBe(302);
    expect(anon.headers.get('Location')).toMatch(/login/);
  });
});

describe('harvest and allocation', () => {
  it('commitment order: the earlier buyer is filled, the later one gets the rest; orders carry the deposit', async () => {
    const planId = await newPlan();
    const first = await fundedBuyer();
    const second = await fundedBuyer();
    const pending = await fundedBuyer();
    const a = await preOrder(planId, first, '600');
    const b = await preOrder(planId, second, '300');
    await preOrder(planId, pending, '50');
    await confirm(a);
    await confirm(b);
    const result = await harvest(planId, '750');
    expect(result).toMatchObject({ harvested: 750 * KG, allocated: 750 * KG });
    const rows = await db.select().from(preOrders).where(eq(preOrders.planId, planId));
    const byBuyer = new Map(rows.map((r) => [r.buyerOrgId, r]));
    expect(byBuyer.get(first.orgId)).toMatchObject({ status: 'filled', allocated: 600 * KG });
    expect(byBuyer.get(second.orgId)).toMatchObject({ status: 'filled', allocated: 150 * KG });
    expect(byBuyer.get(pending.orgId)).toMatchObject({ status: 'released' });
    const made = await db.select().from(orders).where(inArray(orders.id, result.orders));
    const secondOrder = made.find((o) => o.buyerOrgId === second.orgId);
    // 150 kg × ¥40 = ¥6,000; half of the ¥2,400 deposit (150 of 300 kg) is applied, ¥1,200 goes back.
    expect(secondOrder).toMatchObject({
      source: 'farming',
      quantity: 150 * KG,
      subtotalFen: 600_000,
      depositAppliedFen: 120_000,
    });
    expect(await escrowHeldForOrder(db, secondOrder?.id ?? '')).toBe(120_000);
    expect(await balanceOf(second.orgId, 'held')).toBe(0);
    expect(await balanceOf(second.orgId, 'available')).toBe(10_000_000 - 120_000);
    expect(await balanceOf(pending.orgId, 'held')).toBe(0);
    // The harvest is a lot at the plan's pond, sold out to the pre-orders, its trace starting with the harvest there.
    const [lot] = await db
      .select()
      .from(listings)
      .where(eq(listings.id, result.listingId ?? ''));
    expect(lot).toMatchObject({
      originName: '湛江东海岛 3 号塘',
      quantityTotal: 750 * KG,
      quantityAvailable: 0,
      status: 'sold_out',
    });
    const trace = await db.select().from(traceEvents).where(eq(traceEvents.listingId, lot.id));
    expect(trace.map((e) => e.step)).toEqual(['harvest']);
    expect(JSON.stringify(trace[0].event)).toContain('湛江东海岛 3 号塘');
    const short = await db
      .select({ type: notificationEvents.type })
      .from(notificationEvents)
      .where(eq(notificationEvents.orgId, second.orgId));
    expect(short.map((n) => n.type)).toContain('pre-order-short');
    // The buyer pays the balance only; the escrow then holds the whole price.
    const secondId = secondOrder?.id ?? '';
    await actOnOrder(
      secondId,
      { userId: null, parties: ['operator'] },
      { action: 'record_payment', reference: 'B-1' },
    );
    expect(await escrowHeldForOrder(db, secondId)).toBe(600_000);
    const [payment] = await db
      .select({ amount: ledgerEntries.amount })
      .from(ledgerEntries)
      .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
      .where(
        and(
          eq(ledgerTransactions.orderId, secondId),
          eq(ledgerTransactions.kind, 'payment_received'),
          sql`${ledgerEntries.amount} > 0`,
        ),
      );
    expect(payment.amount).toBe(480_000);
    expect(await refusal(harvest(planId, '10'))).toMatchObject({ messageKey: 'farming.errors.planClosed' });
  });

  it('pro rata: both buyers get the same share of what they asked for', async () => {
    const planId = await newPlan({ allocation: 'pro_rata' });
    const one = await fundedBuyer();
    const two = await fundedBuyer();
    await confirm(await preOrder(planId, one, '600'));
    await confirm(await preOrder(planId, two, '200'));
    const result = await harvest(planId, '400');
    const rows = await db.select().from(preOrders).where(eq(preOrders.planId, planId));
    expect(Object.fromEntries(rows.map((r) => [r.buyerOrgId, r.allocated]))).toEqual({
      [one.orgId]: 300 * KG,
      [two.orgId]: 100 * KG,
    });
    expect(result.orders).toHaveLength(2);
  });

  it('property: whatever the pre-orders and the harvest, no plan allocates more than harvested and deposits balance', async () => {
    await fc.assert(
      fc.asyncProperty(
        // At most 4 × 250 kg: within the plan's expected maximum of 1,000 kg, which refuses more pre-orders.
        fc.array(fc.integer({ min: 10, max: 250 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1_200 }),
        fc.constantFrom('commitment' as const, 'pro_rata' as const),
        async (kgs, harvestedKg, allocation) => {
          const planId = await newPlan({ allocation, maxPerBuyer: 300 * KG });
          const buyers: Seller[] = [];
          for (const kg of kgs) {
            const buyer = await fundedBuyer();
            buyers.push(buyer);
            await confirm(await preOrder(planId, buyer, String(kg)));
          }
          const result = await harvest(planId, String(harvestedKg));
          const rows = await db.select().from(preOrders).where(eq(preOrders.planId, planId));
          const allocated = rows.reduce((s, r) => s + (r.allocated ?? 0), 0);
          expect(allocated).toBeLessThanOrEqual(harvestedKg * KG);
          expect(allocated).toBe(Math.min(harvestedKg * KG, kgs.reduce((s, k) => s + k, 0) * KG));
          const made = result.orders.length
            ? await db.select().from(orders).where(inArray(orders.id, result.orders))
            : [];
          expect(made.reduce((s, o) => s + o.quantity, 0)).toBe(allocated);
          // Each buyer's deposit is all accounted for: in its order's escrow or back in its available balance.
          for (const [i, buyer] of buyers.entries()) {
            const pre = rows.find((r) => r.buyerOrgId === buyer.orgId);
            const order = made.find((o) => o.buyerOrgId === buyer.orgId);
            expect(await balanceOf(buyer.orgId, 'held')).toBe(0);
            const applied = order ? await escrowHeldForOrder(db, order.id) : 0;
            expect(applied).toBe(order?.depositAppliedFen ?? 0);
            expect(await balanceOf(buyer.orgId, 'available')).toBe(10_000_000 - applied);
            expect(applied).toBeLessThanOrEqual(pre?.depositFen ?? 0);
            expect(kgs[i]).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('failure paths', () => {
  it('crop failure: the plan is cancelled with its reason, every deposit goes back, buyers are told, credit follows', async () => {
    const planId = await newPlan();
    const one = await fundedBuyer();
    const two = await fundedBuyer();
    await confirm(await preOrder(planId, one, '100'));
    await preOrder(planId, two, '100');
    expect(
      await refusal(
        db.transaction((tx) => cancelPlan(tx, { planId, sellerOrgId: seller.orgId, reason: '台风' })),
      ),
    ).toMatchObject({ messageKey: 'farming.errors.reasonRequired', status: 400 });
    await db.transaction((tx) =>
      cancelPlan(tx, { planId, sellerOrgId: seller.orgId, reason: '台风“海葵”冲垮塘基，全塘绝收' }),
    );
    const [plan] = await db.select().from(harvestPlans).where(eq(harvestPlans.id, planId));
    expect(plan).toMatchObject({ status: 'cancelled', committed: 0 });
    expect(await balanceOf(one.orgId, 'held')).toBe(0);
    expect(await balanceOf(two.orgId, 'available')).toBe(10_000_000);
    const rows = await db.select().from(preOrders).where(eq(preOrders.planId, planId));
    expect(rows.every((r) => r.status === 'cancelled')).toBe(true);
    const told = await db
      .select()
      .from(notificationEvents)
      .where(
        and(
          eq(notificationEvents.type, 'plan-cancelled'),
          inArray(notificationEvents.orgId, [one.orgId, two.orgId]),
        ),
      );
    expect(told).toHaveLength(2);
    const credit = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'moderation'), sql`${outbox.payload}->>'orgId' = ${seller.orgId}`));
    expect(credit.length).toBeGreaterThan(0);
    const { creditRecord } = await import('../../app/trust/credit.server');
    expect((await creditRecord(db, seller.orgId)).cancelledByOrg).toBeGreaterThanOrEqual(1);
  });

  it('a buyer who does not pay the balance forfeits the plan’s share of its deposit to the seller', async () => {
    const planId = await newPlan({ forfeitBps: 5_000 });
    const buyer = await fundedBuyer();
    await confirm(await preOrder(planId, buyer, '100'));
    const { orders: made } = await harvest(planId, '100');
    const orderId = made[0];
    const sellerBefore = await balanceOf(seller.orgId, 'available');
    // As the orders worker runs it when the payment deadline passes.
    await actOnOrder(orderId, { userId: null, parties: ['system'] }, { action: 'expire_unpaid' });
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order.status).toBe('cancelled');
    // Deposit ¥800: half forfeited (less the 1.5 % fee to the seller), half back to the buyer; the escrow is empty.
    expect(await escrowHeldForOrder(db, orderId)).toBe(0);
    expect(await balanceOf(buyer.orgId, 'available')).toBe(10_000_000 - 40_000);
    expect(await balanceOf(seller.orgId, 'available')).toBeGreaterThan(sellerBefore);
    const [pre] = await db.select().from(preOrders).where(eq(preOrders.orderId, orderId));
    expect(pre.status).toBe('forfeited');
  });

  it('a seller cancelling an unpaid fill gives the whole deposit back', async () => {
    const planId = await newPlan();
    const buyer = await fundedBuyer();
    await confirm(await preOrder(planId, buyer, '100'));
    const { orders: made } = await harvest(planId, '100');
    await actOnOrder(
      made[0],
      { userId: seller.userId, parties: ['seller'] },
      { action: 'cancel', reason: '渔船故障' },
    );
    expect(await balanceOf(buyer.orgId, 'available')).toBe(10_000_000);
    expect(await escrowHeldForOrder(db, made[0])).toBe(0);
  });
});

describe('consumers (B2B2C)', () => {
  it('reservations count against the retailer’s share; only the retailer sees and exports them; deleted after pickup', async () => {
    const planId = await newPlan();
    const retailer = await fundedBuyer();
    const other = await fundedBuyer();
    const pre = await preOrder(planId, retailer, '20');
    await confirm(pre);
    await db.transaction((tx) =>
      openToConsumers(tx, {
        preOrderId: pre,
        buyerOrgId: retailer.orgId,
        stores: '鲜丰 海滨店\n鲜丰 人民路店\n',
      }),
    );
    const reserve = (form: Record<string, string>) =>
      db.transaction((tx) => reserveAsConsumer(tx, { planId, preOrderId: pre, form }));
    const ok = await reserve({
      name: '王芳',
      phone: '13800138000',
      store: '鲜丰 海滨店',
      quantity: '15',
      unit: 'kg',
    });
    expect(ok.ok).toBe(true);
    expect(
      await reserve({
        name: '李雷',
        phone: '13900139000',
        store: '鲜丰 人民路店',
        quantity: '6',
        unit: 'kg',
      }),
    ).toMatchObject({
      ok: false,
      errors: { quantity: 'farming.errors.shareFull' },
    });
    expect(
      await reserve({ name: '李雷', phone: 'abc', store: '别家店', quantity: '1', unit: 'kg' }),
    ).toMatchObject({
      ok: false,
      errors: { phone: 'farming.errors.phone', store: 'errors.chooseOne' },
    });
    // Through the public route as well (a consumer has no account).
    const viaRoute = await call(() =>
      reserveAction(
        args(
          formRequest(`/plans/${planId}/r/${pre}`, {
            name: '李雷',
            phone: '13900139000',
            store: '鲜丰 人民路店',
            quantity: '5',
            unit: 'kg',
          }),
          { planId, preOrderId: pre },
        ),
      ),
    );
    expect(viaRoute.status).toBe(302);
    const [share] = await db.select().from(preOrders).where(eq(preOrders.id, pre));
    expect(share.reserved).toBe(20 * KG);

    // The retailer sees the list and the CSV; another buyer org gets 404 for both.
    const own = await cookieOf(retailer);
    const list = await call(() =>
      shareLoader(args(getRequest(`/preorders/${pre}`, { cookie: own }), { preOrderId: pre })),
    );
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).toContain('13800138000');
    const csv = await call(() =>
      csvLoader(args(getRequest(`/preorders/${pre}/csv`, { cookie: own }), { preOrderId: pre })),
    );
    expect(await csv.text()).toContain('王芳,13800138000,鲜丰 海滨店,15');
    const stranger = await cookieOf(other);
    for (const loader of [shareLoader, csvLoader]) {
      const refused = await call(() =>
        loader(args(getRequest(`/preorders/${pre}`, { cookie: stranger }), { preOrderId: pre })),
      );
      expect(refused.status).toBe(404);
    }
    // No consumer data goes into a job payload.
    const payloads = await db.select({ payload: outbox.payload }).from(outbox);
    expect(JSON.stringify(payloads)).not.toContain('13800138000');

    // Picked up now: kept CONSUMER_DATA_DAYS, then deleted by the retention job.
    const [reservation] = await db
      .select()
      .from(consumerReservations)
      .where(eq(consumerReservations.name, '王芳'));
    const now = new Date();
    await db.transaction((tx) =>
      markPickedUp(tx, { reservationId: reservation.id, preOrderId: pre, buyerOrgId: retailer.orgId }, now),
    );
    expect(
      await db.transaction((tx) => purgeConsumerReservations(tx, new Date(now.getTime() + 86_400_000))),
    ).toBe(0);
    const later = new Date(now.getTime() + (CONSUMER_DATA_DAYS + 1) * 86_400_000);
    const counts = await db.transaction((tx) => runRetention(tx, later));
    expect(counts.consumerReservations).toBeGreaterThanOrEqual(1);
    const left = await db.select().from(consumerReservations).where(eq(consumerReservations.preOrderId, pre));
    expect(left.map((r) => r.name)).toEqual(['李雷']);
  });
});
