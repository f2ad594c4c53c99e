// Outbound I/O outside transactions: deliveries stuck on a slow SMTP server hold no database connection,
// a delivery is sent once per lease even when its job runs twice, and one left by a dead worker is sent
// again after its lease passes.
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../support/notify-receivers';

// Before anything reads the configuration: this file's SMTP server, and the production pool size.
const smtp = await startSmtpServer();
process.env.SMTP_URL = smtp.url;
process.env.DATABASE_POOL_MAX = '10';

const { db } = await import('../../db/client');
const { memberships, notificationDeliveries, users } = await import('../../db/schema');
const { newId } = await import('../../app/lib/ids');
const { notify } = await import('../../app/notify/notify.server');
const { deliver, fanOut, DELIVERY_LEASE_MS } = await import('../../app/notify/deliver.server');
const { buyerOrg } = await import('../support/listings');

afterAll(() => smtp.close());

/** An org with `n` traders, and an order-paid event for them fanned out into e-mail deliveries. */
async function emailDeliveries(n: number) {
  const org = await buyerOrg();
  const emails: string[] = [];
  const userIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId('usr');
    const email = `${id}@example.test`;
    emails.push(email);
    userIds.push(id);
    await db.insert(users).values({ id, email, name: 'Lee', passwordHash: 'x', locale: 'en' });
    await db.insert(memberships).values({ orgId: org.orgId, userId: id, role: 'trader' });
  }
  const eventId = await db.transaction((tx) =>
    notify(tx, {
      type: 'order-paid',
      orgId: org.orgId,
      minRole: 'trader',
      params: { order: 'SLOW0001', amount: '¥4,200.00' },
      link: '/orders/ord_SLOW0001',
    }),
  );
  const created = (await fanOut(eventId as string)) ?? [];
  const ids = (
    await db
      .select({
        id: notificationDeliveries.id,
        channel: notificationDeliveries.channel,
        userId: notificationDeliveries.userId,
      })
      .from(notificationDeliveries)
      .where(inArray(notificationDeliveries.id, created))
  )
    .filter((row) => row.channel === 'email' && userIds.includes(row.userId ?? ''))
    .sort((a, b) => userIds.indexOf(a.userId ?? '') - userIds.indexOf(b.userId ?? ''))
    .map((row) => row.id);
  return { ids, emails };
}

describe('e-mail delivery against a slow SMTP server', () => {
  it('holds no database connection while it waits: a query on the same pool answers at once', async () => {
    const { ids, emails } = await emailDeliveries(12); // more than the pool of 10
    expect(ids).toHaveLength(12);
    smtp.answerAfter(10_000);
    try {
      const sending = Promise.all(ids.map((id) => deliver(id)));
      // Let every delivery claim its row and reach the SMTP server.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const started = performance.now();
      await db.execute(sql`select count(*) from notification_deliveries`);
      const queryMs = performance.now() - started;
      // A second job for the same delivery while the first is still sending: no second mail.
      expect(await deliver(ids[0] as string)).toBe('leased');
      const results = await sending;
      expect(queryMs).toBeLessThan(1_000);
      expect(results.every((result) => result === 'sent')).toBe(true);
      for (const email of emails) expect(smtp.to(email)).toHaveLength(1);
      const rows = await db
        .select()
        .from(notificationDeliveries)
        .where(inArray(notificationDeliveries.id, ids));
      for (const row of rows) {
        expect(row.status).toBe('sent');
        expect(row.attempts).toBe(1);
        expect(row.leaseUntil).toBeNull();
      }
    } finally {
      smtp.answerAfter(0);
    }
  }, 60_000);

  it('leaves a claimed delivery alone until its lease passes, then sends it once', async () => {
    const { ids, emails } = await emailDeliveries(1);
    const id = ids[0] as string;
    // A worker claimed it and died before recording anything.
    await db
      .update(notificationDeliveries)
      .set({ leaseUntil: new Date(Date.now() + DELIVERY_LEASE_MS) })
      .where(eq(notificationDeliveries.id, id));
    expect(await deliver(id)).toBe('leased');
    expect(smtp.to(emails[0] as string)).toHaveLength(0);

    await db
      .update(notificationDeliveries)
      .set({ leaseUntil: new Date(Date.now() - 1_000) })
      .where(eq(notificationDeliveries.id, id));
    expect(await deliver(id)).toBe('sent');
    expect(await deliver(id)).toBe('already');
    expect(smtp.to(emails[0] as string)).toHaveLength(1);
  });

  it('does not record over a worker that took the delivery after this one lost its lease', async () => {
    const { ids, emails } = await emailDeliveries(1);
    const id = ids[0] as string;
    smtp.answerAfter(1_500);
    try {
      const slow = deliver(id);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Meanwhile its lease is taken to have passed and another worker holds a new one.
      const other = new Date(Date.now() + DELIVERY_LEASE_MS);
      await db
        .update(notificationDeliveries)
        .set({ leaseUntil: other })
        .where(eq(notificationDeliveries.id, id));
      expect(await slow).toBe('already');
      const [row] = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id));
      expect(row?.status).toBe('pending');
      expect(row?.attempts).toBe(0);
      expect(row?.leaseUntil?.getTime()).toBe(other.getTime());
      expect(smtp.to(emails[0] as string)).toHaveLength(1);
    } finally {
      smtp.answerAfter(0);
    }
  });
});
