// Trade fairs (#19) against real PostgreSQL: exclusive booth allocation with its fee in the ledger, meeting slots
// that never overlap under concurrency, fair prices only during the fair in market time, and leads only with consent.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  fairApplications,
  fairAppointments,
  fairBooths,
  fairLeads,
  fairSlots,
  notificationEvents,
  orders,
  outbox,
  users,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import {
  FairError,
  addBooth,
  addSlot,
  allocateBooth,
  applyForBooth,
  badgeFor,
  bookSlot,
  cancelAppointment,
  captureLead,
  createFair,
  fairPriceAt,
  setBadgeConsent,
  setFairPrice,
} from '../../app/fairs/fairs.server';
import { balances, post } from '../../app/ledger/ledger.server';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import {
  addDays,
  endOfMarketDay,
  marketDayAt,
  marketToday,
  startOfMarketDay,
} from '../../app/lib/market-time';
import { createPlan } from '../../app/farming/plans.server';
import { placeBuyNow } from '../../app/orders/orders.server';
import { action as boothAction, loader as boothLoader } from '../../app/routes/fairs.$fairId_.booths.$booth';
import { action as exhibitAction, loader as exhibitLoader } from '../../app/routes/fairs.$fairId_.exhibit';
import { loader as homeLoader } from '../../app/routes/fairs.$fairId';
import { loader as leadLoader } from '../../app/routes/fairs.$fairId_.leads.$token';
import { loader as csvLoader } from '../../app/routes/fairs.$fairId_.report[.]csv';
import { action as operatorAction } from '../../app/routes/operator.fairs_.$fairId';
import { processFairJob } from '../../workers/fairs';
import { call, formRequest, getRequest } from '../support/http';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
let operatorId: string;

async function cookieFor(who: Seller) {
  return (
    await commitSessionCookie(await createSession(db, { userId: who.userId, activeOrgId: who.orgId }))
  ).split(';')[0];
}

/** Puts money on an org's available balance (as a release of sales would). */
async function fund(orgId: string, amount: number) {
  await db.transaction((tx) =>
    post(tx, {
      kind: 'adjustment',
      idempotencyKey: `test-fund:${orgId}:${amount}:${Math.random()}`,
      lines: [
        { orgId: null, kind: 'provider_clearing', amount: -amount },
        { orgId, kind: 'available', amount },
      ],
    }),
  );
}

/** A fair over the given market days, with booths A01…A0n at 800 yuan (or `priceFen`). */
async function fairOn(startsOn: string, endsOn: string, booths = 2, priceFen = 80_000) {
  return db.transaction(async (tx) => {
    const id = await createFair(tx, {
      nameZh: '对虾开海节',
      nameEn: 'Shrimp season opening',
      startsOn,
      endsOn,
      hall: '湛江国际会展中心 1 号馆',
      onlineOpens: '08:00',
      onlineCloses: '20:00',
      featured: '',
      createdBy: operatorId,
      categoryIds: [],
    });
    const boothIds: string[] = [];
    for (let i = 1; i <= booths; i++)
      boothIds.push(
        await addBooth(tx, id, {
          number: `A0${i}`,
          zone: '水产区',
          widthM: 3,
          depthM: 3,
          price: (priceFen / 100).toFixed(2),
          gridRow: 1,
          gridCol: i,
        }),
      );
    return { id, boothIds };
  });
}

/** A seller with a booth at the fair (its booth fee paid from a funded balance). */
async function exhibitor(fairId: string, boothId: string) {
  const seller = await verifiedSeller(db);
  await fund(seller.orgId, 100_000);
  const applicationId = await db.transaction((tx) =>
    applyForBooth(tx, { fairId, orgId: seller.orgId, userId: seller.userId, wantedZone: null, pitch: '' }),
  );
  await db.transaction((tx) => allocateBooth(tx, { applicationId, boothId, operatorUserId: operatorId }));
  return seller;
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  const [op] = await db.select({ id: users.id }).from(users).where(eq(users.email, 'operator@wharf.test'));
  operatorId = op.id;
});

