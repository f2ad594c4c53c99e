// The outbox relay: publishes committed outbox rows to BullMQ (job id = outbox id) and marks them sent.
import { asc, inArray, isNull } from 'drizzle-orm';
import { db } from '../db/client';
import { outbox } from '../db/schema';
import { failpoint } from '../app/lib/failpoint.server';
import { log } from '../app/lib/log.server';
import { isQueueName, queue } from './queues';

export const OUTBOX_CHANNEL = 'wharf_outbox';

/** Publishes up to `limit` rows; returns how many. Safe to run in many processes at once (SKIP LOCKED). */
export async function relayOnce(limit = 200): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(isNull(outbox.publishedAt))
      .orderBy(asc(outbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;

    const byQueue = new Map<string, typeof rows>();
    for (const row of rows) {
      if (!isQueueName(row.queue)) {
        log.error({ outboxId: row.id, queue: row.queue }, 'outbox row names an unknown queue');
        continue;
      }
      byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
    }
    const now = Date.now();
    for (const [name, group] of byQueue) {
      if (!isQueueName(name)) continue;
      // The outbox id as job id: a row published twice (crash before the commit below) is one job.
      await queue(name).addBulk(
        group.map((row) => ({
          name: row.name,
          data: row.payload,
          opts: { jobId: row.id, delay: row.runAt ? Math.max(0, row.runAt.getTime() - now) : undefined },
        })),
      );
    }
    failpoint('relay:after-publish');
    await tx
      .update(outbox)
      .set({ publishedAt: new Date() })
      .where(
        inArray(
          outbox.id,
          rows.map((row) => row.id),
        ),
      );
    return rows.length;
  });
}

/** Runs the relay on every NOTIFY from a committing transaction, and on a poll as a safety net. */
export function startRelay(options: { pollMs?: number } = {}) {
  let running = false;
  let again = false;
  let stopped = false;

  const drain = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        while (!stopped && (await relayOnce()) > 0) {}
      } while (again && !stopped);
    } catch (error) {
      log.error({ err: error }, 'outbox relay failed; will retry');
    } finally {
      running = false;
    }
  };

  const timer = setInterval(drain, options.pollMs ?? 1_000);
  const listening = db.$sql
    .listen(OUTBOX_CHANNEL, () => void drain())
    .catch((error: unknown) => {
      log.warn({ err: error }, 'outbox LISTEN unavailable; polling only');
      return undefined;
    });
  void drain();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      const listener = await listening;
      await listener?.unlisten().catch(() => {});
      while (running) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
