// The coldchain queue: places booking requests on vehicles (again after a carrier declines one).
import { type Job, UnrecoverableError } from 'bullmq';
import { matchBooking } from '../app/coldchain/matcher.server';
import { payloadSchema } from './queues';

/** Takes only what it reads of a job, so a test can hand it a plain object. */
export async function processColdChainJob(job: Pick<Job, 'name' | 'data'>): Promise<unknown> {
  const schema = payloadSchema('coldchain', job.name);
  if (!schema) throw new UnrecoverableError(`unknown coldchain job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
  // Idempotent: a booking already placed (or gone) is left alone, so a retried job changes nothing.
  const outcome = await matchBooking(parsed.data.bookingId);
  return { outcome };
}
