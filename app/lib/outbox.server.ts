// Writes a side effect to the outbox inside the caller's transaction; the relay publishes it after commit.
import { sql } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import { type JobName, type Payload, type QueueName, catalogue } from '../../workers/queues';
import { newId } from './ids';

/** A job checked against its schema and ready for the outbox (enqueueJobs writes many in one statement). */
export type OutboxJob = { id: string; queue: string; name: string; payload: unknown; runAt: string | null };

export function outboxJob<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  payload: Payload<Q, N>,
  options: { runAt?: Date } = {},
): OutboxJob {
  const schema = (catalogue[queue] as Record<string, { parse: (v: unknown) => unknown }>)[name];
  // A payload that does not fit its schema is a bug in the caller: fail the business step, not the job later.
  return {
    id: newId('obx'),
    queue,
    name: String(name),
    payload: schema.parse(payload),
    runAt: options.runAt?.toISOString() ?? null,
  };
}

/**
 * Writes jobs to the outbox in one round trip, in the order given, with one notification delivered at commit
 * (dropped on rollback) so the relay wakes without waiting for its poll.
 */
export async function enqueueJobs(tx: DbOrTx, jobs: readonly OutboxJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await tx.execute(sql`
    with queued as (
      insert into ${outbox} (id, queue, name, payload, run_at)
      select j.id, j.queue, j.name, j.payload, j.run_at
      from jsonb_to_recordset(${JSON.stringify(jobs.map((job) => ({ ...job, run_at: job.runAt })))}::jsonb)
        as j(id text, queue text, name text, payload jsonb, run_at timestamptz)
      returning 1
    )
    select pg_notify('wharf_outbox', '') from (select 1 from queued limit 1) any_queued
  `);
}

export async function enqueue<Q extends QueueName, N extends JobName<Q>>(
  tx: DbOrTx,
  queue: Q,
  name: N,
  payload: Payload<Q, N>,
  options: { runAt?: Date } = {},
): Promise<string> {
  const job = outboxJob(queue, name, payload, options);
  await enqueueJobs(tx, [job]);
  return job.id;
}
