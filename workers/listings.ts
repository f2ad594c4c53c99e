// The listings queue: housekeeping of lots, the repeatable sweep that expires lots past their shelf life and
// the re-index of a category's lots after its keywords change.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { expireListings, reindexCategoryLots } from '../app/listings/listings.server';
import { payloadSchema, queue } from './queues';

/** How often lots past their shelf life are taken off the market. */
export const EXPIRE_EVERY_MS = 10 * 60 * 1000;

/** Takes only what it reads of a job, so a test can hand it a plain object. */
export async function processListingJob(
  job: Pick<Job, 'name' | 'data'>,
): Promise<{ expired: number } | { reindexed: number }> {
  const schema = payloadSchema('listings', job.name);
  if (!schema) throw new UnrecoverableError(`unknown listings job ${job.name}`);
  const payload = schema.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
  if (job.name === 'reindex-category') {
    // Rebuilt from the category's current keywords: a re-run, or a run after a later change, is harmless.
    const { categoryId } = payload.data as { categoryId: string };
    return { reindexed: await reindexCategoryLots(db, categoryId) };
  }
  // One conditional update: a lot already expired is not matched again, so a re-run or an overlapping run is harmless.
  const expired = await expireListings(db);
  return { expired };
}

/**
 * Sets up the repeatable sweep. Upserting under a fixed scheduler id is idempotent: every worker
 * start (and every worker of a scaled-out fleet) converges on the one schedule instead of adding one.
 */
export async function scheduleListingJobs(): Promise<void> {
  await queue('listings').upsertJobScheduler(
    'expire-lots',
    { every: EXPIRE_EVERY_MS },
    { name: 'expire', data: {} },
  );
}
