// The moderation queue: screens listings, recomputes credit and quality, ends suspensions.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { recomputeCredit, tradingOrgIds } from '../app/trust/credit.server';
import { screenListing } from '../app/trust/moderation.server';
import { liftSanctions } from '../app/trust/sanctions.server';
import { sql } from 'drizzle-orm';
import { payloadSchema, queue } from './queues';
import { marketTimeZone } from '../app/lib/market-time';

/** Takes only what it reads of a job, so a test can hand it a plain object. Every branch is idempotent. */
export async function processModerationJob(job: Pick<Job, 'name' | 'data'>): Promise<unknown> {
  const schema = payloadSchema('moderation', job.name);
  if (!schema) throw new UnrecoverableError(`unknown moderation job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
  const data = parsed.data as Record<string, string>;
  switch (job.name) {
    case 'screen-listing':
      return db.transaction((tx) => screenListing(tx, data.listingId));
    case 'recompute-credit':
      return db.transaction(async (tx) => {
        const result = await recomputeCredit(tx, data.orgId, data.trigger);
        return result && { score: result.score, qualityClass: result.qualityClass };
      });
    case 'recompute-all-credit': {
      let changed = 0;
      for (const orgId of await tradingOrgIds(db)) {
        // One short transaction per org: the nightly sweep never holds many org rows at once.
        await db.transaction(async (tx) => {
          await recomputeCredit(tx, orgId, 'nightly');
        });
        changed++;
      }
      return { orgs: changed };
    }
    case 'end-suspension':
      return db.transaction(async (tx) => {
        const rows = (await tx.execute(
          sql`select org_id from sanctions where id = ${data.sanctionId}`,
        )) as unknown as { org_id: string }[];
        if (!rows[0]) return { lifted: 0 };
        return liftSanctions(tx, {
          orgId: rows[0].org_id,
          operatorUserId: null,
          sanctionId: data.sanctionId,
        });
      });
    default:
      throw new UnrecoverableError(`unknown moderation job ${job.name}`);
  }
}

/** The nightly credit sweep at 03:00 market time; upserted under a fixed id, so every worker start converges on one. */
export async function scheduleModerationJobs(): Promise<void> {
  await queue('moderation').upsertJobScheduler(
    'credit-nightly',
    { pattern: '0 3 * * *', tz: marketTimeZone() },
    { name: 'recompute-all-credit', data: {} },
  );
}
