// Redis connections. Producers fail fast when Redis is down; workers wait (BullMQ production guide).
import { Redis, type RedisOptions } from 'ioredis';
import { env } from './env.server';
import { remember } from './remember.server';

export function redisConnection(role: 'producer' | 'worker' | 'subscriber' | 'client'): Redis {
  const options: RedisOptions =
    role === 'producer' || role === 'client'
      ? // A command waits at most 3 s: a web request answers 503 rather than hang while Redis is away, and a
        // loaded machine's slow answer is not taken for an outage (1.5 s turned a CI registration into a 503).
        {
          enableOfflineQueue: role === 'client',
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          commandTimeout: 3_000,
        }
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
