// Worker processes announce themselves in Redis, so readiness checks can tell that jobs will be processed.
import { hostname } from 'node:os';
import { redis, redisKey } from './redis.server';

const KEY = () => redisKey('workers', 'heartbeats');
export const HEARTBEAT_MS = 5_000;
const STALE_MS = 3 * HEARTBEAT_MS;

/** Beats until stopped; the returned function removes this process from the set. */
export function startHeartbeat(): () => Promise<void> {
  const member = `${hostname()}:${process.pid}`;
  const beat = () =>
    redis()
      .zadd(KEY(), Date.now(), member)
      .catch(() => 0);
  void beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis()
      .zrem(KEY(), member)
      .catch(() => 0);
  };
}

/** How many worker processes beat within the last few intervals. */
export async function liveWorkers(): Promise<number> {
  const now = Date.now();
  await redis().zremrangebyscore(KEY(), 0, now - 10 * STALE_MS);
  return redis().zcount(KEY(), now - STALE_MS, '+inf');
}
