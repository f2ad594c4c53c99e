// notify(): an event raised in a business transaction reaches each recipient's inbox once; a dedupe key raises it
// once; order events tell the right side.
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { memberships, notificationEvents, notifications, users } from '../../db/schema';
import { newId } from '../../app/lib/ids';
import { notify } from '../../app/notify/notify.server';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { startWorker, stopAllWorkers, waitFor } from '../support/worker-process';

afterEach(stopAllWorkers);

const inboxOf = (userId: string, type: string) =>
  db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type)));

describe('notify', () => {
  it('delivers to the org members with at least the minimum role, once each', async () => {
    const org = await buyerOrg();
    const viewerId = newId('usr');
    await db
      .insert(users)
      .values({ id: viewerId, email: `${viewerId}@example.test`, name: '旁观者', passwordHash: 'x' });
    await db.insert(memberships).values({ orgId: org.orgId, userId: viewerId, role: 'viewer' });

    await db.transaction((tx) =>
      notify(tx, {
        type: 'order-paid',
        orgId: org.orgId,
        minRole: 'trader',
        params: { order: 'ord_x', amount: '¥1.00' },
        link: '/orders/ord_x',
      }),
    );
    startWorker();
    await waitFor('the trader is told', async () => (await inboxOf(org.userId, 'order-paid')).length === 1);
    expect(await inboxOf(viewerId, 'order-paid')).toHaveLength(0);
  });

  it('raises an event with a dedupe key only once', async () => {
    const org = await buyerOrg();
    const raise = () =>
      db.transaction((tx) =>
        notify(tx, {
          type: 'demand-matched',
          userIds: [org.userId],
          params: { demand: 'd', listing: 'l', score: 80 },
          dedupeKey: `match:${org.orgId}:once`,
        }),
      );
    expect(await raise()).not.toBeNull();
    expect(await raise()).toBeNull();
    const rows = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.dedupeKey, `match:${org.orgId}:once`));
    expect(rows).toHaveLength(1);
  });

  it('refuses an event whose template parameters are missing', async () => {
    const org = await buyerOrg();
    await expect(
      db.transaction((tx) => notify(tx, { type: 'order-paid', orgId: org.orgId, params: { order: 'x' } })),
    ).rejects.toThrow(/missing params amount/);
  });
});

describe('order events', () => {
  it('tell the seller of a new order, both sides of its payment, the buyer of shipping and weighing', async () => {
    const seller = await verifiedSeller(db);
    const buyer = await buyerOrg();
    const lot = await liveShrimpLot(db, seller, '1000');
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lot, quantity: '100', unit: 'kg', tolerancePercent: 5 },
    });
    if (!placed.ok) throw new Error('buy failed');
    const orderId = placed.orderId;
    await actOnOrder(orderId, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
    await actOnOrder(orderId, { userId: seller.userId, parties: ['seller'] }, { action: 'ship' });
    await actOnOrder(
      orderId,
      { userId: seller.userId, parties: ['seller'] },
      { action: 'record_weight', quantity: '98', unit: 'kg' },
    );
    const raised = await db
      .select({
        type: notificationEvents.type,
        orgId: notificationEvents.orgId,
        params: notificationEvents.params,
      })
      .from(notificationEvents)
      .where(and(eq(notificationEvents.subjectType, 'order'), eq(notificationEvents.subjectId, orderId)))
      .orderBy(notificationEvents.id);
    const short = orderId.slice(-8).toUpperCase();
    expect(raised.map((e) => [e.type, e.orgId === seller.orgId ? 'seller' : 'buyer'])).toEqual([
      ['order-placed', 'seller'],
      ['order-paid', 'seller'],
      ['order-paid', 'buyer'],
      ['order-shipped', 'buyer'],
      ['catch-weight-adjusted', 'buyer'],
    ]);
    expect(raised[0].params).toMatchObject({ order: short, listing: '南美白对虾 40/50 头 鲜活' });
    expect(raised[1].params).toMatchObject({
      order: short,
      amount: { fen: expect.any(Number), currency: 'CNY' },
    });
    startWorker();
    await waitFor(
      'the buyer told of the shipping',
      async () => (await inboxOf(buyer.userId, 'order-shipped')).length === 1,
    );
    await waitFor(
      'the seller told of the order',
      async () => (await inboxOf(seller.userId, 'order-placed')).length === 1,
    );
    expect(await inboxOf(seller.userId, 'order-shipped')).toHaveLength(0);
  });
});
