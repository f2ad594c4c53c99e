// Orders against real PostgreSQL: buy now, the offline payment flow with catch weight and ledger, refusals, races.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { invoices, listings, orderEvents, orders, outbox } from '../../db/schema';
import { balances } from '../../app/ledger/ledger.server';
import { OrderError, actOnOrder, placeBuyNow, recordOfflinePayout } from '../../app/orders/orders.server';
import { processOrderJob } from '../../workers/orders';
import { processSettlementJob } from '../../workers/settlement';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

const buyer = (b: Seller) => ({ userId: b.userId, parties: ['buyer' as const] });
const seller = (s: Seller) => ({ userId: s.userId, parties: ['seller' as const] });
const operator = { userId: null, parties: ['operator' as const] };

async function buy(b: Seller, listingId: string, quantity: string, unit = 'kg', tolerancePercent = 3) {
  return placeBuyNow({
    buyerOrgId: b.orgId,
    actorUserId: b.userId,
    form: { listingId, quantity, unit: unit as 'kg', tolerancePercent },
  });
}

// A larger pool for this file (read lazily on first use), so the 100 buyers below really race.
process.env.DATABASE_POOL_MAX = '40';

let shrimpSeller: Seller;

beforeAll(async () => {
  shrimpSeller = await verifiedSeller(db);
});

describe('buy now', () => {
  it('creates the order at the tier price and reserves the stock in one step, with an unpaid-expiry job', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '1000');
    const b = await buyerOrg();
    const result = await buy(b, lot, '500');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [order] = await db.select().from(orders).where(eq(orders.id, result.orderId));
    expect(order).toMatchObject({
      status: 'pending_payment',
      quantity: 500_000,
      unitPriceFen: 4200,
      perBase: 1000,
      subtotalFen: 2_100_000,
      toleranceBps: 300,
      provider: 'offline',
    });
    const [listing] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(listing.quantityAvailable).toBe(500_000);
    const jobs = await db.select().from(outbox).where(eq(outbox.name, 'expire-unpaid'));
    expect(
      jobs.some((j) => (j.payload as { orderId: string }).orderId === order.id && j.runAt !== null),
    ).toBe(true);
  });

  it.each([
    ['below the minimum order', '0.2', 'kg', 'quantity', 'orders.errors.belowMoq'],
    ['more than is available', '1001', 'kg', 'quantity', 'listing.errors.insufficientStock'],
    ['a negative quantity', '-5', 'kg', 'quantity', 'errors.mustBePositive'],
    ['pieces of a lot sold by weight', '10', 'piece', 'quantity', 'errors.wrongUnit'],
  ])('refuses %s and changes nothing', async (_label, quantity, unit, field, key) => {
    const lot = await liveShrimpLot(db, shrimpSeller, '1000');
    const b = await buyerOrg();
    const result = await buy(b, lot, quantity, unit);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[field]).toBe(key);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    const [listing] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(listing.quantityAvailable).toBe(1_000_000);
    expect(await db.select().from(orders).where(eq(orders.listingId, lot))).toHaveLength(0);
  });

  it('refuses a seller buying its own lot', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '10');
    const result = await placeBuyNow({
      buyerOrgId: shrimpSeller.orgId,
      actorUserId: shrimpSeller.userId,
      form: { listingId: lot, quantity: '1', unit: 'kg', tolerancePercent: 0 },
    });
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it('gives the last unit to exactly one of 100 concurrent buyers', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '1');
    await db.update(listings).set({ minOrderQuantity: 1000 }).where(eq(listings.id, lot));
    const buyers = await Promise.all(Array.from({ length: 100 }, () => buyerOrg()));
    const results = await Promise.all(buyers.map((b) => buy(b, lot, '1')));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(
      results
        .filter((r) => !r.ok)
        .every((r) => !r.ok && r.errors.quantity === 'listing.errors.insufficientStock'),
    ).toBe(true);
    expect(await db.select().from(orders).where(eq(orders.listingId, lot))).toHaveLength(1);
    const [listing] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(listing).toMatchObject({ quantityAvailable: 0, status: 'sold_out' });
  });
});