describe('booth allocation', () => {
  it('gives a booth to one exhibitor only, even when two allocations race, and charges the fee once', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 5), addDays(today, 6), 1);
    const sellers = [await verifiedSeller(db), await verifiedSeller(db)];
    for (const s of sellers) await fund(s.orgId, 100_000);
    const applications = await Promise.all(
      sellers.map((s) =>
        db.transaction((tx) =>
          applyForBooth(tx, {
            fairId: fair.id,
            orgId: s.orgId,
            userId: s.userId,
            wantedZone: '水产区',
            pitch: '鲜活对虾',
          }),
        ),
      ),
    );
    const results = await Promise.allSettled(
      applications.map((applicationId) =>
        db.transaction((tx) =>
          allocateBooth(tx, { applicationId, boothId: fair.boothIds[0], operatorUserId: operatorId }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(FairError);
    expect((refused.reason as FairError).messageKey).toBe('fairs.errors.boothTaken');
    const allocated = await db
      .select()
      .from(fairApplications)
      .where(and(eq(fairApplications.fairId, fair.id), eq(fairApplications.status, 'allocated')));
    expect(allocated).toHaveLength(1);
    // The winner paid 800 yuan into the platform's fees; the other paid nothing.
    const available = await Promise.all(
      sellers.map(async (s) => (await balances(db, s.orgId)).find((b) => b.kind === 'available')?.amount),
    );
    expect(available.sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([20_000, 100_000]);
    expect(allocated[0].feeLedgerTxId).toMatch(/^ltx_/);
  });

  it('the database refuses a second allocated application of one booth, whatever the code does', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 5), addDays(today, 6), 1, 0);
    const a = await exhibitor(fair.id, fair.boothIds[0]);
    const b = await verifiedSeller(db);
    const error = await db
      .insert(fairApplications)
      .values({
        id: 'fap_direct',
        fairId: fair.id,
        orgId: b.orgId,
        appliedBy: b.userId,
        status: 'allocated',
        boothId: fair.boothIds[0],
      })
      .catch((e: { cause?: { constraint_name?: string } }) => e);
    expect((error as { cause?: { constraint_name?: string } }).cause?.constraint_name).toBe(
      'fair_applications_booth_key',
    );
    expect(a.orgId).toBeTruthy();
  });

  it('refuses, changing nothing, when the seller’s balance does not cover the fee; the operator page says so', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 5), addDays(today, 6), 1);
    const seller = await verifiedSeller(db);
    const applicationId = await db.transaction((tx) =>
      applyForBooth(tx, {
        fairId: fair.id,
        orgId: seller.orgId,
        userId: seller.userId,
        wantedZone: null,
        pitch: '',
      }),
    );
    const operatorCookie = await cookieFor({ orgId: 'org_operator', userId: operatorId });
    const response = await call(() =>
      operatorAction(
        args(
          formRequest(
            `/operator/fairs/${fair.id}`,
            { intent: 'allocate', applicationId, boothId: fair.boothIds[0] },
            { cookie: operatorCookie },
          ),
          { fairId: fair.id },
        ),
      ),
    );
    expect(response.status).toBe(409);
    expect(((await response.json()) as { errors: Record<string, string> }).errors.boothId).toBe(
      'fairs.errors.feeNotCovered',
    );
    const [row] = await db.select().from(fairApplications).where(eq(fairApplications.id, applicationId));
    expect(row.status).toBe('pending');
    expect(row.boothId).toBeNull();
  });
});

