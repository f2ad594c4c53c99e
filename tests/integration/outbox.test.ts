// The outbox survives crashes: a worker killed with SIGKILL mid-delivery, restarted, delivers the welcome once.
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { notifications, outbox, users } from '../../db/schema';
import { register } from '../../app/identity/accounts.server';
import { enqueue } from '../../app/lib/outbox.server';
import { queue } from '../../workers/queues';
import { startWorker, stopAllWorkers, stopWorker, waitFor } from '../support/worker-process';

afterEach(stopAllWorkers);

async function registerSomeone() {
  const email = `welcome-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const result = await register({
    email,
    password: 'long enough pw',
    name: '测试',
    orgName: '测试机构',
    orgKind: 'buyer',
    city: '',
  });
  if (!result.ok) throw new Error('registration failed');
  const [row] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(eq(outbox.name, 'welcome'))
    .orderBy(outbox.createdAt);
  expect(row).toBeDefined();
  return result.value.userId;
}

const welcomes = (userId: string) =>
  db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, 'welcome')));

async function outboxRowFor(userId: string) {
  const rows = await db.select().from(outbox).where(eq(outbox.name, 'welcome'));
  const row = rows.find((r) => (r.payload as { userId: string }).userId === userId);
  if (!row) throw new Error('no outbox row');
  return row;
}

describe('welcome notification through the outbox', () => {
  it('is delivered once by a healthy worker', async () => {
    const userId = await registerSomeone();
    const { child } = startWorker();
    await waitFor('the welcome', async () => (await welcomes(userId)).length === 1);
    await waitFor(
      'the outbox row marked published',
      async () => (await outboxRowFor(userId)).publishedAt !== null,
    );
    await stopWorker(child);
    expect(await welcomes(userId)).toHaveLength(1);
  });

  it('is delivered once when the worker is killed after publishing but before marking the row sent', async () => {
    const userId = await registerSomeone();
    const crashed = startWorker({ WHARF_FAILPOINT: 'relay:after-publish' });
    expect((await crashed.exited).signal).toBe('SIGKILL');
    expect((await outboxRowFor(userId)).publishedAt).toBeNull();

    const { child } = startWorker();
    await waitFor(
      'the outbox row marked published',
      async () => (await outboxRowFor(userId)).publishedAt !== null,
    );
    await waitFor('the welcome', async () => (await welcomes(userId)).length > 0);
    const row = await outboxRowFor(userId);
    await waitFor(
      'the job completed',
      async () => (await queue('notifications').getJobState(row.id)) === 'completed',
    );
    await stopWorker(child);
    expect(await welcomes(userId)).toHaveLength(1);
  });

  it('is delivered once when the worker is killed after storing the notification but before completing the job', async () => {
    const userId = await registerSomeone();
    const crashed = startWorker({ WHARF_FAILPOINT: 'notifications:after-deliver' });
    expect((await crashed.exited).signal).toBe('SIGKILL');
    expect(await welcomes(userId)).toHaveLength(1);
    const row = await outboxRowFor(userId);
    expect(await queue('notifications').getJobState(row.id)).toBe('active');

    // The restarted worker finds the job stalled (its lock expired with the dead process) and runs it again.
    const { child } = startWorker();
    await waitFor(
      'the stalled job re-run to completion',
      async () => (await queue('notifications').getJobState(row.id)) === 'completed',
      { timeoutMs: 30_000 },
    );
    await stopWorker(child);
    expect(await welcomes(userId)).toHaveLength(1);
  });

  it('publishes nothing for a business step that rolls back', async () => {
    const before = await db.select().from(outbox).where(isNull(outbox.publishedAt));
    await expect(
      db.transaction(async (tx) => {
        const [someone] = await tx.select({ id: users.id }).from(users).limit(1);
        await enqueue(tx, 'notifications', 'welcome', { userId: someone?.id ?? 'usr_nobody' });
        throw new Error('the business step failed');
      }),
    ).rejects.toThrow('the business step failed');
    expect(await db.select().from(outbox).where(isNull(outbox.publishedAt))).toHaveLength(before.length);
  });

  it('refuses at the source a payload that does not fit its schema', async () => {
    await expect(
      db.transaction((tx) => enqueue(tx, 'notifications', 'welcome', { userId: '' } as { userId: string })),
    ).rejects.toThrow();
  });
});
