// E-mail through a real SMTP server: in the recipient's language, once even when a job runs twice,
// retried after the server refuses, switched off by preference, and gathered into the daily digest.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../support/notify-receivers';

// Before anything reads the configuration: mail goes to this file's own SMTP server, retries are quick.
const smtp = await startSmtpServer();
process.env.SMTP_URL = smtp.url;
process.env.NOTIFY_RETRY_BASE_MS = '100';

const { db } = await import('../../db/client');
const { memberships, notificationDeliveries, notifications, users } = await import('../../db/schema');
const { newId } = await import('../../app/lib/ids');
const { notify } = await import('../../app/notify/notify.server');
const { savePreferences } = await import('../../app/notify/preferences.server');
const { gatherDigests, sendDigest } = await import('../../app/notify/digest.server');
const { processNotification } = await import('../../workers/notifications');
const { buyerOrg, liveShrimpLot, verifiedSeller } = await import('../support/listings');
const { createAuction } = await import('../../app/auctions/auctions.server');
const { placeBid } = await import('../../app/auctions/bidding.server');
const { payInDeposit } = await import('../../app/auctions/deposits.server');
const { listings, notificationEvents } = await import('../../db/schema');
const { startWorker, stopAllWorkers, waitFor: waitForAt } = await import('../support/worker-process');

/** A worker process takes a while to start on a busy machine: wait longer than the helper's default. */
const waitFor: typeof waitForAt = (what, probe, options) =>
  waitForAt(what, probe, { timeoutMs: 45_000, ...options });

afterEach(stopAllWorkers);
afterAll(() => smtp.close());

async function member(orgId: string, locale: 'zh-CN' | 'en', role: 'trader' | 'viewer' = 'trader') {
  const id = newId('usr');
  const email = `${id}@example.test`;
  await db
    .insert(users)
    .values({ id, email, name: locale === 'en' ? 'Lee' : '李经理', passwordHash: 'x', locale });
  await db.insert(memberships).values({ orgId, userId: id, role });
  return { id, email };
}

const raiseOrderPaid = (orgId: string, order = 'A1B2C3D4') =>
  db.transaction((tx) =>
    notify(tx, {
      type: 'order-paid',
      orgId,
      minRole: 'trader',
      params: { order, amount: '¥4,200.00' },
      link: `/orders/ord_${order}`,
    }),
  );

const deliveriesOf = (eventId: string, channel: string) =>
  db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.eventId, eventId), eq(notificationDeliveries.channel, channel)));

const inboxOf = (userId: string, type: string) =>
  db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type)));

