// Live updates across processes: Redis pub/sub, consumed by server-sent-event streams in any web process.
import { type RedisClient, redis, redisConnection, redisKey } from './redis.server';
import { remember } from './remember.server';

export type LiveEvent = { type: string; [key: string]: unknown };
type Listener = (event: LiveEvent) => void;

export function userChannel(userId: string): string {
  return redisKey('live', 'user', userId);
}

export async function publish(channel: string, event: LiveEvent): Promise<void> {
  await redis().publish(channel, JSON.stringify(event));
}

/** One subscriber connection per process, multiplexed over all open streams. */
const hub = () =>
  remember('live-hub', () => {
    const listeners = new Map<string, Set<Listener>>();
    let connection: RedisClient | undefined;
    const connect = () => {
      if (connection) return connection;
      connection = redisConnection('subscriber');
      connection.on('message', (channel: string, message: string) => {
        const set = listeners.get(channel);
        if (!set) return;
        let event: LiveEvent;
        try {
          event = JSON.parse(message) as LiveEvent;
        } catch {
          return;
        }
        for (const listener of set) listener(event);
      });
      connection.on('error', () => {});
      return connection;
    };
    return {
      listeners,
      connect,
      close: async () => {
        await connection?.quit().catch(() => {});
        connection = undefined;
      },
    };
  });

export async function subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
  const { listeners, connect } = hub();
  let set = listeners.get(channel);
  if (!set) {
    set = new Set();
    listeners.set(channel, set);
    await connect().subscribe(channel);
  }
  set.add(listener);
  return async () => {
    set.delete(listener);
    if (set.size === 0) {
      listeners.delete(channel);
      await connect()
        .unsubscribe(channel)
        .catch(() => {});
    }
  };
}

export async function closeLiveHub(): Promise<void> {
  await hub().close();
}
