// Scale-out pieces of issue #20 on real servers: a Redis Cluster of three masters (Debian's redis-server) that the
// worker process relays and runs jobs through, each queue's keys on the one node its hash tag maps to; and a
// PostgreSQL streaming replica held 2 s behind its primary, behind which a user who just bought never sees the
// market without their purchase (read-your-writes, ADR 0055), while others may for those 2 s.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { and, eq, ne } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { Cluster, Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import * as schema from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { enqueue } from '../../app/lib/outbox.server';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import {
  type PostgresPairHandle,
  type RedisClusterHandle,
  startPostgresPair,
  startRedisCluster,
} from '../../scripts/cluster';
import { databaseUrl, ensureDatabase } from '../../scripts/databases';
import { queuePrefix } from '../../workers/queues';
import { type WebProcess, startWeb } from '../support/web-process';
import { startWorker, stopAllWorkers, waitFor } from '../support/worker-process';

let dir: string;
let cluster: RedisClusterHandle | undefined;
let pair: PostgresPairHandle | undefined;
let web: WebProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-scale-'));
  // Run as root, PostgreSQL runs as the postgres user, who must be able to reach its data directory.
  await chmod(dir, 0o755);
});

afterAll(async () => {
  await stopAllWorkers();
  await web?.stop();
  await cluster?.stop();
  await pair?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Redis Cluster', () => {
  it('the worker relays and runs a job through the cluster, its queue’s keys all in its hash tag’s slot', async () => {
    cluster = await startRedisCluster(path.join(dir, 'redis'));
    startWorker({ REDIS_CLUSTER_NODES: cluster.nodes });
    const jobId = await db.transaction((tx) =>
      enqueue(tx, 'listings', 'reindex-category', { categoryId: 'whiteleg-shrimp' }),
    );
    const client = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: null } },
    );
    const listings = new Queue('listings', { connection: client, prefix: queuePrefix('listings') });
    try {
      const job = await waitFor('the job completed through the cluster', async () => {
        const found = await listings.getJob(jobId);
        return found && (await found.isCompleted()) ? found : null;
      });
      expect(job.name).toBe('reindex-category');
      expect(job.data).toEqual({ categoryId: 'whiteleg-shrimp' });

      // Where the keys are: every node asked for its own keys of this queue; only the slot's owner has any.
      const tag = queuePrefix('listings').slice(1, -1);
      const slot = Number(await client.cluster('KEYSLOT', `{${tag}}`));
      const ranges = await client.cluster('SLOTS');
      const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
      const holders: number[] = [];
      for (const port of cluster.ports) {
        const node = new Redis(port, '127.0.0.1');
        const keys = await node.keys(`*${tag}*`);
        await node.quit();
        if (keys.length > 0) holders.push(port);
        for (const key of keys) expect(Number(await client.cluster('KEYSLOT', key))).toBe(slot);
      }
      expect(owner).toBeDefined();
      expect(holders).toEqual([owner]);
    } finally {
      await listings.close();
      client.disconnect();
      await stopAllWorkers();
    }
  });
});

describe('a streaming replica 2 s behind', () => {
  it('a buyer who just bought sees the market with their purchase; others see the replica’s view until it catches up', async () => {
    pair = await startPostgresPair(path.join(dir, 'pg'), { applyDelaySeconds: 2 });
    await ensureDatabase(pair.primaryUrl, 'wharf_scale', { fresh: true });
    const primaryUrl = databaseUrl(pair.primaryUrl, 'wharf_scale');
    const replicaUrl = databaseUrl(pair.replicaUrl, 'wharf_scale');
    await migrateDatabase(primaryUrl);
    const primarySql = postgres(primaryUrl, { max: 2, onnotice: () => {} });
    const replicaSql = postgres(replicaUrl, { max: 2, onnotice: () => {} });
    const primary = drizzle(primarySql, { schema });
    try {
      await primary.transaction((tx) => seedDemoMarket(tx as never));
      // A live lot of the shrimp farm, bought by the restaurant.
      const [lot] = await primary
        .select()
        .from(schema.listings)
        .where(
          and(
            eq(schema.listings.sellerOrgId, 'org_haixing'),
            eq(schema.listings.status, 'live'),
            eq(schema.listings.saleMode, 'fixed'),
            ne(schema.listings.quantityAvailable, 0),
          ),
        )
        .limit(1);
      expect(lot).toBeDefined();
      await waitFor('the replica to hold the seeded lot', async () => {
        const rows = await replicaSql`select quantity_available from listings where id = ${lot.id}`;
        return rows.length === 1;
      });

      web = await startWeb({
        DATABASE_URL: primaryUrl,
        DATABASE_REPLICA_URL: replicaUrl,
        READ_YOUR_WRITES_SECONDS: '5',
      });
      const session = await commitSessionCookie(
        await createSession(primary as never, { userId: 'usr_yuewei', activeOrgId: 'org_yuewei' }),
      );
      const cookie = session.split(';')[0];
      const search = `${web.base}/market?q=${encodeURIComponent(lot.titleZh ?? '')}&_data=routes%2Fmarket._index`;
      const stockSeen = async (cookies: string) => {
        const response = await fetch(search, { headers: cookies ? { cookie: cookies } : {} });
        expect(response.status).toBe(200);
        const data = (await response.json()) as { items: { id: string; quantityAvailable: number }[] };
        return data.items.find((item) => item.id === lot.id)?.quantityAvailable;
      };
      expect(await stockSeen(cookie)).toBe(lot.quantityAvailable);

      const bought = lot.minOrderQuantity;
      const started = Date.now();
      const response = await fetch(`${web.base}/orders/new?listingId=${lot.id}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ listingId: lot.id, quantity: String(bought / 1000), unit: 'kg' }),
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toMatch(/^\/orders\/ord_/);
      const fresh = response.headers
        .getSetCookie()
        .find((c) => c.startsWith('wharf_fresh='))
        ?.split(';')[0];
      expect(fresh).toBe('wharf_fresh=1');

      // The buyer's own view: the primary, so the purchase is there at once.
      expect(await stockSeen(`${cookie}; ${fresh}`)).toBe(lot.quantityAvailable - bought);
      const anonymous = await stockSeen('');
      // Another visitor reads the replica: while it is still within its 2 s delay it shows the stock before the
      // purchase (on a machine slow enough to take longer than that, the replica may have caught up already).
      if (Date.now() - started < 1_500) expect(anonymous).toBe(lot.quantityAvailable);
      // Within a few seconds everyone sees it.
      await waitFor(
        'the replica to catch up',
        async () => (await stockSeen('')) === lot.quantityAvailable - bought,
        { timeoutMs: 15_000, everyMs: 250 },
      );
    } finally {
      await primarySql.end({ timeout: 5 });
      await replicaSql.end({ timeout: 5 });
    }
  });
});