describe('meeting slots and appointments', () => {
  it('never lets an exhibitor’s slots overlap, even when added at once', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 2), addDays(today, 3), 1, 0);
    const seller = await exhibitor(fair.id, fair.boothIds[0]);
    const day = addDays(today, 2);
    const starts = ['10:00', '10:15', '10:20', '10:29'];
    const results = await Promise.allSettled(
      starts.map((time) =>
        db.transaction((tx) =>
          addSlot(tx, {
            fairId: fair.id,
            orgId: seller.orgId,
            userId: seller.userId,
            startsAt: `${day}T${time}`,
            minutes: 30,
            mode: 'either',
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect(((r as PromiseRejectedResult).reason as FairError).messageKey).toBe('fairs.errors.slotOverlaps');
    // Back to back is not an overlap (half-open ranges).
    const after = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(fairSlots)
      .where(eq(fairSlots.orgId, seller.orgId));
    expect(after[0].n).toBe(1);
  });

  it('books a slot once when many buyers press at the same moment; a buyer is in one meeting at a time', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 2), addDays(today, 3), 2, 0);
    const first = await exhibitor(fair.id, fair.boothIds[0]);
    const second = await exhibitor(fair.id, fair.boothIds[1]);
    const day = addDays(today, 2);
    const slot = (who: Seller, time: string) =>
      db.transaction((tx) =>
        addSlot(tx, {
          fairId: fair.id,
          orgId: who.orgId,
          userId: who.userId,
          startsAt: `${day}T${time}`,
          minutes: 30,
          mode: 'either',
        }),
      );
    const contested = await slot(first, '10:00');
    const buyers = await Promise.all(Array.from({ length: 6 }, () => buyerOrg()));
    const now = new Date();
    const results = await Promise.allSettled(
      buyers.map((b) =>
        db.transaction((tx) =>
          bookSlot(tx, { slotId: contested, buyerOrgId: b.orgId, userId: b.userId, mode: 'hall', now }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect(((r as PromiseRejectedResult).reason as FairError).messageKey).toBe('fairs.errors.slotTaken');
    const booked = await db
      .select()
      .from(fairAppointments)
      .where(and(eq(fairAppointments.slotId, contested), eq(fairAppointments.status, 'booked')));
    expect(booked).toHaveLength(1);
    // The exhibitor is told, and a reminder waits in the outbox for an hour before.
    const [event] = await db
      .select()
      .from(notificationEvents)
      .where(
        and(
          eq(notificationEvents.type, 'fair-appointment-booked'),
          eq(notificationEvents.subjectId, booked[0].id),
        ),
      );
    expect(event.orgId).toBe(first.orgId);
    const [reminder] = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'fairs'), sql`${outbox.payload}->>'appointmentId' = ${booked[0].id}`));
    expect(reminder.runAt?.toISOString()).toBe(new Date(marketDayAt(day, '09:00')).toISOString());

    // One buyer racing for two overlapping slots of two exhibitors gets one of them.
    const a = await slot(first, '11:00');
    const b = await slot(second, '11:15');
    const buyer = await buyerOrg();
    const both = await Promise.allSettled(
      [a, b].map((slotId) =>
        db.transaction((tx) =>
          bookSlot(tx, { slotId, buyerOrgId: buyer.orgId, userId: buyer.userId, mode: 'video', now }),
        ),
      ),
    );
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      ((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as FairError).messageKey,
    ).toBe('fairs.errors.buyerBusy');
  });

  it('through the pages: a buyer books on the booth page, the exhibitor sees it and cancels, the buyer is told', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 1), addDays(today, 2), 1, 0);
    const seller = await exhibitor(fair.id, fair.boothIds[0]);
    const sellerCookie = await cookieFor(seller);
    const day = addDays(today, 1);
    const added = await call(() =>
      exhibitAction(
        args(
          formRequest(
            `/fairs/${fair.id}/exhibit`,
            { intent: 'slot', startsAt: `${day}T14:00`, minutes: '30', mode: 'video' },
            { cookie: sellerCookie },
          ),
          { fairId: fair.id },
        ),
      ),
    );
    expect(added.status).toBe(302);
    // Bad input: a clear message and a 400, nothing written.
    const bad = await call(() =>
      exhibitAction(
        args(
          formRequest(
            `/fairs/${fair.id}/exhibit`,
            { intent: 'slot', startsAt: `${addDays(today, 9)}T14:00`, minutes: '30', mode: 'video' },
            { cookie: sellerCookie },
          ),
          { fairId: fair.id },
        ),
      ),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Record<string, string> }).errors.startsAt).toBe(
      'fairs.errors.slotOutsideFair',
    );
    const [slot] = await db.select().from(fairSlots).where(eq(fairSlots.orgId, seller.orgId));
    // The exhibitor's harvest plan taking pre-orders shows at its booth.
    const planId = await db.transaction((tx) =>
      createPlan(tx, {
        orgId: seller.orgId,
        userId: seller.userId,
        draft: {
          categoryId: 'whiteleg-shrimp',
          title: '展会 订单农业计划',
          grade: '',
          spec: {},
          expectedMin: 100_000,
          expectedMax: 500_000,
          displayUnit: 'kg',
          harvestFrom: addDays(today, 30),
          harvestTo: addDays(today, 40),
          cutoffDate: addDays(today, 20),
          priceMode: 'fixed',
          unitPriceFen: 4_000,
          referenceAdjustBps: 0,
          minPerBuyer: 10_000,
          maxPerBuyer: 100_000,
          depositBps: 1_000,
          forfeitBps: 10_000,
          materialDays: 7,
          allocation: 'commitment',
          delivery: ['pickup'],
          originName: '展会 1 号塘',
          originRegion: '湛江',
          notes: null,
        },
      }),
    );

    const buyer = await buyerOrg();
    const buyerCookie = await cookieFor(buyer);
    const page = await call(() =>
      boothLoader(
        args(getRequest(`/fairs/${fair.id}/booths/A01`, { cookie: buyerCookie }), {
          fairId: fair.id,
          booth: 'a01',
        }),
      ),
    );
    expect(page.status).toBe(200);
    const view = (await page.json()) as {
      plans: { id: string }[];
      slots: { id: string }[];
      mayBook: boolean;
      url: string;
      qr: string;
    };
    expect(view.mayBook).toBe(true);
    expect(view.slots.map((s) => s.id)).toEqual([slot.id]);
    expect(view.plans.map((plan) => plan.id)).toEqual([planId]);
    expect(view.url).toBe(`http://localhost:3000/fairs/${fair.id}/booths/A01`);
    expect(view.qr).toContain('<svg');
    // A slot offered by video only cannot be booked in the hall.
    const wrong = await call(() =>
      boothAction(
        args(
          formRequest(
            `/fairs/${fair.id}/booths/A01`,
            { slotId: slot.id, mode: 'hall' },
            { cookie: buyerCookie },
          ),
          { fairId: fair.id, booth: 'A01' },
        ),
      ),
    );
    expect(wrong.status).toBe(400);
    const booked = await call(() =>
      boothAction(
        args(
          formRequest(
            `/fairs/${fair.id}/booths/A01`,
            { slotId: slot.id, mode: 'video' },
            { cookie: buyerCookie },
          ),
          { fairId: fair.id, booth: 'A01' },
        ),
      ),
    );
    expect(booked.status).toBe(302);
    expect(booked.headers.get('Location')).toBe(`/fairs/${fair.id}/visit`);

    const desk = (await (
      await call(() =>
        exhibitLoader(
          args(getRequest(`/fairs/${fair.id}/exhibit`, { cookie: sellerCookie }), { fairId: fair.id }),
        ),
      )
    ).json()) as { appointments: { id: string; status: string; visitorOrgId: string }[] };
    expect(desk.appointments).toHaveLength(1);
    expect(desk.appointments[0]).toMatchObject({ status: 'booked', visitorOrgId: buyer.orgId });
    const cancelled = await call(() =>
      exhibitAction(
        args(
          formRequest(
            `/fairs/${fair.id}/exhibit`,
            { intent: 'cancel', appointmentId: desk.appointments[0].id },
            { cookie: sellerCookie },
          ),
          { fairId: fair.id },
        ),
      ),
    );
    expect(cancelled.status).toBe(302);
    const told = await db
      .select()
      .from(notificationEvents)
      .where(
        and(
          eq(notificationEvents.type, 'fair-appointment-cancelled'),
          eq(notificationEvents.orgId, buyer.orgId),
        ),
      );
    expect(told).toHaveLength(1);

    // The visit was counted, and the exhibitor's CSV says so.
    const csv = await call(() =>
      csvLoader(
        args(getRequest(`/fairs/${fair.id}/report.csv`, { cookie: sellerCookie }), { fairId: fair.id }),
      ),
    );
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain('A01');
    expect(text.split('\r\n')[1]).toMatch(/"A01","水产区",".*","1","0","0","0","0.00"/);
    // Another buyer may not download it.
    const denied = await call(() =>
      csvLoader(
        args(getRequest(`/fairs/${fair.id}/report.csv`, { cookie: buyerCookie }), { fairId: fair.id }),
      ),
    );
    expect(denied.status).toBe(404);
  });
});

