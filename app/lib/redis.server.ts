// Redis connections. Producers fail fast when Redis is down; workers wait (BullMQ production guide).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { env } from './env.server';
import { remember } from './remember.server';

/** A connection to a single Redis or to a Redis Cluster (REDIS_CLUSTER_NODES): every caller takes either. */
export type RedisClient = Redis | Cluster;

/** The cluster's seed nodes from REDIS_CLUSTER_NODES, or null for a single Redis at REDIS_URL. */
export function clusterNodes(spec = env().REDIS_CLUSTER_NODES): { host: string; port: number }[] | null {
  if (!spec) return null;
  return spec.split(',').map((pair) => {
    const at = pair.lastIndexOf(':');
    return { host: pair.slice(0, at), port: Number(pair.slice(at + 1)) };
  });
}

export function redisConnection(role: 'producer' | 'worker' | 'subscriber' | 'client'): RedisClient {
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
  const nodes = clusterNodes();
  // Each queue's keys share one hash tag (workers/queues.ts queuePrefix) and scripts over several keys take one tag
  // (app/lib/rate-limit.server.ts), so BullMQ's and the app's multi-key commands stay within one slot.
  if (nodes)
    return new Cluster(nodes, {
      redisOptions: options,
      enableOfflineQueue: options.enableOfflineQueue ?? true,
      // A failover or resharding moves slots: follow the redirections rather than fail the command.
      maxRedirections: 16,
      retryDelayOnFailover: 200,
    });
  return new Redis(env().REDIS_URL, { ...options, lazyConnect: false });
}

/** A new connection like `client` (a blocking reader, a subscriber), with some options changed. */
export function duplicateConnection(client: RedisClient, overrides: Partial<RedisOptions> = {}): RedisClient {
  if (client instanceof Cluster)
    return client.duplicate(undefined, { redisOptions: { ...client.options.redisOptions, ...overrides } });
  return client.duplicate(overrides);
}

/** The web process's general-purpose client (rate limits, pub/sub publishing). */
export function redis(): RedisClient {
  return remember('redis', () => redisConnection('client'));
}

/** Keys of this deployment (and, in tests, of this test file) live under one prefix. */
export function redisKey(...parts: string[]): string {
  return [env().QUEUE_PREFIX, ...parts].join(':');
}
