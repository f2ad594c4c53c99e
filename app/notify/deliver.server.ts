// Fan-out and delivery: an event becomes one delivery row per (recipient, channel), each sent by a job of
// its own; a failed e-mail or webhook is retried with exponential backoff, a sent one is never sent again.
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { db, type DbOrTx, type Tx } from '../../db/client';
import {
  type MemberRole,
  type NotificationDelivery,
  type NotificationEvent,
  memberships,
  notificationDeliveries,
  notificationDigestItems,
  notificationEvents,
  orgWebhooks,
  users,
  webhookAttempts,
} from '../../db/schema';
import { roleAtLeast } from '../lib/auth.server';
import { env } from '../lib/env.server';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../lib/i18n';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { NOTIFICATION_TYPES, isNotificationType } from './catalogue';
import { addToInbox, announceInbox } from './inbox.server';
import { appOrigin, composeMail, sendMail } from './mail.server';
import { channelsFor } from './preferences.server';
import { type Params, renderNotification } from './render';
import { postSigned } from './webhooks.server';

/** The users an event is for: its listed users, or its org's members with at least its minimum role. */
export async function recipientsOf(tx: DbOrTx, event: NotificationEvent): Promise<string[]> {
  if (event.userIds?.length) {
    const rows = await tx.select({ id: users.id }).from(users).where(inArray(users.id, event.userIds));
    return rows.map((row) => row.id);
  }
  if (!event.orgId) return [];
  const rows = await tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.orgId, event.orgId));
  const minRole = (event.minRole ?? 'viewer') as MemberRole;
  return rows.filter((row) => roleAtLeast(row.role, minRole)).map((row) => row.userId);
}

/**
 * Resolves recipients and their preferences and writes the deliveries with their jobs in one
 * transaction. Running it twice inserts nothing new (the unique key) and so enqueues nothing twice.
 * Returns the ids of the deliveries this run created.
 */
export async function fanOut(eventId: string): Promise<string[] | null> {
  return db.transaction(async (tx) => {
    const [event] = await tx.select().from(notificationEvents).where(eq(notificationEvents.id, eventId));
    if (!event) return null;
    const rows: (typeof notificationDeliveries.$inferInsert)[] = [];
    const digestItems: (typeof notificationDigestItems.$inferInsert)[] = [];
    const userIds = await recipientsOf(tx, event);
    const type = isNotificationType(event.type) ? event.type : null;
    const choices = type ? await channelsFor(tx, userIds, type) : null;
    for (const userId of userIds) {
      // A type outside the catalogue (an old event after a rename) still reaches the inbox.
      const choice = choices?.get(userId) ?? { inbox: true, email: false, digest: false };
      const base = { eventId, recipient: userId, userId };
      if (choice.inbox) rows.push({ ...base, id: newId('dlv'), channel: 'inbox' });
      if (choice.digest) digestItems.push({ userId, eventId });
      else if (choice.email) rows.push({ ...base, id: newId('dlv'), channel: 'email' });
    }
    const priority = type ? NOTIFICATION_TYPES[type].priority : 'low';
    if (event.orgId && priority !== 'low') {
      const [hook] = await tx
        .select({ id: orgWebhooks.id })
        .from(orgWebhooks)
        .where(and(eq(orgWebhooks.orgId, event.orgId), eq(orgWebhooks.enabled, true)));
      if (hook)
        rows.push({ id: newId('dlv'), eventId, recipient: hook.id, webhookId: hook.id, channel: 'webhook' });
    }
    if (digestItems.length)
      await tx.insert(notificationDigestItems).values(digestItems).onConflictDoNothing();
    if (rows.length === 0) return [];
    const created = await tx
      .insert(notificationDeliveries)
      .values(rows)
      .onConflictDoNothing({
        target: [
          notificationDeliveries.eventId,
          notificationDeliveries.recipient,
          notificationDeliveries.channel,
        ],
      })
      .returning({ id: notificationDeliveries.id });
    for (const { id } of created) await enqueue(tx, 'notifications', 'deliver', { deliveryId: id });
    return created.map((row) => row.id);
  });
}