describe('meeting reminders', () => {
  it('the reminder job tells both sides of a booked meeting once, and nothing after a cancellation', async () => {
    const today = marketToday();
    const fair = await fairOn(addDays(today, 1), addDays(today, 2), 1, 0);
    const seller = await exhibitor(fair.id, fair.boothIds[0]);
    const buyer = await buyerOrg();
    const slot = (time: string) =>
      db.transaction((tx) =>
        addSlot(tx, {
          fairId: fair.id,
          orgId: seller.orgId,
          userId: seller.userId,
          startsAt: `${addDays(today, 1)}T${time}`,
          minutes: 30,
          mode: 'either',
        }),
      );
    const now = new Date();
    const kept = await db.transaction(async (tx) =>
      bookSlot(tx, {
        slotId: await slot('09:00'),
        buyerOrgId: buyer.orgId,
        userId: buyer.userId,
        mode: 'hall',
        now,
      }),
    );
    const dropped = await db.transaction(async (tx) =>
      bookSlot(tx, {
        slotId: await slot('15:00'),
        buyerOrgId: buyer.orgId,
        userId: buyer.userId,
        mode: 'hall',
        now,
      }),
    );
    await db.transaction((tx) => cancelAppointment(tx, { appointmentId: dropped, orgId: buyer.orgId }));
    const reminders = async (appointmentId: string) =>
      db
        .select({ orgId: notificationEvents.orgId })
        .from(notificationEvents)
        .where(
          and(
            eq(notificationEvents.type, 'fair-appointment-reminder'),
            eq(notificationEvents.subjectId, appointmentId),
          ),
        );
    expect(await processFairJob({ name: 'appointment-reminder', data: { appointmentId: kept } })).toEqual({
      reminded: true,
    });
    // A retried job raises nothing twice.
    await processFairJob({ name: 'appointment-reminder', data: { appointmentId: kept } });
    expect((await reminders(kept)).map((r) => r.orgId).sort()).toEqual([seller.orgId, buyer.orgId].sort());
    expect(await processFairJob({ name: 'appointment-reminder', data: { appointmentId: dropped } })).toEqual({
      reminded: false,
    });
    expect(await reminders(dropped)).toEqual([]);
    await expect(processFairJob({ name: 'appointment-reminder', data: {} })).rejects.toThrow(/bad fairs job/);
  });
});

