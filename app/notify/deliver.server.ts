// Fan-out and delivery: an event becomes one delivery row per (recipient, channel), each sent by a job of
// its own; a failed e-mail or webhook is retried with exponential backoff, a sent one is never sent again.
import { and, desc, eq, inArray } from 'drizzle-orm';
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

export type DeliverResult = 'sent' | 'already' | 'retrying' | 'failed' | 'missing';

/**
 * Sends one delivery. The row is locked for the whole send, so a job that runs twice at once waits and
 * then finds it sent; a failure records the attempt and schedules the next one through the outbox.
 */
export async function deliver(deliveryId: string): Promise<DeliverResult> {
  let announce: string | null = null;
  const result = await db.transaction(async (tx): Promise<DeliverResult> => {
    const [delivery] = await tx
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.id, deliveryId))
      .for('update');
    if (!delivery) return 'missing';
    if (delivery.status !== 'pending') return 'already';
    const [event] = delivery.eventId
      ? await tx.select().from(notificationEvents).where(eq(notificationEvents.id, delivery.eventId))
      : [null];
    let outcome: Outcome;
    if (delivery.channel === 'inbox') {
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
      outcome = { ok: true };
    } else if (delivery.channel === 'email') {
      outcome = await sendEventMail(tx, delivery, event);
    } else {
      outcome = await sendWebhook(tx, delivery, event);
    }
    return finish(tx, delivery, outcome, outcome.ok || !outcome.final);
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
      .set({ status: 'sent', attempts, sentAt: new Date(), lastError: null })
      .where(eq(notificationDeliveries.id, delivery.id));
    return 'sent';
  }
  const giveUp = !retryable || attempts >= env().NOTIFY_MAX_ATTEMPTS;
  await tx
    .update(notificationDeliveries)
    .set({ status: giveUp ? 'failed' : 'pending', attempts, lastError: outcome.error.slice(0, 500) })
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

export function localeOf(value: string | null | undefined): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

async function sendEventMail(
  tx: Tx,
  delivery: NotificationDelivery,
  event: NotificationEvent | null,
): Promise<Outcome> {
  if (!event || !delivery.userId) return { ok: false, error: 'event gone', final: true };
  const [user] = await tx
    .select({ email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(eq(users.id, delivery.userId));
  if (!user) return { ok: false, error: 'recipient gone', final: true };
  const locale = localeOf(user.locale);
  const text = renderNotification(locale, event.type, event.params as Params);
  const mail = composeMail({
    to: user.email,
    name: user.name,
    locale,
    subject: text.title,
    items: [{ ...text, link: event.link }],
  });
  try {
    await sendMail(tx, mail, { id: delivery.id, userId: delivery.userId });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message || 'SMTP error' };
  }
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

async function sendWebhook(
  tx: Tx,
  delivery: NotificationDelivery,
  event: NotificationEvent | null,
): Promise<Outcome> {
  if (!delivery.webhookId) return { ok: false, error: 'no webhook' };
  // The current URL and secret: a rotated secret or a corrected URL applies to retries too.
  const [hook] = await tx.select().from(orgWebhooks).where(eq(orgWebhooks.id, delivery.webhookId));
  if (!hook) return { ok: false, error: 'webhook removed', final: true };
  if (!hook.enabled) return { ok: false, error: 'webhook switched off', final: true };
  const body = webhookBody(delivery, event, hook.orgId);
  const result = await postSigned(hook.url, hook.secret, delivery.id, body);
  await tx.insert(webhookAttempts).values({
    deliveryId: delivery.id,
    attempt: delivery.attempts + 1,
    statusCode: result.statusCode,
    error: result.error,
    durationMs: result.durationMs,
  });
  return result.error ? { ok: false, error: result.error } : { ok: true };
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