/** The wait before attempt `attempts + 1`: the base doubled per failure, at most an hour. */
export function retryDelayMs(attempts: number, base = env().NOTIFY_RETRY_BASE_MS): number {
  return Math.min(base * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** `final` marks a failure no retry can mend (the webhook was switched off, the recipient is gone). */
type Outcome = { ok: true } | { ok: false; error: string; final?: boolean };

export type DeliverResult = 'sent' | 'already' | 'retrying' | 'failed' | 'missing' | 'leased';

/**
 * How long a claimed delivery is left to the worker that claimed it. Longer than the slowest send
 * (SMTP: 10 s to connect + 10 s greeting + 20 s idle per step; webhooks: 10 s), so a live worker always
 * records before it passes; after it, a worker that died mid-send is taken to be gone.
 */
export const DELIVERY_LEASE_MS = 5 * 60_000;

type Claimed = { delivery: NotificationDelivery; leaseUntil: Date };

/**
 * Sends one delivery in three steps, none holding a connection during the send:
 *  1. claim: a conditional update (pending, no live lease) sets a lease and commits;
 *  2. send the e-mail or webhook outside any transaction;
 *  3. record the outcome in a second short transaction, only while the lease is still ours
 *     (`lease_until` is the claim's token), clearing the lease; a failure schedules the retry.
 * A job that runs twice at once finds the lease and comes back when it passes; a worker that dies between
 * 1 and 3 leaves the lease to expire, and the rescheduled job sends it then — at most one send per lease.
 * The inbox channel has no outside I/O and runs in one transaction, as before.
 */
export async function deliver(deliveryId: string): Promise<DeliverResult> {
  const claim = await claimDelivery(deliveryId);
  if (typeof claim === 'string') return claim;
  const { delivery } = claim;
  if (delivery.channel === 'inbox') return deliverToInbox(claim);
  const prepared =
    delivery.channel === 'email' ? await prepareMail(delivery) : await prepareWebhook(delivery);
  const outcome: Outcome = 'outcome' in prepared ? prepared.outcome : await prepared.send();
  return db.transaction(async (tx) => {
    const [still] = await tx
      .select({ attempts: notificationDeliveries.attempts })
      .from(notificationDeliveries)
      .where(
        and(
          eq(notificationDeliveries.id, delivery.id),
          eq(notificationDeliveries.status, 'pending'),
          eq(notificationDeliveries.leaseUntil, claim.leaseUntil),
        ),
      )
      .for('update');
    // Our lease passed and another worker took over (or finished): its record stands, not ours.
    if (!still) return 'already';
    if ('record' in prepared) await prepared.record?.(tx);
    return finish(tx, { id: delivery.id, attempts: still.attempts }, outcome, outcome.ok || !outcome.final);
  });
}

/** Step 1: the delivery with a fresh lease, or why there is nothing to send now. */
async function claimDelivery(deliveryId: string): Promise<Claimed | DeliverResult> {
  const leaseUntil = new Date(Date.now() + DELIVERY_LEASE_MS);
  const [delivery] = await db
    .update(notificationDeliveries)
    .set({ leaseUntil })
    .where(
      and(
        eq(notificationDeliveries.id, deliveryId),
        eq(notificationDeliveries.status, 'pending'),
        or(isNull(notificationDeliveries.leaseUntil), lt(notificationDeliveries.leaseUntil, sql`now()`)),
      ),
    )
    .returning();
  if (delivery) return { delivery, leaseUntil };
  const [row] = await db
    .select({ status: notificationDeliveries.status, leaseUntil: notificationDeliveries.leaseUntil })
    .from(notificationDeliveries)
    .where(eq(notificationDeliveries.id, deliveryId));
  if (!row) return 'missing';
  if (row.status !== 'pending' || !row.leaseUntil) return 'already';
  // Another worker holds it: look again when its lease passes, in case that worker died mid-send.
  await enqueue(
    db,
    'notifications',
    'deliver',
    { deliveryId },
    { runAt: new Date(row.leaseUntil.getTime() + 1000) },
  );
  return 'leased';
}

async function deliverToInbox({ delivery, leaseUntil }: Claimed): Promise<DeliverResult> {
  let announce: string | null = null;
  const result = await db.transaction(async (tx): Promise<DeliverResult> => {
    const [still] = await tx
      .select({ id: notificationDeliveries.id })
      .from(notificationDeliveries)
      .where(
        and(
          eq(notificationDeliveries.id, delivery.id),
          eq(notificationDeliveries.status, 'pending'),
          eq(notificationDeliveries.leaseUntil, leaseUntil),
        ),
      )
      .for('update');
    if (!still) return 'already';
    const [event] = delivery.eventId
      ? await tx.select().from(notificationEvents).where(eq(notificationEvents.id, delivery.eventId))
      : [null];
    if (!event || !delivery.userId) return finish(tx, delivery, { ok: false, error: 'event gone' }, false);
    await addToInbox(tx, {
      userId: delivery.userId,
      orgId: event.orgId,
      type: event.type,
      params: event.params as Params,
      link: event.link,
      // The key the first inbox-only worker used, so events raised before this change are not shown twice.
      dedupeKey: `${event.id}:${delivery.userId}:inbox`,
    });
    announce = delivery.userId;
    return finish(tx, delivery, { ok: true }, true);
  });
  if (announce) await announceInbox(db, announce).catch(() => {});
  return result;
}

async function finish(
  tx: Tx,
  delivery: Pick<NotificationDelivery, 'id' | 'attempts'>,
  outcome: Outcome,
  retryable: boolean,
): Promise<DeliverResult> {
  const attempts = delivery.attempts + 1;
  if (outcome.ok) {
    await tx
      .update(notificationDeliveries)
      .set({ status: 'sent', attempts, sentAt: new Date(), lastError: null, leaseUntil: null })
      .where(eq(notificationDeliveries.id, delivery.id));
    return 'sent';
  }
  const giveUp = !retryable || attempts >= env().NOTIFY_MAX_ATTEMPTS;
  await tx
    .update(notificationDeliveries)
    .set({
      status: giveUp ? 'failed' : 'pending',
      attempts,
      lastError: outcome.error.slice(0, 500),
      leaseUntil: null,
    })
    .where(eq(notificationDeliveries.id, delivery.id));
  if (giveUp) return 'failed';
  await enqueue(
    tx,
    'notifications',
    'deliver',
    { deliveryId: delivery.id },
    { runAt: new Date(Date.now() + retryDelayMs(attempts)) },
  );
  return 'retrying';
}

/** What step 2 does: an outcome known without sending, or a send plus what to record with its outcome. */
type Prepared = { outcome: Outcome } | { send: () => Promise<Outcome>; record?: (tx: Tx) => Promise<void> };

export function localeOf(value: string | null | undefined): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

async function prepareMail(delivery: NotificationDelivery): Promise<Prepared> {
  const [event] = delivery.eventId
    ? await db.select().from(notificationEvents).where(eq(notificationEvents.id, delivery.eventId))
    : [null];
  if (!event || !delivery.userId) return { outcome: { ok: false, error: 'event gone', final: true } };
  const [user] = await db
    .select({ email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(eq(users.id, delivery.userId));
  if (!user) return { outcome: { ok: false, error: 'recipient gone', final: true } };
  const locale = localeOf(user.locale);
  const text = renderNotification(locale, event.type, event.params as Params);
  const mail = composeMail({
    to: user.email,
    name: user.name,
    locale,
    subject: text.title,
    items: [{ ...text, link: event.link }],
  });
  const source = { id: delivery.id, userId: delivery.userId };
  return {
    async send() {
      try {
        // Without SMTP this writes the dev mailbox (once per delivery); with it, no connection is held.
        await sendMail(db, mail, source);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: (error as Error).message || 'SMTP error' };
      }
    },
  };
}

/** The JSON an org's gateway receives: ids, the type, its parameters and the text in both languages. */
export function webhookBody(
  delivery: Pick<NotificationDelivery, 'id'>,
  event: NotificationEvent | null,
  orgId: string,
) {
  const params = (event?.params ?? {}) as Params;
  const type = event?.type ?? 'test';
  const text = event
    ? {
        'zh-CN': renderNotification('zh-CN', type, params),
        en: renderNotification('en', type, params),
      }
    : {
        'zh-CN': { title: '码头 Webhook 测试', body: '收到这条消息说明签名和地址都设置好了。' },
        en: { title: 'Wharf webhook test', body: 'If you can read this, the URL and the signature work.' },
      };
  return JSON.stringify({
    id: delivery.id,
    type,
    test: !event,
    orgId,
    eventId: event?.id ?? null,
    createdAt: (event?.createdAt ?? new Date()).toISOString(),
    link: event?.link ? `${appOrigin()}${event.link}` : null,
    params,
    text,
  });
}

async function prepareWebhook(delivery: NotificationDelivery): Promise<Prepared> {
  if (!delivery.webhookId) return { outcome: { ok: false, error: 'no webhook' } };
  // The current URL and secret: a rotated secret or a corrected URL applies to retries too.
  const [hook] = await db.select().from(orgWebhooks).where(eq(orgWebhooks.id, delivery.webhookId));
  if (!hook) return { outcome: { ok: false, error: 'webhook removed', final: true } };
  if (!hook.enabled) return { outcome: { ok: false, error: 'webhook switched off', final: true } };
  const [event] = delivery.eventId
    ? await db.select().from(notificationEvents).where(eq(notificationEvents.id, delivery.eventId))
    : [null];
  const body = webhookBody(delivery, event ?? null, hook.orgId);
  let result: Awaited<ReturnType<typeof postSigned>> | undefined;
  return {
    async send() {
      result = await postSigned(hook.url, hook.secret, delivery.id, body);
      return result.error ? { ok: false, error: result.error } : { ok: true };
    },
    async record(tx) {
      if (!result) return;
      await tx.insert(webhookAttempts).values({
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
      });
    },
  };
}

/** The "send test" button: a delivery without an event, to the org's webhook, through the same path. */
export async function queueWebhookTest(tx: DbOrTx, orgId: string): Promise<string | null> {
  const [hook] = await tx
    .select({ id: orgWebhooks.id })
    .from(orgWebhooks)
    .where(eq(orgWebhooks.orgId, orgId));
  if (!hook) return null;
  const id = newId('dlv');
  await tx
    .insert(notificationDeliveries)
    .values({ id, eventId: null, recipient: hook.id, webhookId: hook.id, channel: 'webhook' });
  await enqueue(tx, 'notifications', 'deliver', { deliveryId: id });
  return id;
}

/** The webhook's delivery log, newest first, with every attempt. */
export async function webhookLog(tx: DbOrTx, webhookId: string, limit = 30) {
  const deliveries = await tx
    .select({ delivery: notificationDeliveries, type: notificationEvents.type })
    .from(notificationDeliveries)
    .leftJoin(notificationEvents, eq(notificationEvents.id, notificationDeliveries.eventId))
    .where(eq(notificationDeliveries.webhookId, webhookId))
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(limit);
  const ids = deliveries.map((row) => row.delivery.id);
  const attempts = ids.length
    ? await tx
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, ids))
        .orderBy(webhookAttempts.deliveryId, webhookAttempts.attempt)
    : [];
  return deliveries.map(({ delivery, type }) => ({
    ...delivery,
    type: type ?? null,
    attempts: attempts.filter((attempt) => attempt.deliveryId === delivery.id),
  }));
}
