// The farming queue: the repeatable sweep that flags harvest plans overdue by more than their material days
// (app/farming/plans.server.ts flagOverduePlans, ADR 0053). A flagged plan is not found again, so re-runs are harmless.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { flagOverduePlans } from '../app/farming/plans.server';
import { payloadSchema, queue } from './queues';

/** How often the sweep looks for overdue harvests: the flag is per market day, so hourly is prompt enough. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export async function processFarmingJob(job: Pick<Job, 'name' | 'data'>): Promise<{ flagged: number }> {
  const parsed = payloadSchema('farming', job.name)?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad farming job ${job.name}`);
  const flagged = await db.transaction((tx) => flagOverduePlans(tx));
  return { flagged: flagged.length };
}

/** Upserted under a fixed id: every worker start converges on the one schedule. */
export async function scheduleFarmingJobs(): Promise<void> {
  await queue('farming').upsertJobScheduler(
    'flag-overdue-plans',
    { every: SWEEP_EVERY_MS },
    { name: 'flag-overdue', data: {} },
  );
}
