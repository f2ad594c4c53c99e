import type { DbOrTx } from '../../db/client';
import { type MemberRole, notificationEvents } from '../../db/schema';
import { enqueueJobs, outboxJob } from '../lib/outbox.server';
import { newId } from '../lib/ids';
import { NOTIFICATION_TYPES, type NotificationType } from './catalogue';
import type { Params } from './render';

export type NotifyInput = {
  type: NotificationType;
  /** The members of an org (with at least `minRole`, default viewer)… */
  orgId?: string;
  minRole?: MemberRole;
  /** …or these users. At least one of the two. */
  userIds?: string[];
  /** Raw values (amounts as `moneyParam`), formatted in each reader's language when shown (./render.ts). */
  params: Params;
  /** Where the notification leads in the app, e.g. `/orders/ord_…`. */
  link?: string;
  subject?: { type: string; id: string };
  /** Set it to raise a notification at most once, e.g. `match:<demand>:<listing>`. */
  dedupeKey?: string;
};

/**
 * Records a notification event inside the business step's transaction; the notifications worker
 * resolves recipients, their preferences and languages, and delivers per channel after commit.
 * Returns the event id, or null when `dedupeKey` was already used (nothing is raised twice).
 */
export async function notify(tx: DbOrTx, input: NotifyInput): Promise<string | null> {
  const [id] = await notifyMany(tx, [input]);
  return id ?? null;
}

/** Records several notification events in two round trips; returns the ids of those raised (not deduplicated). */
export async function notifyMany(tx: DbOrTx, inputs: readonly NotifyInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) => {
    if (!input.orgId && !input.userIds?.length) throw new Error(`notify ${input.type}: no recipients`);
    const missing = NOTIFICATION_TYPES[input.type].params.filter((name) => !(name in input.params));
    if (missing.length) throw new Error(`notify ${input.type}: missing params ${missing.join(', ')}`);
    return {
      id: newId('nev'),
      type: input.type,
      orgId: input.orgId ?? null,
      minRole: input.minRole ?? null,
      userIds: input.userIds ?? null,
      params: input.params,
      link: input.link ?? null,
      subjectType: input.subject?.type ?? null,
      subjectId: input.subject?.id ?? null,
      dedupeKey: input.dedupeKey ?? null,
    };
  });
  const inserted = await tx
    .insert(notificationEvents)
    .values(rows)
    .onConflictDoNothing({ target: notificationEvents.dedupeKey })
    .returning({ id: notificationEvents.id });
  const raised = new Set(inserted.map((row) => row.id));
  const ids = rows.filter((row) => raised.has(row.id)).map((row) => row.id);
  await enqueueJobs(
    tx,
    ids.map((eventId) => outboxJob('notifications', 'event', { eventId })),
  );
  return ids;
}
