// The auctions queue: closing auctions at their (possibly extended) end, offering a lot to the runner-up.
import { type Job, UnrecoverableError } from 'bullmq';
import { AuctionError } from '../app/auctions/auctions.server';
import { closeAuction, offerSecondChance, rescheduleClose } from '../app/auctions/closing.server';
import { payloadSchema } from './queues';

export async function processAuctionJob(job: Pick<Job, 'name' | 'data'>): Promise<unknown> {
  const schema = payloadSchema('auctions', job.name);
  if (!schema) throw new UnrecoverableError(`unknown auctions job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payload for auctions job ${job.name}`);
  const { auctionId } = parsed.data as { auctionId: string };
  try {
    return await runAuctionJob(job.name, auctionId);
  } catch (error) {
    // The auction is gone (its database was recreated under a queue that outlived it): retrying cannot help.
    if (error instanceof AuctionError && error.messageKey === 'errors.notFound')
      throw new UnrecoverableError('auction no longer exists');
    throw error;
  }
}

async function runAuctionJob(name: string, auctionId: string): Promise<unknown> {
  switch (name) {
    case 'close': {
      const closed = await closeAuction(auctionId);
      // Soft close or a clock restart moved the end: this job was early, so look again at the new end.
      if (closed.result === 'not_due') await rescheduleClose(auctionId, closed.dueAt);
      return closed;
    }
    case 'second-chance':
      return offerSecondChance(auctionId);
    default:
      throw new UnrecoverableError(`unknown auctions job ${name}`);
  }
}
