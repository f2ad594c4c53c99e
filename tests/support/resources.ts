// Closes what the app opened in this process (pools, Redis clients, queues), so a test file ends cleanly.
import { closeDb } from '../../db/client';
import { closeLiveHub } from '../../app/lib/events.server';
import { forget } from '../../app/lib/remember.server';
import { queue, queueNames } from '../../workers/queues';

export async function closeAppResources(): Promise<void> {
  const store = globalThis as unknown as { __wharf?: Map<string, unknown> };
  const redis = store.__wharf?.get('redis') as { quit: () => Promise<unknown> } | undefined;
  const queuesOpen = [...(store.__wharf?.keys() ?? [])].some((key) => key.startsWith('queue:'));
  await Promise.allSettled([
    closeDb(),
    closeLiveHub(),
    redis?.quit(),
    ...(queuesOpen ? queueNames.map((name) => queue(name).close()) : []),
  ]);
  forget('redis');
}