describe('the offline flow with catch weight', () => {
  it('pays, ships, weighs 492 kg of 500, inspects, settles: seller paid for 492 kg less the fee, buyer refunded 8 kg', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '2000');
    const b = await buyerOrg();
    const placed = await buy(b, lot, '500');
    if (!placed.ok) throw new Error('buy failed');
    const id = placed.orderId;

    await actOnOrder(id, operator, { action: 'record_payment', reference: 'ICBC 20261128-001' });
    expect((await balances(db, null)).find((x) => x.kind === 'escrow')?.amount).toBeGreaterThanOrEqual(
      2_100_000,
    );
    await actOnOrder(id, seller(shrimpSeller), { action: 'ship' });
    const weighed = await actOnOrder(id, seller(shrimpSeller), {
      action: 'record_weight',
      quantity: '492',
      unit: 'kg',
    });
    expect(weighed).toMatchObject({ deliveredQuantity: 492_000, finalTotalFen: 2_066_400 });
    const delivered = await actOnOrder(id, buyer(b), { action: 'confirm_delivery' });
    expect(delivered.status).toBe('delivered');
    expect(delivered.inspectionEndsAt).not.toBeNull();

    // Too early: the release job leaves the order alone and asks to be retried.
    await expect(processSettlementJob({ name: 'release-escrow', data: { orderId: id } })).rejects.toThrow(
      OrderError,
    );
    await db
      .update(orders)
      .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
      .where(eq(orders.id, id));
    expect(await processSettlementJob({ name: 'release-escrow', data: { orderId: id } })).toEqual({
      completed: true,
    });
    // Run twice, as a retried job would: nothing changes the second time.
    expect(await processSettlementJob({ name: 'release-escrow', data: { orderId: id } })).toEqual({
      completed: false,
    });

    const [order] = await db.select().from(orders).where(eq(orders.id, id));
    expect(order.status).toBe('completed');
    const sellerAvailable =
      (await balances(db, shrimpSeller.orgId)).find((x) => x.kind === 'available')?.amount ?? 0;
    // 492 kg × ¥42 = ¥20,664.00; fee 150 bp = ¥309.96; the seller gets ¥20,354.04.
    expect(sellerAvailable).toBeGreaterThanOrEqual(2_035_404);
    const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, id));
    expect(invoice).toMatchObject({ totalFen: 2_066_400, feeFen: 30_996 });
    const refundJobs = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'settlement'), eq(outbox.name, 'refund')));
    expect(refundJobs.some((j) => (j.payload as { orderId: string }).orderId === id)).toBe(true);

    await recordOfflinePayout(id, shrimpSeller.userId, 'BOC 889');
    // A second submission changes nothing and says why (tests/integration/guards.test.ts races 20).
    await expect(recordOfflinePayout(id, shrimpSeller.userId, 'BOC 889')).rejects.toMatchObject({
      messageKey: 'orders.errors.payoutAlreadyRecorded',
      status: 409,
    });
    const events = await db.select().from(orderEvents).where(eq(orderEvents.orderId, id));
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        'created',
        'record_payment',
        'ship',
        'record_weight',
        'confirm_delivery',
        'complete',
      ]),
    );
  });

  it('numbers each seller’s invoices without gaps, even when orders settle at once', async () => {
    const s = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, s, '100');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const placed = await buy(await buyerOrg(), lot, '1');
      if (!placed.ok) throw new Error('buy failed');
      ids.push(placed.orderId);
      await actOnOrder(placed.orderId, operator, { action: 'record_payment' });
      await actOnOrder(placed.orderId, seller(s), { action: 'ship' });
      await actOnOrder(
        placed.orderId,
        { userId: null, parties: ['operator'] },
        { action: 'confirm_delivery' },
      );
    }
    await db
      .update(orders)
      .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
      .where(eq(orders.sellerOrgId, s.orgId));
    await Promise.all(
      ids.map((orderId) => processSettlementJob({ name: 'release-escrow', data: { orderId } })),
    );
    const numbers = (
      await db.select({ n: invoices.number }).from(invoices).where(eq(invoices.sellerOrgId, s.orgId))
    )
      .map((r) => r.n)
      .sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('refusals', () => {
  it('refuses the wrong party and the wrong state with a 4xx and a message, changing nothing', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '100');
    const b = await buyerOrg();
    const placed = await buy(b, lot, '10');
    if (!placed.ok) throw new Error('buy failed');
    const id = placed.orderId;
    await actOnOrder(id, operator, { action: 'record_payment' });
    // A buyer marking its own order shipped.
    await expect(actOnOrder(id, buyer(b), { action: 'ship' })).rejects.toMatchObject({
      messageKey: 'orders.errors.wrongParty',
      status: 403,
    });
    // Cancelling a paid order.
    await expect(actOnOrder(id, buyer(b), { action: 'cancel' })).rejects.toMatchObject({
      messageKey: 'orders.errors.wrongState',
      status: 409,
    });
    const [order] = await db.select().from(orders).where(eq(orders.id, id));
    expect(order.status).toBe('paid');
  });

  it('refuses paying a cancelled order', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '100');
    const b = await buyerOrg();
    const placed = await buy(b, lot, '10');
    if (!placed.ok) throw new Error('buy failed');
    await actOnOrder(placed.orderId, buyer(b), { action: 'cancel', reason: '下错单' });
    const [listing] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(listing.quantityAvailable).toBe(100_000);
    await expect(actOnOrder(placed.orderId, operator, { action: 'record_payment' })).rejects.toMatchObject({
      status: 409,
    });
  });

  it('cancels an order still unpaid when its expiry job runs, once', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '100');
    const b = await buyerOrg();
    const placed = await buy(b, lot, '40');
    if (!placed.ok) throw new Error('buy failed');
    expect(await processOrderJob({ name: 'expire-unpaid', data: { orderId: placed.orderId } })).toEqual({
      cancelled: true,
    });
    expect(await processOrderJob({ name: 'expire-unpaid', data: { orderId: placed.orderId } })).toEqual({
      cancelled: false,
    });
    const [listing] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(listing.quantityAvailable).toBe(100_000);
  });

  it('lets the buyer dispute within the window, and the operator resolve with a partial refund', async () => {
    const lot = await liveShrimpLot(db, shrimpSeller, '100');
    const b = await buyerOrg();
    const placed = await buy(b, lot, '10');
    if (!placed.ok) throw new Error('buy failed');
    const id = placed.orderId;
    await actOnOrder(id, operator, { action: 'record_payment' });
    await actOnOrder(id, seller(shrimpSeller), { action: 'ship' });
    await actOnOrder(id, buyer(b), { action: 'confirm_delivery' });
    await expect(actOnOrder(id, buyer(b), { action: 'open_dispute', reason: '短' })).rejects.toMatchObject({
      status: 400,
    });
    await actOnOrder(id, buyer(b), { action: 'open_dispute', reason: '到货有三成死虾，附照片' });
    await expect(
      actOnOrder(id, operator, {
        action: 'resolve_dispute',
        outcome: 'refund_partial',
        refund: '999999',
        resolution: '按死虾比例退款',
      }),
    ).rejects.toMatchObject({ messageKey: 'orders.errors.refundInvalid' });
    const resolved = await actOnOrder(id, operator, {
      action: 'resolve_dispute',
      outcome: 'refund_partial',
      refund: '126',
      resolution: '按死虾比例退款三成',
    });
    expect(resolved.status).toBe('resolved');
    // The release job that was waiting for the window now finds a resolved order and does nothing.
    expect(await processSettlementJob({ name: 'release-escrow', data: { orderId: id } })).toEqual({
      completed: false,
    });
  });
});
