// Fixed-window counters in Redis, shared by every web process (login attempts and the like).
import { redis, redisKey } from './redis.server';

export async function isLimited(bucket: string, key: string, limit: number): Promise<boolean> {
  const value = await redis().get(redisKey('rl', bucket, key));
  return Number(value ?? 0) >= limit;
}

export async function hit(bucket: string, key: string, windowSeconds: number): Promise<number> {
  const name = redisKey('rl', bucket, key);
  const [[, count]] = (await redis().multi().incr(name).expire(name, windowSeconds, 'NX').exec()) as [
    [Error | null, number],
  ];
  return count;
}

export async function clear(bucket: string, key: string): Promise<void> {
  await redis().del(redisKey('rl', bucket, key));
}
