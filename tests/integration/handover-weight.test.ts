// The carrier's scale settles catch weight (ADR 0028): the delivery's weighing over the pickup's, once under the
// hand-over's lock; and the buyer confirms receipt during the inspection window, idempotently with the release job.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  bookings,
  handovers,
  invoices,
  ledgerEntries,
  ledgerTransactions,
  listings,
  orderEvents,
  orders,
  traceEvents,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { lineTotal } from '../../app/lib/money';
import { escrowHeldForOrder } from '../../app/ledger/ledger.server';
import { invoiceForViewer } from '../../app/orders/invoice.server';
import { getViewer } from '../../app/lib/auth.server';
import { loader as balanceLoader } from '../../app/routes/balance';
import { action as bookingAction } from '../../app/routes/orders_.$orderId.booking';
import { action as logisticsAction } from '../../app/routes/logistics';
import { action as paymentsAction } from '../../app/routes/operator.payments';
import { action as orderAction, loader as orderLoader } from '../../app/routes/orders.$orderId';
import { action as buyAction } from '../../app/routes/orders.new';
import { processColdChainJob } from '../../workers/coldchain';
import { processSettlementJob } from '../../workers/settlement';
import { ORIGIN, call, formRequest, getRequest, logInAs } from '../support/http';
import { demoShrimpLotId } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const cookies = { buyer: '', seller: '', carrier: '', operator: '' };
let lotId: string;

function marketTime(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** A paid order of `kg` of the demo shrimp with its booking accepted by the demo carrier. */
async function acceptedBooking(kg: string): Promise<{ orderId: string; bookingId: string }> {
  const bought = await call(() =>
    buyAction(
      args(
        formRequest(
          `/orders/new?listingId=${lotId}`,
          { listingId: lotId, unit: 'kg', tolerancePercent: '3', quantity: kg },
          { cookie: cookies.buyer },
        ),
      ),
    ),
  );
  expect(bought.status).toBe(302);
  const orderId = (bought.headers.get('Location') ?? '').slice('/orders/'.length);
  const paid = await call(() =>
    paymentsAction(
      args(
        formRequest(
          '/operator/payments',
          { intent: 'record_payment', orderId, reference: 'ICBC 0028' },
          { cookie: cookies.operator },
        ),
      ),
    ),
  );
  expect(paid.status).toBe(302);
  const booked = await call(() =>
    bookingAction(
      args(
        formRequest(
          `/orders/${orderId}/booking`,
          {
            tempClass: 'live',
            weightKg: kg,
            pallets: '1',
            pickupPlace: '湛江东海岛海兴养殖场塘头',
            pickupFrom: marketTime(2),
            pickupUntil: marketTime(6),
            dropoffPlace: '广州黄沙水产市场',
            deliverBy: marketTime(24),
          },
          { cookie: cookies.seller },
        ),
        { orderId },
      ),
    ),
  );
  expect(booked.status).toBe(302);
  const [booking] = await db.select().from(bookings).where(eq(bookings.orderId, orderId));
  expect(await processColdChainJob({ name: 'match-booking', data: { bookingId: booking.id } })).toEqual({
    outcome: 'placed',
  });
  const accepted = await call(() =>
    logisticsAction(
      args(
        formRequest('/logistics', { intent: 'accept', bookingId: booking.id }, { cookie: cookies.carrier }),
      ),
    ),
  );
  expect(accepted.status).toBe(302);
  return { orderId, bookingId: booking.id };
}

function handover(intent: 'pickup' | 'deliver', bookingId: string, weightKg: string) {
  const form = new FormData();
  form.append('intent', intent);
  form.append('bookingId', bookingId);
  form.append('weightKg', weightKg);
  const request = new Request(`${ORIGIN}/logistics`, {
    method: 'POST',
    body: form,
    headers: { Cookie: cookies.carrier, 'x-wharf-client-ip': '203.0.113.7' },
  });
  return call(() => logisticsAction(args(request)));
}

const orderOf = async (orderId: string) => (await db.select().from(orders).where(eq(orders.id, orderId)))[0];
const eventsOf = async (orderId: string, kind: string) =>
  db
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.kind, kind)));
const handoverOf = async (bookingId: string, kind: 'pickup' | 'delivery') =>
  db
    .select()
    .from(handovers)
    .where(and(eq(handovers.bookingId, bookingId), eq(handovers.kind, kind)));

const act = (orderId: string, fields: Record<string, string>, cookie = cookies.buyer) =>
  call(() => orderAction(args(formRequest(`/orders/${orderId}`, fields, { cookie }), { orderId })));

