// The auctions queue: closing auctions at their (possibly extended) end, offering a lot to the runner-up.
import { type Job, UnrecoverableError } from 'bullmq';

export async function processAuctionJob(job: Job): Promise<unknown> {
  throw new UnrecoverableError(`unknown auctions job ${job.name}`);
}
