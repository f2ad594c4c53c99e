// Writes a side effect to the outbox inside the caller's transaction; the relay publishes it after commit.
import { sql } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import { type JobName, type Payload, type QueueName, catalogue } from '../../workers/queues';
import { newId } from './ids';

export async function enqueue<Q extends QueueName, N extends JobName<Q>>(
  tx: DbOrTx,
  queue: Q,
  name: N,
  payload: Payload<Q, N>,
  options: { runAt?: Date } = {},
): Promise<string> {
  const schema = (catalogue[queue] as Record<string, { parse: (v: unknown) => unknown }>)[name];
  // A payload that does not fit its schema is a bug in the caller: fail the business step, not the job later.
  const valid = schema.parse(payload);
  const id = newId('obx');
  // One round trip: the row, and a notification delivered at commit (dropped on rollback) so the relay wakes
  // without waiting for its poll.
  await tx.execute(sql`
    with queued as (
      insert into ${outbox} (id, queue, name, payload, run_at)
      values (${id}, ${queue}, ${name}, ${JSON.stringify(valid)}::jsonb, ${options.runAt?.toISOString() ?? null}::timestamptz)
      returning 1
    )
    select pg_notify('wharf_outbox', '') from queued
  `);
  return id;
}