describe('fair prices', () => {
  it('apply only from midnight of the first market day to midnight after the last, in market time', async () => {
    const seller = await verifiedSeller(db);
    const fair = await fairOn('2026-06-10', '2026-06-12', 1, 0);
    await db.transaction(async (tx) => {
      const applicationId = await applyForBooth(tx, {
        fairId: fair.id,
        orgId: seller.orgId,
        userId: seller.userId,
        wantedZone: null,
        pitch: '',
      });
      await allocateBooth(tx, { applicationId, boothId: fair.boothIds[0], operatorUserId: operatorId });
    });
    const lot = await liveShrimpLot(db, seller, '500', { titleZh: '展会价测试 对虾 F1' });
    await db.transaction((tx) =>
      setFairPrice(tx, { fairId: fair.id, orgId: seller.orgId, listingId: lot, price: '39.50' }),
    );
    const start = startOfMarketDay('2026-06-10');
    const end = endOfMarketDay('2026-06-12');
    // In Shanghai the fair starts at 2026-06-09T16:00Z: a UTC-day rule would be 8 hours off at each end.
    expect(start.toISOString()).toBe('2026-06-09T16:00:00.000Z');
    expect(await fairPriceAt(db, lot, new Date(start.getTime() - 1))).toBeNull();
    expect(await fairPriceAt(db, lot, start)).toBe(3950);
    expect(await fairPriceAt(db, lot, new Date('2026-06-10T01:00:00Z'))).toBe(3950);
    expect(await fairPriceAt(db, lot, new Date(end.getTime() - 1))).toBe(3950);
    expect(await fairPriceAt(db, lot, end)).toBeNull();
  });

  it('the buy path charges the fair price during the fair and the list price outside it', async () => {
    const today = marketToday();
    const running = await fairOn(today, addDays(today, 1), 1, 0);
    const over = await fairOn(addDays(today, -3), addDays(today, -1), 1, 0);
    const during = await verifiedSeller(db);
    const after = await verifiedSeller(db);
    for (const [fair, seller] of [
      [running, during],
      [over, after],
    ] as const)
      await db.transaction(async (tx) => {
        const applicationId = await applyForBooth(tx, {
          fairId: fair.id,
          orgId: seller.orgId,
          userId: seller.userId,
          wantedZone: null,
          pitch: '',
        });
        await allocateBooth(tx, { applicationId, boothId: fair.boothIds[0], operatorUserId: operatorId });
      });
    const lotDuring = await liveShrimpLot(db, during, '500', { titleZh: '展会价测试 对虾 F2' });
    const lotAfter = await liveShrimpLot(db, after, '500', { titleZh: '展会价测试 对虾 F3' });
    await db.transaction((tx) =>
      setFairPrice(tx, { fairId: running.id, orgId: during.orgId, listingId: lotDuring, price: '30' }),
    );
    await db.transaction((tx) =>
      setFairPrice(tx, { fairId: over.id, orgId: after.orgId, listingId: lotAfter, price: '30' }),
    );
    const buyer = await buyerOrg();
    const buy = (listingId: string) =>
      placeBuyNow({
        buyerOrgId: buyer.orgId,
        actorUserId: buyer.userId,
        form: { listingId, quantity: '10', unit: 'kg', tolerancePercent: 3 },
      });
    const inFair = await buy(lotDuring);
    const outside = await buy(lotAfter);
    if (!inFair.ok || !outside.ok) throw new Error('orders refused');
    const [o1] = await db.select().from(orders).where(eq(orders.id, inFair.orderId));
    const [o2] = await db.select().from(orders).where(eq(orders.id, outside.orderId));
    expect(o1.unitPriceFen).toBe(3000);
    expect(o1.subtotalFen).toBe(30_000);
    expect(o2.unitPriceFen).not.toBe(3000);
    // Only the lot's seller, an exhibitor, may set one; bad prices are refused.
    await expect(
      db.transaction((tx) =>
        setFairPrice(tx, { fairId: running.id, orgId: after.orgId, listingId: lotAfter, price: '30' }),
      ),
    ).rejects.toMatchObject({ messageKey: 'fairs.errors.notExhibitor' });
    await expect(
      db.transaction((tx) =>
        setFairPrice(tx, { fairId: running.id, orgId: during.orgId, listingId: lotDuring, price: 'abc' }),
      ),
    ).rejects.toMatchObject({ messageKey: 'errors.priceInvalid' });
  });
});