describe('notification e-mail', () => {
  it('reaches each member in its own language through the worker', async () => {
    const org = await buyerOrg();
    const english = await member(org.orgId, 'en');
    const chinese = await member(org.orgId, 'zh-CN');
    const viewer = await member(org.orgId, 'zh-CN', 'viewer');
    await raiseOrderPaid(org.orgId, 'WORKER01');
    startWorker();
    await waitFor(
      'both e-mails',
      async () => smtp.to(english.email).length + smtp.to(chinese.email).length === 2,
    );

    const [en] = smtp.to(english.email);
    expect(en.subject).toBe('Order paid, funds in escrow');
    expect(en.text).toContain('Order WORKER01 is paid (¥4,200.00)');
    expect(en.text).toContain('Hello Lee,');
    expect(en.html).toContain('<html lang="en">');
    expect(en.headers['content-language']).toBe('en');
    const [zh] = smtp.to(chinese.email);
    expect(zh.subject).toBe('订单已付款，货款托管中');
    expect(zh.text).toContain('订单 WORKER01 已付款 ¥4,200.00');
    expect(zh.html).toContain('在码头查看');
    // Below the event's minimum role: told by nobody.
    expect(smtp.to(viewer.email)).toHaveLength(0);
    await waitFor(
      'the inbox entries too',
      async () => (await inboxOf(english.id, 'order-paid')).length === 1,
    );
  });

  it('sends once even when the fan-out and the delivery jobs run twice', async () => {
    const org = await buyerOrg();
    const english = await member(org.orgId, 'en');
    const eventId = (await raiseOrderPaid(org.orgId, 'TWICE001')) as string;
    const run = (name: string, data: Record<string, string>) =>
      processNotification({ id: `test-${name}-${Math.random()}`, name, data });

    expect(await run('event', { eventId })).toEqual({ deliveries: 4 });
    // The second fan-out finds every delivery already written and creates (and enqueues) none.
    expect(await run('event', { eventId })).toEqual({ deliveries: 0 });
    const [mail] = await deliveriesOf(eventId, 'email').then((rows) =>
      rows.filter((r) => r.userId === english.id),
    );
    // Two copies of the job at the same moment, then a late third: the claim's lease and the status send
    // one (the copy that found the lease looks again when it passes, and then finds it sent).
    const results = await Promise.all([
      run('deliver', { deliveryId: mail.id }),
      run('deliver', { deliveryId: mail.id }),
    ]);
    expect(results.map((r) => (r as { result: string }).result).sort()).toEqual(['leased', 'sent']);
    expect(await run('deliver', { deliveryId: mail.id })).toEqual({ result: 'already' });
    expect(smtp.to(english.email)).toHaveLength(1);
    const [row] = await deliveriesOf(eventId, 'email').then((rows) =>
      rows.filter((r) => r.userId === english.id),
    );
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('keeps a notification the SMTP server refused and sends it on a later attempt', async () => {
    const org = await buyerOrg();
    const english = await member(org.orgId, 'en');
    smtp.refuse(english.email, 2);
    const eventId = (await raiseOrderPaid(org.orgId, 'RETRY001')) as string;
    startWorker();
    const row = await waitFor('the delivery sent after two refusals', async () => {
      const rows = await deliveriesOf(eventId, 'email');
      return rows.find((r) => r.userId === english.id && r.status === 'sent');
    });
    expect(row.attempts).toBe(3);
    expect(smtp.to(english.email)).toHaveLength(1);
    expect(smtp.to(english.email)[0].subject).toBe('Order paid, funds in escrow');
  });

  it('stops the e-mails of a type turned off, but not its inbox entries', async () => {
    const org = await buyerOrg();
    const quiet = await member(org.orgId, 'zh-CN');
    await savePreferences(db, quiet.id, [{ type: 'order-paid', channel: 'email', enabled: false }]);
    const eventId = (await raiseOrderPaid(org.orgId, 'QUIET001')) as string;
    startWorker();
    await waitFor('the inbox entry', async () => (await inboxOf(quiet.id, 'order-paid')).length === 1);
    const [other] = await db.select({ email: users.email }).from(users).where(eq(users.id, org.userId));
    await waitFor('the member who kept e-mail is mailed', async () => smtp.to(other.email).length === 1);
    const mails = await deliveriesOf(eventId, 'email');
    expect(mails.map((m) => m.userId)).toEqual([org.userId]);
    expect(smtp.to(quiet.email)).toHaveLength(0);
  });

  it('tells an English reader who was outbid in English, the price formatted for English', async () => {
    const seller = await verifiedSeller(db);
    const lotId = await liveShrimpLot(db, seller, '100');
    // The seller gave the lot an English title too: English readers see it.
    await db.update(listings).set({ titleEn: 'Whiteleg shrimp 40/50, live' }).where(eq(listings.id, lotId));
    const now = Date.now();
    const auctionId = await db.transaction((tx) =>
      createAuction(tx, {
        listingId: lotId,
        sellerOrgId: seller.orgId,
        userId: seller.userId,
        type: 'english',
        quantity: 100_000,
        priceUnit: 'kg',
        startPriceFen: 3_000,
        reservePriceFen: null,
        startsAt: new Date(now - 1_000),
        endsAt: new Date(now + 600_000),
      }),
    );
    const first = await buyerOrg();
    const second = await buyerOrg();
    for (const org of [first, second])
      await db.transaction((tx) =>
        payInDeposit(tx, { orgId: org.orgId, amountFen: 100_000_000, reference: 'test' }),
      );
    const english = await member(first.orgId, 'en');
    const chinese = await member(first.orgId, 'zh-CN');
    const bid = (org: typeof first, amountFen: number) =>
      placeBid({ auctionId, orgId: org.orgId, userId: org.userId, kind: 'manual', amountFen });
    expect((await bid(first, 3_000)).ok).toBe(true);
    expect((await bid(second, 3_050)).ok).toBe(true);

    const [event] = await db
      .select({ id: notificationEvents.id })
      .from(notificationEvents)
      .where(and(eq(notificationEvents.type, 'outbid'), eq(notificationEvents.subjectId, auctionId)));
    const run = (name: string, data: Record<string, string>) =>
      processNotification({ id: `test-${name}-${Math.random()}`, name, data });
    await run('event', { eventId: event.id });
    for (const delivery of await deliveriesOf(event.id, 'email'))
      await run('deliver', { deliveryId: delivery.id });

    const [en] = smtp.to(english.email);
    expect(en.subject).toBe('You have been outbid');
    expect(en.text).toContain('Hello Lee,');
    expect(en.text).toContain('The highest bid on “Whiteleg shrimp 40/50, live” is now CN¥30.50/kg.');
    expect(en.html).toContain('CN¥30.50/kg');
    expect(en.from).toMatch(/^"?Wharf"? <no-reply@wharf\.test>$/);
    // English through and through: not one Chinese character in what the reader sees.
    const han = /\p{Script=Han}/u;
    for (const part of [en.subject, en.text, en.html, en.from]) expect(part).not.toMatch(han);

    const [zh] = smtp.to(chinese.email);
    expect(zh.subject).toBe('你的出价被超过了');
    expect(zh.text).toContain('“南美白对虾 40/50 头 鲜活”当前最高价已到 ¥30.50/公斤');
    expect(zh.from).toMatch(/^"?码头"? <no-reply@wharf\.test>$/);
  });

  it('gathers low-priority notifications into one daily digest e-mail', async () => {
    const org = await buyerOrg();
    const digestReader = await member(org.orgId, 'en');
    await savePreferences(db, digestReader.id, [
      { type: 'demand-matched', channel: 'digest', enabled: true },
    ]);
    for (const listing of ['Shrimp 40/50', 'Oysters No. 2']) {
      const eventId = await db.transaction((tx) =>
        notify(tx, {
          type: 'demand-matched',
          userIds: [digestReader.id],
          params: { demand: 'Live shrimp 2 t', listing, score: 91 },
          link: '/demands',
        }),
      );
      await processNotification({ id: newId('job'), name: 'event', data: { eventId: eventId as string } });
    }
    // Low priority: no e-mail of its own, but the inbox has both.
    expect(smtp.to(digestReader.email)).toHaveLength(0);
    const queued = await gatherDigests();
    expect(queued).toBeGreaterThanOrEqual(1);
    expect(await gatherDigests()).toBe(0);
    const { notificationDigests } = await import('../../db/schema');
    const [digest] = await db
      .select()
      .from(notificationDigests)
      .where(eq(notificationDigests.userId, digestReader.id));
    expect(await sendDigest(digest.id)).toBe('sent');
    expect(await sendDigest(digest.id)).toBe('already');
    const mails = smtp.to(digestReader.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Wharf daily digest: 2 reminders');
    expect(mails[0].text).toContain('Shrimp 40/50');
    expect(mails[0].text).toContain('Oysters No. 2');
  });
});
