// The b2b queue: the repeatable sweeps that run the standing orders due today in market time
// (app/b2b/repeat.server.ts runDueStandingOrders, ADR 0054; a week already run is not run again) and that remind
// buyers of orders on credit terms coming due and mark the overdue ones (app/b2b/terms.server.ts sweepTerms, ADR 0056;
// each order once). Re-runs are harmless.
import { type Job, UnrecoverableError } from 'bullmq';
import { runDueStandingOrders } from '../app/b2b/repeat.server';
import { sweepTerms } from '../app/b2b/terms.server';
import { db } from '../db/client';
import { payloadSchema, queue } from './queues';

/** How often the sweep looks for due standing orders: they are due on a market day, so hourly is prompt enough. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export async function processB2bJob(job: Pick<Job, 'name' | 'data'>): Promise<{ ran: number }> {
  const parsed = payloadSchema('b2b', job.name)?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad b2b job ${job.name}`);
  if (job.name === 'terms-sweep') {
    const done = await db.transaction((tx) => sweepTerms(tx));
    return { ran: done.reminded.length + done.overdue.length };
  }
  const outcomes = await runDueStandingOrders();
  return { ran: Object.keys(outcomes).length };
}

/** Upserted under a fixed id: every worker start converges on the one schedule. */
export async function scheduleB2bJobs(): Promise<void> {
  await queue('b2b').upsertJobScheduler(
    'standing-orders',
    { every: SWEEP_EVERY_MS },
    { name: 'standing-orders', data: {} },
  );
  await queue('b2b').upsertJobScheduler(
    'terms-sweep',
    { every: SWEEP_EVERY_MS },
    { name: 'terms-sweep', data: {} },
  );
}
