// Fixed-window counters in Redis, shared by every web process (login attempts and the like).
import { redis, redisKey } from './redis.server';

export async function hit(bucket: string, key: string, windowSeconds: number): Promise<number> {
  const name = redisKey('rl', bucket, key);
  const [[, count]] = (await redis().multi().incr(name).expire(name, windowSeconds, 'NX').exec()) as [
    [Error | null, number],
  ];
  return count;
}

export async function clear(bucket: string, key: string): Promise<void> {
  await withRedis(() => redis().del(redisKey('rl', bucket, key)));
}

/** Redis did not answer in time: callers answer 503 rather than let an attempt through unchecked. */
export class RateLimitUnavailable extends Error {}

/** One counter of an atomic check-and-count: `limit` 0 counts without checking. */
export type Window = { bucket: string; key: string; limit: number; windowSeconds: number };

// Checks every counter, then counts the attempt in all of them, in one step: parallel requests cannot
// all read "under the limit" before any of them counts (issue #21.3). Returns the 1-based index of the
// first full counter, or 0 when the attempt was counted.
const CHECK_AND_COUNT = `
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  if limit > 0 and tonumber(redis.call('GET', KEYS[i]) or '0') >= limit then return i end
end
for i = 1, #KEYS do
  redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[2 * i]) end
end
return 0`;

const REDIS_WAIT_MS = 1_500;

/** Runs a Redis call, turning an error or a wait past 1.5 s into RateLimitUnavailable. */
export async function withRedis<T>(run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RateLimitUnavailable('redis timed out')), REDIS_WAIT_MS);
      }),
    ]);
  } catch (error) {
    throw error instanceof RateLimitUnavailable ? error : new RateLimitUnavailable((error as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Counts one attempt against every window at once, unless one is already full: returns the full
 * window's bucket (the attempt was not counted) or null (counted, go ahead). The keys of one call
 * must share a Redis Cluster slot: give them the same `{…}` hash tag in `key`.
 */
export async function attempt(windows: Window[]): Promise<string | null> {
  const keys = windows.map((w) => redisKey('rl', w.bucket, w.key));
  const args = windows.flatMap((w) => [String(w.limit), String(w.windowSeconds)]);
  const full = Number(await withRedis(() => redis().eval(CHECK_AND_COUNT, keys.length, ...keys, ...args)));
  return full > 0 ? windows[full - 1].bucket : null;
}

/** Takes back one counted attempt (a login that turned out right should not use up the budget). */
export async function refund(bucket: string, key: string): Promise<void> {
  const name = redisKey('rl', bucket, key);
  await withRedis(() =>
    redis().eval("if redis.call('GET', KEYS[1]) then redis.call('DECR', KEYS[1]) end", 1, name),
  );
}

/** Marks a flag (a known sign-in address) for a while; `isMarked` reads it. */
export async function mark(bucket: string, key: string, seconds: number): Promise<void> {
  await withRedis(() => redis().set(redisKey('rl', bucket, key), '1', 'EX', seconds));
}

export async function isMarked(bucket: string, key: string): Promise<boolean> {
  return (await withRedis(() => redis().exists(redisKey('rl', bucket, key)))) === 1;
}
