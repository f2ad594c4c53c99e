// The matching queue: recomputes the stored matches of a demand or a listing and notifies strong new ones.
import { type Job, UnrecoverableError } from 'bullmq';

export async function processMatchingJob(job: Job): Promise<unknown> {
  throw new UnrecoverableError(`unknown matching job ${job.name}`);
}
