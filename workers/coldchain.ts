// The coldchain queue: places booking requests on vehicles (again after a carrier declines one, and on a schedule).
import { type Job, UnrecoverableError } from 'bullmq';
import { matchBooking, retryUnmatchedBookings } from '../app/coldchain/matcher.server';
import { payloadSchema, queue } from './queues';

/** How often bookings that found no vehicle get another look. */
export const RETRY_UNMATCHED_EVERY_MS = 15 * 60 * 1000;

/** Takes only what it reads of a job, so a test can hand it a plain object. */
export async function processColdChainJob(job: Pick<Job, 'name' | 'data'>): Promise<unknown> {
  const schema = payloadSchema('coldchain', job.name);
  if (!schema) throw new UnrecoverableError(`unknown coldchain job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
  // Idempotent: a booking already placed (or gone) is left alone, so a retried job changes nothing.
  if (job.name === 'retry-unmatched') return { retried: await retryUnmatchedBookings() };
  const outcome = await matchBooking((parsed.data as { bookingId: string }).bookingId);
  return { outcome };
}

/** The repeatable retry, upserted under a fixed id: every worker start converges on the one schedule. */
export async function scheduleColdChainJobs(): Promise<void> {
  await queue('coldchain').upsertJobScheduler(
    'retry-unmatched-bookings',
    { every: RETRY_UNMATCHED_EVERY_MS },
    { name: 'retry-unmatched', data: {} },
  );
}