describe('leads', () => {
  it('are captured only with the visitor’s consent, and withdrawing consent deletes them', async () => {
    const today = marketToday();
    const fair = await fairOn(today, addDays(today, 1), 1, 0);
    const seller = await exhibitor(fair.id, fair.boothIds[0]);
    const visitor = await buyerOrg();
    const badge = await badgeFor(db, { fairId: fair.id, userId: visitor.userId, orgId: visitor.orgId });
    const sellerCookie = await cookieFor(seller);
    const capture = () =>
      db.transaction((tx) =>
        captureLead(tx, {
          fairId: fair.id,
          token: badge.token,
          exhibitorOrgId: seller.orgId,
          userId: seller.userId,
        }),
      );

    // Without consent: refused, and the scan page does not even name the visitor's org.
    await expect(capture()).rejects.toMatchObject({ messageKey: 'fairs.errors.noConsent' });
    const scanned = await call(() =>
      leadLoader(
        args(getRequest(`/fairs/${fair.id}/leads/${badge.token}`, { cookie: sellerCookie }), {
          fairId: fair.id,
          token: badge.token,
        }),
      ),
    );
    expect(await scanned.json()).toMatchObject({ consented: false, visitor: null });
    // The database refuses a lead without consent whatever the code does.
    const direct = await db
      .insert(fairLeads)
      .values({
        id: 'flead_direct',
        fairId: fair.id,
        exhibitorOrgId: seller.orgId,
        visitorOrgId: visitor.orgId,
        badgeToken: badge.token,
        capturedBy: seller.userId,
      })
      .catch((e: { cause?: { code?: string } }) => e);
    expect((direct as { cause?: { code?: string } }).cause?.code).toBe('23514');

    await db.transaction((tx) =>
      setBadgeConsent(tx, {
        fairId: fair.id,
        userId: visitor.userId,
        orgId: visitor.orgId,
        consent: true,
        now: new Date(),
      }),
    );
    expect(await capture()).toEqual({ visitorOrgId: visitor.orgId, isNew: true });
    expect(await capture()).toEqual({ visitorOrgId: visitor.orgId, isNew: false });
    expect(await db.select().from(fairLeads).where(eq(fairLeads.exhibitorOrgId, seller.orgId))).toHaveLength(
      1,
    );

    // Someone who is not an exhibitor at this fair cannot use a badge's URL.
    const strangerCookie = await cookieFor(await verifiedSeller(db));
    const refused = await call(() =>
      leadLoader(
        args(getRequest(`/fairs/${fair.id}/leads/${badge.token}`, { cookie: strangerCookie }), {
          fairId: fair.id,
          token: badge.token,
        }),
      ),
    );
    expect(refused.status).toBe(404);

    await db.transaction((tx) =>
      setBadgeConsent(tx, {
        fairId: fair.id,
        userId: visitor.userId,
        orgId: visitor.orgId,
        consent: false,
        now: new Date(),
      }),
    );
    expect(await db.select().from(fairLeads).where(eq(fairLeads.exhibitorOrgId, seller.orgId))).toHaveLength(
      0,
    );
    await expect(capture()).rejects.toMatchObject({ messageKey: 'fairs.errors.noConsent' });
  });
});

