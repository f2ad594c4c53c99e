// Redis connections. Producers fail fast when Redis is down; workers wait (BullMQ production guide).
import { Redis, type RedisOptions } from 'ioredis';
import { env } from './env.server';
import { remember } from './remember.server';

export function redisConnection(role: 'producer' | 'worker' | 'subscriber' | 'client'): Redis {
  const options: RedisOptions =
    role === 'producer' || role === 'client'
      ? { enableOfflineQueue: role === 'client', maxRetriesPerRequest: 2, connectTimeout: 5_000 }
      : { maxRetriesPerRequest: null };
  return new Redis(env().REDIS_URL, { ...options, lazyConnect: false });
}

/** The web process's general-purpose client (rate limits, pub/sub publishing). */
export function redis(): Redis {
  return remember('redis', () => redisConnection('client'));
}

/** Keys of this deployment (and, in tests, of this test file) live under one prefix. */
export function redisKey(...parts: string[]): string {
  return [env().QUEUE_PREFIX, ...parts].join(':');
}
