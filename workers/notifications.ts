// The notifications queue: welcome and invitation notices, the fan-out of notification events into
// per-channel deliveries, each delivery as a job of its own, and the daily digest.
import { type Job, UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { db } from '../db/client';
import { invitations, memberships, organisations, users } from '../db/schema';
import { failpoint } from '../app/lib/failpoint.server';
import { deliver, fanOut } from '../app/notify/deliver.server';
import { gatherDigests, sendDigest } from '../app/notify/digest.server';
import { addToInbox, announceInbox } from '../app/notify/inbox.server';
import { payloadSchema, queue } from './queues';
import { marketTimeZone } from '../app/lib/market-time';

/** When the daily digest goes out, in the market's time zone: the end of the trading day. */
export const DIGEST_CRON = '0 18 * * *';

type Result = { delivered: number } | { result: string } | { queued: number } | { deliveries: number };

/** Takes only what it reads of a job, so a test can hand it a plain object (or the same one twice). */
export async function processNotification(job: Pick<Job, 'id' | 'name' | 'data'>): Promise<Result> {
  const schema = payloadSchema('notifications', job.name);
  if (!schema) throw new UnrecoverableError(`unknown notification job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payload for ${job.name}`);

  switch (job.name) {
    case 'event': {
      const created = await fanOut((parsed.data as { eventId: string }).eventId);
      if (created === null) throw new UnrecoverableError('notification event no longer exists');
      return { deliveries: created.length };
    }
    case 'deliver': {
      const result = await deliver((parsed.data as { deliveryId: string }).deliveryId);
      if (result === 'missing') throw new UnrecoverableError('delivery no longer exists');
      return { result };
    }
    case 'digest':
      return { queued: await gatherDigests() };
    case 'send-digest':
      return { result: await sendDigest((parsed.data as { digestId: string }).digestId) };
    default:
      return processAccountNotice(job);
  }
}

/** Welcome and invitation notices, straight to the inbox (the outbox crash tests hold them to exactly once). */
async function processAccountNotice(job: Pick<Job, 'id' | 'name' | 'data'>): Promise<{ delivered: number }> {
  // The job id is the outbox id: stable across retries and re-publication, so it keys the delivery.
  const key = job.id ?? `${job.name}:${JSON.stringify(job.data)}`;
  let delivered = 0;
  let recipients: string[] = [];
  if (job.name === 'welcome') {
    const { userId } = job.data as { userId: string };
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
    const { invitationId } = job.data as { invitationId: string };
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
  }
  failpoint('notifications:after-deliver');
  for (const userId of recipients) await announceInbox(db, userId).catch(() => {});
  return { delivered };
}

/** The daily digest schedule; upserted under a fixed id, so every worker start converges on one. */
export async function scheduleNotificationJobs(): Promise<void> {
  await queue('notifications').upsertJobScheduler(
    'daily-digest',
    { pattern: DIGEST_CRON, tz: marketTimeZone() },
    { name: 'digest', data: {} },
  );
}
