// The coldchain queue: matches booking requests to vehicles and checks temperature runs for excursions.
import { type Job, UnrecoverableError } from 'bullmq';

export async function processColdChainJob(job: Job): Promise<unknown> {
  throw new UnrecoverableError(`unknown coldchain job ${job.name}`);
}