/** Ledger entries of an order by transaction kind and account (the buyer's refund, the seller's release). */
async function ledgerOf(orderId: string) {
  return db
    .select({ kind: ledgerTransactions.kind, amount: ledgerEntries.amount })
    .from(ledgerEntries)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .where(eq(ledgerTransactions.orderId, orderId));
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  lotId = await demoShrimpLotId();
  // A restaurant's order of 35 kg (the demo lot's minimum is 100 kg).
  await db.update(listings).set({ minOrderQuantity: 10_000 }).where(eq(listings.id, lotId));
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.seller = await logInAs('shrimp@wharf.test');
  cookies.carrier = await logInAs('carrier@wharf.test');
  cookies.operator = await logInAs('operator@wharf.test');
});

describe('the last weighing in the chain settles the order', () => {
  it('pickup 35 kg, delivery 34.4 kg: the order, the invoice and the ledger settle 34.4 kg', async () => {
    const { orderId, bookingId } = await acceptedBooking('35');
    const ordered = await orderOf(orderId);
    expect((await handover('pickup', bookingId, '35')).status).toBe(302);
    expect((await orderOf(orderId)).deliveredQuantity).toBe(35_000);
    expect((await handover('deliver', bookingId, '34.4')).status).toBe(302);

    const order = await orderOf(orderId);
    expect(order.status).toBe('delivered');
    expect(order.deliveredQuantity).toBe(34_400);
    const expected = lineTotal(order.unitPriceFen, 34_400, order.perBase);
    expect(order.finalTotalFen).toBe(expected);
    expect(expected).toBeLessThan(ordered.subtotalFen);

    // The timeline names the carrier for both weighings and the 送达; the buyer's 确认收货 is not the carrier's.
    const page = (await (
      await call(() =>
        orderLoader(args(getRequest(`/orders/${orderId}`, { cookie: cookies.buyer }), { orderId })),
      )
    ).json()) as {
      timeline: { kind: string; actorOrgName: string | null; handover: string | null }[];
      actions: string[];
    };
    const weighings = page.timeline.filter((e) => e.kind === 'record_weight');
    expect(weighings.map((e) => e.handover)).toEqual(['pickup', 'delivery']);
    for (const e of weighings) expect(e.actorOrgName).toBe('南粤冷链物流');
    expect(page.timeline.map((e) => e.kind)).toContain('deliver');
    expect(page.timeline.map((e) => e.kind)).not.toContain('confirm_delivery');
    expect(page.actions).toEqual(expect.arrayContaining(['accept', 'open_dispute']));

    // The seller can no longer put its own weight over the carrier's.
    await db.update(orders).set({ status: 'shipping' }).where(eq(orders.id, orderId));
    const sellerWeighs = await act(
      orderId,
      { intent: 'record_weight', quantity: '36', unit: 'kg' },
      cookies.seller,
    );
    expect(sellerWeighs.status).toBe(409);
    await db.update(orders).set({ status: 'delivered' }).where(eq(orders.id, orderId));
    expect((await orderOf(orderId)).deliveredQuantity).toBe(34_400);

    // The buyer confirms receipt inside the window: settled at once for 34.4 kg.
    expect((await act(orderId, { intent: 'accept' })).status).toBe(302);
    const done = await orderOf(orderId);
    expect(done.status).toBe('completed');
    expect(await escrowHeldForOrder(db, orderId)).toBe(0);
    const ledger = await ledgerOf(orderId);
    const refund = ledger.filter((l) => l.kind === 'refund' && l.amount > 0);
    expect(refund.reduce((sum, l) => sum + l.amount, 0)).toBe(ordered.subtotalFen - expected);
    const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
    expect(invoice.totalFen).toBe(expected);

    const viewer = await getViewer(getRequest(`/orders/${orderId}/invoice`, { cookie: cookies.buyer }));
    if (!viewer) throw new Error('the buyer is logged in');
    const view = await invoiceForViewer(db, orderId, viewer, 'zh-CN');
    expect(view?.invoice.lines[0]).toMatchObject({ weighed: true, delivered: '34.4 公斤' });

    // The release job that was due at the window's end runs after the buyer's confirmation: nothing moves.
    const before = await ledgerOf(orderId);
    expect(await processSettlementJob({ name: 'release-escrow', data: { orderId } })).toEqual({
      completed: false,
    });
    expect(await ledgerOf(orderId)).toHaveLength(before.length);
    expect(await eventsOf(orderId, 'complete')).toHaveLength(0);
    expect(await eventsOf(orderId, 'accept')).toHaveLength(1);
    // Confirming twice is refused and changes nothing.
    expect((await act(orderId, { intent: 'accept' })).status).toBe(409);
    expect(await ledgerOf(orderId)).toHaveLength(before.length);
  });

  it('20 concurrent pickups with different weights: one hand-over, one weighing, charged what it stores', async () => {
    const { orderId, bookingId } = await acceptedBooking('35');
    const weights = Array.from({ length: 20 }, (_, i) => (33 + i * 0.25).toFixed(2));
    const answers = await Promise.all(weights.map((kg) => handover('pickup', bookingId, kg)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);

    const stored = await handoverOf(bookingId, 'pickup');
    expect(stored).toHaveLength(1);
    const order = await orderOf(orderId);
    expect(order.deliveredQuantity).toBe(stored[0].weightGrams);
    expect(order.finalTotalFen).toBe(
      Math.min(lineTotal(order.unitPriceFen, stored[0].weightGrams ?? 0, order.perBase), order.subtotalFen),
    );
    expect(await eventsOf(orderId, 'record_weight')).toHaveLength(1);
    expect(await eventsOf(orderId, 'ship')).toHaveLength(1);
    const weighingTrace = await db
      .select()
      .from(traceEvents)
      .where(and(eq(traceEvents.orderId, orderId), eq(traceEvents.step, 'weighing')));
    expect(weighingTrace).toHaveLength(1);
  });

  it('20 concurrent deliveries with different weights settle one weight', async () => {
    const { orderId, bookingId } = await acceptedBooking('35');
    expect((await handover('pickup', bookingId, '35')).status).toBe(302);
    const weights = Array.from({ length: 20 }, (_, i) => (34 + i * 0.05).toFixed(2));
    const answers = await Promise.all(weights.map((kg) => handover('deliver', bookingId, kg)));
    expect(answers.filter((a) => a.status === 302)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);

    const [delivery] = await handoverOf(bookingId, 'delivery');
    const order = await orderOf(orderId);
    expect(order.status).toBe('delivered');
    expect(order.deliveredQuantity).toBe(delivery.weightGrams);
    expect(await eventsOf(orderId, 'record_weight')).toHaveLength(2);
    expect(await eventsOf(orderId, 'deliver')).toHaveLength(1);
    expect(await db.select().from(handovers).where(eq(handovers.bookingId, bookingId))).toHaveLength(2);
  });
});

describe('money in escrow on the balance page', () => {
  type Escrow = {
    rows: { orderId: string; heldFen: number; toSellerFen: number }[];
    totals: { heldFen: number }[];
  };
  const balanceOf = async (cookie: string) =>
    (
      (await (await call(() => balanceLoader(args(getRequest('/balance', { cookie }))))).json()) as {
        escrow: { buying: Escrow; selling: Escrow };
      }
    ).escrow;

  it('shows a paid order’s escrow to the buyer (its money) and the seller (incoming), until it settles', async () => {
    const { orderId, bookingId } = await acceptedBooking('35');
    const order = await orderOf(orderId);
    const buyer = await balanceOf(cookies.buyer);
    expect(buyer.buying.rows).toContainEqual(
      expect.objectContaining({ orderId, heldFen: order.subtotalFen }),
    );
    expect(buyer.selling.rows.map((r) => r.orderId)).not.toContain(orderId);
    expect(buyer.buying.totals[0].heldFen).toBeGreaterThanOrEqual(order.subtotalFen);
    const seller = await balanceOf(cookies.seller);
    const incoming = seller.selling.rows.find((r) => r.orderId === orderId);
    expect(incoming?.heldFen).toBe(order.subtotalFen);
    expect(incoming?.toSellerFen).toBe(
      order.subtotalFen - Math.round((order.subtotalFen * order.feeBps) / 10_000),
    );

    // Weighed short at delivery: the seller's incoming follows the weight.
    expect((await handover('pickup', bookingId, '35')).status).toBe(302);
    expect((await handover('deliver', bookingId, '34')).status).toBe(302);
    const weighed = await orderOf(orderId);
    const after = (await balanceOf(cookies.seller)).selling.rows.find((r) => r.orderId === orderId);
    expect(after?.heldFen).toBe(order.subtotalFen);
    expect(after?.toSellerFen).toBe(
      (weighed.finalTotalFen ?? 0) - Math.round(((weighed.finalTotalFen ?? 0) * order.feeBps) / 10_000),
    );

    expect((await act(orderId, { intent: 'accept' })).status).toBe(302);
    expect((await balanceOf(cookies.buyer)).buying.rows.map((r) => r.orderId)).not.toContain(orderId);
    expect((await balanceOf(cookies.seller)).selling.rows.map((r) => r.orderId)).not.toContain(orderId);
  });
});
