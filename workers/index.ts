// The worker process: one BullMQ Worker per queue plus the outbox relay, with graceful shutdown.
import { pathToFileURL } from 'node:url';
import { type Processor, Worker } from 'bullmq';
import { closeDb } from '../db/client';
import { env } from '../app/lib/env.server';
import { startHeartbeat } from '../app/lib/heartbeat.server';
import { log } from '../app/lib/log.server';
import { redisConnection } from '../app/lib/redis.server';
import { processAuctionJob } from './auctions';
import { processColdChainJob, scheduleColdChainJobs } from './coldchain';
import { startExchange } from './exchange';
import { processFairJob } from './fairs';
import { processB2bJob, scheduleB2bJobs } from './b2b';
import { processFarmingJob, scheduleFarmingJobs } from './farming';
import { processListingJob, scheduleListingJobs } from './listings';
import { processMatchingJob } from './matching';
import { processModerationJob, scheduleModerationJobs } from './moderation';
import { processNotification, scheduleNotificationJobs } from './notifications';
import { processOrderJob } from './orders';
import { processPrivacyJob, schedulePrivacyJobs } from './privacy';
import { processSettlementJob } from './settlement';
import { type QueueName, queue, queueNames, queuePrefix } from './queues';
import { startRelay } from './relay';

const processors: Record<QueueName, { processor: Processor; concurrency: number }> = {
  notifications: { processor: processNotification, concurrency: 8 },
  // One at a time: the expiry sweep touches many rows and gains nothing from running beside itself.
  listings: { processor: processListingJob, concurrency: 1 },
  orders: { processor: processOrderJob, concurrency: 4 },
  settlement: { processor: processSettlementJob, concurrency: 8 },
  auctions: { processor: processAuctionJob, concurrency: 8 },
  matching: { processor: processMatchingJob, concurrency: 2 },
  coldchain: { processor: processColdChainJob, concurrency: 4 },
  moderation: { processor: processModerationJob, concurrency: 4 },
  // One at a time: an export reads every table the data map names; users wait minutes, not seconds, for one.
  privacy: { processor: processPrivacyJob, concurrency: 1 },
  fairs: { processor: processFairJob, concurrency: 2 },
  farming: { processor: processFarmingJob, concurrency: 1 },
  b2b: { processor: processB2bJob, concurrency: 1 },
};

export async function startWorkers() {
  // Before any worker runs, so a Redis that refuses the schedule stops the start instead of leaving lots unexpired.
  await scheduleListingJobs();
  await scheduleNotificationJobs();
  await scheduleModerationJobs();
  await scheduleColdChainJobs();
  await schedulePrivacyJobs();
  await scheduleFarmingJobs();
  await scheduleB2bJobs();
  const lockDuration = env().WORKER_LOCK_MS;
  const workers = queueNames.map((name) => {
    const { processor, concurrency } = processors[name];
    const worker = new Worker(name, processor, {
      connection: redisConnection('worker'),
      prefix: queuePrefix(name),
      concurrency,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 3,
    });
    worker.on('error', (error) => log.error({ err: error, queue: name }, 'worker error'));
    worker.on('failed', (job, error) =>
      log.warn(
        { queue: name, jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, err: error.message },
        'job failed',
      ),
    );
    worker.on('completed', (job) =>
      log.debug({ queue: name, jobId: job.id, job: job.name }, 'job completed'),
    );
    return worker;
  });
  const relay = startRelay();
  const stopHeartbeat = startHeartbeat();
  const exchange = startExchange();
  log.info({ queues: queueNames }, 'workers started');

  return async function stop() {
    await stopHeartbeat();
    await relay.stop();
    await exchange.stop();
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(queueNames.map((name) => queue(name).close()));
    await closeDb();
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.WHARF_SERVICE ??= 'worker';
  // The same outage guard as the web process (ADR 0027): a database restart replaces the pool, never exits.
  const { installDriverCrashGuard, startDbWatch } = await import('../db/health');
  installDriverCrashGuard();
  startDbWatch();
  const stop = await startWorkers();
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'workers stopping');
      await stop();
      process.exit(0);
    });
  }
}
