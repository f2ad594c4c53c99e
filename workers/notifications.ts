// The notifications queue: renders nothing itself; stores each notification in the recipient's inbox once.
import { type Job, UnrecoverableError } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import { db } from '../db/client';
import { invitations, memberships, notificationEvents, organisations, users } from '../db/schema';
import { roleAtLeast } from '../app/lib/auth.server';
import { failpoint } from '../app/lib/failpoint.server';
import { addToInbox, announceInbox } from '../app/notify/inbox.server';
import { payloadSchema } from './queues';

export async function processNotification(job: Job): Promise<{ delivered: number }> {
  const schema = payloadSchema('notifications', job.name);
  if (!schema) throw new UnrecoverableError(`unknown notification job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
  // The job id is the outbox id: stable across retries and re-publication, so it keys the delivery.
  const key = job.id ?? `${job.name}:${JSON.stringify(job.data)}`;

  let delivered = 0;
  let recipients: string[] = [];
  if (job.name === 'welcome') {
    const { userId } = parsed.data as { userId: string };
    const [row] = await db
      .select({ userId: users.id, orgId: organisations.id, orgName: organisations.name })
      .from(users)
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .leftJoin(organisations, eq(organisations.id, memberships.orgId))
      .where(eq(users.id, userId))
      .limit(1);
    if (!row) throw new UnrecoverableError('user no longer exists');
    recipients = [row.userId];
    if (
      await addToInbox(db, {
        userId: row.userId,
        orgId: row.orgId,
        type: 'welcome',
        params: { org: row.orgName ?? '' },
        link: '/dashboard',
        dedupeKey: `${key}:${row.userId}`,
      })
    )
      delivered++;
  } else if (job.name === 'member-invited') {
    const { invitationId } = parsed.data as { invitationId: string };
    const [row] = await db
      .select({
        orgId: invitations.orgId,
        orgName: organisations.name,
        role: invitations.role,
        userId: users.id,
      })
      .from(invitations)
      .innerJoin(organisations, eq(organisations.id, invitations.orgId))
      .leftJoin(users, eq(users.email, invitations.email))
      .where(eq(invitations.id, invitationId))
      .limit(1);
    if (!row) throw new UnrecoverableError('invitation no longer exists');
    // An invitee without an account sees the invitation when it registers with that e-mail.
    if (row.userId) {
      recipients = [row.userId];
      if (
        await addToInbox(db, {
          userId: row.userId,
          orgId: row.orgId,
          type: 'member-invited',
          params: { org: row.orgName, role: row.role },
          link: '/invitations',
          dedupeKey: `${key}:${row.userId}`,
        })
      )
        delivered++;
    }
  } else if (job.name === 'event') {
    const { eventId } = parsed.data as { eventId: string };
    const [event] = await db.select().from(notificationEvents).where(eq(notificationEvents.id, eventId));
    if (!event) throw new UnrecoverableError('notification event no longer exists');
    recipients = await recipientsOf(event);
    for (const userId of recipients) {
      const stored = await addToInbox(db, {
        userId,
        orgId: event.orgId,
        type: event.type,
        params: event.params as Record<string, string | number>,
        link: event.link,
        dedupeKey: `${event.id}:${userId}:inbox`,
      });
      if (stored) delivered++;
    }
  }
  failpoint('notifications:after-deliver');
  for (const userId of recipients) await announceInbox(db, userId).catch(() => {});
  return { delivered };
}

/** The users an event is for: its listed users, or its org's members with at least its minimum role. */
async function recipientsOf(event: typeof notificationEvents.$inferSelect): Promise<string[]> {
  if (event.userIds?.length) {
    const rows = await db.select({ id: users.id }).from(users).where(inArray(users.id, event.userIds));
    return rows.map((row) => row.id);
  }
  if (!event.orgId) return [];
  const rows = await db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.orgId, event.orgId));
  const minRole = (event.minRole ?? 'viewer') as Parameters<typeof roleAtLeast>[1];
  return rows.filter((row) => roleAtLeast(row.role, minRole)).map((row) => row.userId);
}
