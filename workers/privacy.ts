// The privacy queue: personal-data jobs (#16). One processor, one case per job name; a new job is one more case.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { marketTimeZone } from '../app/lib/market-time';
import { removeStoredFiles } from '../app/lib/storage.server';
import { buildExport, failExport, sweepExports } from '../app/privacy/export.server';
import { runRetention } from '../app/privacy/retention.server';
import { payloadSchema, queue } from './queues';

/** How often expired export files are deleted. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Takes only what it reads of a job, so a test can hand it a plain object. */
export async function processPrivacyJob(
  job: Pick<Job, 'name' | 'data'> & Partial<Pick<Job, 'attemptsMade' | 'opts'>>,
): Promise<unknown> {
  const schema = payloadSchema('privacy', job.name);
  if (!schema) throw new UnrecoverableError(`unknown privacy job ${job.name}`);
  const payload = schema.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
  switch (job.name) {
    case 'build-export': {
      const { exportId } = payload.data as { exportId: string };
      try {
        return { export: await buildExport(db, exportId) };
      } catch (error) {
        // The last attempt tells the user it failed, instead of leaving the export queued for ever.
        const attempts = job.opts?.attempts ?? 1;
        if ((job.attemptsMade ?? 0) + 1 >= attempts) await failExport(db, exportId);
        throw error;
      }
    }
    case 'sweep-exports':
      return { expired: await sweepExports(db) };
    case 'retention':
      // One transaction: the counts logged are the rows deleted, and a failure deletes nothing (the files those rows
      // named go by the 'remove-files' job it sends through the outbox).
      return { deleted: await db.transaction((tx) => runRetention(tx, new Date())) };
    case 'remove-files': {
      // Deleting a file already gone is fine, so a retried job is harmless.
      const { keys } = payload.data as { keys: string[] };
      await removeStoredFiles(keys);
      return { removed: keys.length };
    }
    default:
      throw new UnrecoverableError(`unhandled privacy job ${job.name}`);
  }
}

/**
 * The hourly sweep of export files and the nightly retention run (04:00 market time), each upserted under a fixed
 * scheduler id so every worker start converges on one schedule.
 */
export async function schedulePrivacyJobs(): Promise<void> {
  await queue('privacy').upsertJobScheduler(
    'sweep-exports',
    { every: SWEEP_EVERY_MS },
    { name: 'sweep-exports', data: {} },
  );
  await queue('privacy').upsertJobScheduler(
    'retention-nightly',
    { pattern: '0 4 * * *', tz: marketTimeZone() },
    { name: 'retention', data: {} },
  );
}
