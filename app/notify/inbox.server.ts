// The in-app inbox: idempotent delivery, unread counts, marking read; the bell updates live.
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { notifications } from '../../db/schema';
import { publish, userChannel } from '../lib/events.server';
import { newId } from '../lib/ids';
import type { Params } from './render';

export type InboxItem = {
  userId: string;
  orgId?: string | null;
  type: string;
  params?: Params;
  link?: string | null;
  /** Unique per delivery: the same key twice stores one notification. */
  dedupeKey: string;
};

/** Returns true when this call stored the notification, false when it was already there. */
export async function addToInbox(tx: DbOrTx, item: InboxItem): Promise<boolean> {
  const inserted = await tx
    .insert(notifications)
    .values({
      id: newId('ntf'),
      userId: item.userId,
      orgId: item.orgId ?? null,
      type: item.type,
      params: item.params ?? {},
      link: item.link ?? null,
      dedupeKey: item.dedupeKey,
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  return inserted.length > 0;
}

export async function announceInbox(tx: DbOrTx, userId: string): Promise<void> {
  await publish(userChannel(userId), { type: 'inbox', unread: await unreadCount(tx, userId) });
}

export async function unreadCount(tx: DbOrTx, userId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export const INBOX_PAGE_SIZE = 20;

export async function listInbox(
  tx: DbOrTx,
  userId: string,
  options: { before?: string; unreadOnly?: boolean },
) {
  const conditions = [eq(notifications.userId, userId)];
  if (options.before) conditions.push(lt(notifications.id, options.before));
  if (options.unreadOnly) conditions.push(isNull(notifications.readAt));
  const rows = await tx
    .select()
    .from(notifications)
    .where(and(...conditions))
    .orderBy(desc(notifications.id))
    .limit(INBOX_PAGE_SIZE + 1);
  return { items: rows.slice(0, INBOX_PAGE_SIZE), hasMore: rows.length > INBOX_PAGE_SIZE };
}

export async function markRead(tx: DbOrTx, userId: string, notificationId?: string): Promise<void> {
  const conditions = [eq(notifications.userId, userId), isNull(notifications.readAt)];
  if (notificationId) conditions.push(eq(notifications.id, notificationId));
  await tx
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(...conditions));
}
