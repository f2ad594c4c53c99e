// The daily digest: one e-mail per user with the day's low-priority notifications it chose to gather.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { db } from '../../db/client';
import { notificationDigestItems, notificationDigests, notificationEvents, users } from '../../db/schema';
import { env } from '../lib/env.server';
import { translator } from '../lib/i18n';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { localeOf, retryDelayMs } from './deliver.server';
import { composeMail, sendMail } from './mail.server';
import { type Params, renderNotification } from './render';
import { marketDate } from '../lib/market-time';

/** The market's calendar day (YYYY-MM-DD) of an instant. */
export function marketDay(at: Date): string {
  return marketDate(at);
}

/**
 * Gathers every user's waiting items into that user's digest of the day and queues its e-mail. A
 * second run the same day adds late items to a digest not yet sent and creates nothing twice.
 */
export async function gatherDigests(now = new Date()): Promise<number> {
  const day = marketDay(now);
  const waiting = await db
    .selectDistinct({ userId: notificationDigestItems.userId })
    .from(notificationDigestItems)
    .where(isNull(notificationDigestItems.digestId));
  let queued = 0;
  for (const { userId } of waiting) {
    await db.transaction(async (tx) => {
      await tx
        .insert(notificationDigests)
        .values({ id: newId('dgs'), userId, day })
        .onConflictDoNothing({ target: [notificationDigests.userId, notificationDigests.day] });
      const [digest] = await tx
        .select()
        .from(notificationDigests)
        .where(and(eq(notificationDigests.userId, userId), eq(notificationDigests.day, day)))
        .for('update');
      // Already sent today: the late items wait for tomorrow's digest.
      if (!digest || digest.status !== 'pending') return;
      const taken = await tx
        .update(notificationDigestItems)
        .set({ digestId: digest.id })
        .where(and(eq(notificationDigestItems.userId, userId), isNull(notificationDigestItems.digestId)))
        .returning({ eventId: notificationDigestItems.eventId });
      if (taken.length === 0) return;
      await enqueue(tx, 'notifications', 'send-digest', { digestId: digest.id });
      queued++;
    });
  }
  return queued;
}

/** Sends one digest e-mail; locked and marked like a delivery, so it goes once. */
export async function sendDigest(
  digestId: string,
): Promise<'sent' | 'already' | 'retrying' | 'failed' | 'missing'> {
  return db.transaction(async (tx) => {
    const [digest] = await tx
      .select()
      .from(notificationDigests)
      .where(eq(notificationDigests.id, digestId))
      .for('update');
    if (!digest) return 'missing';
    if (digest.status !== 'pending') return 'already';
    const [user] = await tx
      .select({ email: users.email, name: users.name, locale: users.locale })
      .from(users)
      .where(eq(users.id, digest.userId));
    const items = await tx
      .select({
        type: notificationEvents.type,
        params: notificationEvents.params,
        link: notificationEvents.link,
      })
      .from(notificationDigestItems)
      .innerJoin(notificationEvents, eq(notificationEvents.id, notificationDigestItems.eventId))
      .where(eq(notificationDigestItems.digestId, digest.id))
      .orderBy(asc(notificationEvents.createdAt));
    if (!user || items.length === 0) {
      await tx
        .update(notificationDigests)
        .set({ status: 'failed', lastError: 'nothing to send' })
        .where(eq(notificationDigests.id, digest.id));
      return 'failed';
    }
    const locale = localeOf(user.locale);
    const t = translator(locale);
    const mail = composeMail({
      to: user.email,
      name: user.name,
      locale,
      subject: t('email.digest.subject', { count: items.length }),
      lead: t('email.digest.lead'),
      items: items.map((item) => ({
        ...renderNotification(locale, item.type, item.params as Params),
        link: item.link,
      })),
    });
    const attempts = digest.attempts + 1;
    try {
      await sendMail(tx, mail, { id: digest.id, userId: digest.userId });
    } catch (error) {
      const giveUp = attempts >= env().NOTIFY_MAX_ATTEMPTS;
      await tx
        .update(notificationDigests)
        .set({
          attempts,
          status: giveUp ? 'failed' : 'pending',
          lastError: (error as Error).message.slice(0, 500),
        })
        .where(eq(notificationDigests.id, digest.id));
      if (giveUp) return 'failed';
      await enqueue(
        tx,
        'notifications',
        'send-digest',
        { digestId },
        { runAt: new Date(Date.now() + retryDelayMs(attempts)) },
      );
      return 'retrying';
    }
    await tx
      .update(notificationDigests)
      .set({ attempts, status: 'sent', sentAt: sql`now()` })
      .where(eq(notificationDigests.id, digest.id));
    return 'sent';
  });
}
