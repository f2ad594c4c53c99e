// The matching queue: recomputes the stored matches of a demand or a listing and notifies strong new ones.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { recomputeDemandMatches, recomputeListingMatches } from '../app/matching/matches.server';
import { payloadSchema } from './queues';

/** Takes only what it reads of a job, so a test can hand it a plain object. Idempotent: a re-run stores the same rows. */
export async function processMatchingJob(
  job: Pick<Job, 'name' | 'data'>,
): Promise<{ stored: number; notified: number }> {
  const schema = payloadSchema('matching', job.name);
  const parsed = schema?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad matching job ${job.name}`);
  if (job.name === 'demand-changed') {
    const { demandId } = parsed.data as { demandId: string };
    return db.transaction((tx) => recomputeDemandMatches(tx, demandId));
  }
  const { listingId } = parsed.data as { listingId: string };
  return db.transaction((tx) => recomputeListingMatches(tx, listingId));
}