describe('the fair home', () => {
  it('finds exhibitors in Chinese by name, booth or goods, and filters by zone and category', async () => {
    const today = marketToday();
    const fair = await fairOn(today, addDays(today, 1), 2, 0);
    const shrimp = await exhibitor(fair.id, fair.boothIds[0]);
    const other = await exhibitor(fair.id, fair.boothIds[1]);
    // Fixed names: a generated one could itself contain "a02" and match the booth-number search below.
    await db.execute(sql`update organisations set name = '湛江海鲜展商' where id = ${shrimp.orgId}`);
    await db.execute(sql`update organisations set name = '徐闻果蔬展商' where id = ${other.orgId}`);
    await liveShrimpLot(db, shrimp, '500', { titleZh: '湛江东海岛 南美白对虾 展会专供' });
    const find = async (query: string) => {
      const response = await call(() =>
        homeLoader(args(getRequest(`/fairs/${fair.id}?${query}`), { fairId: fair.id })),
      );
      return ((await response.json()) as { exhibitors: { orgId: string; number: string }[] }).exhibitors;
    };
    expect((await find('')).map((e) => e.number)).toEqual(['A01', 'A02']);
    // Sorted by a column's link: booth number either way, most live lots first; an unknown column is booth order.
    expect((await find('sort=booth&dir=desc')).map((e) => e.number)).toEqual(['A02', 'A01']);
    expect((await find('sort=lots&dir=desc'))[0].orgId).toBe(shrimp.orgId);
    expect((await find('sort=lots&dir=asc'))[1].orgId).toBe(shrimp.orgId);
    expect((await find('sort=drop%20table&dir=sideways')).map((e) => e.number)).toEqual(['A01', 'A02']);
    expect((await find(`q=${encodeURIComponent('对虾')}`)).map((e) => e.orgId)).toEqual([shrimp.orgId]);
    expect((await find('q=a02')).map((e) => e.number)).toEqual(['A02']);
    expect((await find('category=whiteleg-shrimp')).map((e) => e.orgId)).toEqual([shrimp.orgId]);
    expect(await find(`zone=${encodeURIComponent('果蔬区')}`)).toEqual([]);
    expect(await find(`q=${encodeURIComponent('100%_')}`)).toEqual([]);
    const missing = await call(() =>
      homeLoader(args(getRequest('/fairs/fair_none'), { fairId: 'fair_none' })),
    );
    expect(missing.status).toBe(404);
    expect(await db.select().from(fairBooths).where(eq(fairBooths.fairId, fair.id))).toHaveLength(2);
  });
});
