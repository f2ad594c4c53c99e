// The moderation queue: screens listings, recomputes credit and quality, ends suspensions.
import { type Job, UnrecoverableError } from 'bullmq';

export async function processModerationJob(job: Job): Promise<unknown> {
  throw new UnrecoverableError(`unknown moderation job ${job.name}`);
}
