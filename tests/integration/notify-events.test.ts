// notify(): an event raised in a business transaction reaches each recipient's inbox once; a dedupe key raises it once.
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { memberships, notificationEvents, notifications, users } from '../../db/schema';
import { newId } from '../../app/lib/ids';
import { notify } from '../../app/notify/notify.server';
import { buyerOrg } from '../support/listings';
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
