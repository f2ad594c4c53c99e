// The operator console over HTTP: the dashboard's counts and the bull-board queue dashboard, operators only, with retry.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { seedDemoMarket } from '../../db/seed';
import { redisConnection } from '../../app/lib/redis.server';
import { loader as dashboardLoader } from '../../app/routes/operator._index';
import { createApp } from '../../server';
import { processModerationJob } from '../../workers/moderation';
import { queue, queuePrefix } from '../../workers/queues';
import { repoRoot } from '../../scripts/services';
import { call, getRequest, logInAs } from '../support/http';

let server: Server;
let base: string;
let operator = '';
let trader = '';

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  operator = await logInAs('operator@wharf.test');
  trader = await logInAs('shrimp@wharf.test');
  const build = (await import(pathToFileURL(path.join(repoRoot, 'build/index.js')).href)) as ServerBuild;
  const { app } = await createApp(build);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A job that fails for good in the moderation queue (a payload no processor accepts). */
async function failOneJob() {
  await queue('moderation').add(
    'screen-listing',
    { listingId: 1 },
    { attempts: 1, jobId: `bad-${Date.now()}` },
  );
  const worker = new Worker('moderation', processModerationJob, {
    connection: redisConnection('worker'),
    prefix: queuePrefix('moderation'),
  });
  await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
  await worker.close();
}

describe('the queue dashboard (bull-board)', () => {
  it('answers 403 to a signed-in non-operator and sends an anonymous caller to log in', async () => {
    const denied = await fetch(`${base}/operator/queues`, {
      headers: { cookie: trader },
      redirect: 'manual',
    });
    expect(denied.status).toBe(403);
    const api = await fetch(`${base}/operator/queues/api/queues`, {
      headers: { cookie: trader },
      redirect: 'manual',
    });
    expect(api.status).toBe(403);
    const anonymous = await fetch(`${base}/operator/queues`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
  });

  it('lists every queue to an operator, counts failed jobs on the console, and retries them', async () => {
    const page = await fetch(`${base}/operator/queues`, { headers: { cookie: operator } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('__UI_CONFIG__');
    const listed = (await (
      await fetch(`${base}/operator/queues/api/queues`, { headers: { cookie: operator } })
    ).json()) as {
      queues: { name: string }[];
    };
    expect(listed.queues.map((q) => q.name).sort()).toEqual(
      [
        'auctions',
        'b2b',
        'coldchain',
        'fairs',
        'farming',
        'listings',
        'matching',
        'moderation',
        'notifications',
        'orders',
        'privacy',
        'settlement',
      ].sort(),
    );

    await failOneJob();
    const console1 = (await (
      await call(() =>
        dashboardLoader({ request: getRequest('/operator', { cookie: operator }), params: {}, context: {} }),
      )
    ).json()) as {
      queues: { name: string; counts: Record<string, number> }[];
      counts: Record<string, number>;
    };
    expect(console1.queues.find((q) => q.name === 'moderation')?.counts.failed).toBe(1);
    expect(console1.counts).toMatchObject({ reports: 1, reviews: 0, disputes: 0 });

    // Retrying is a state change: a same-origin request as the dashboard's own page sends it.
    const retried = await fetch(`${base}/operator/queues/api/queues/moderation/retry/failed`, {
      method: 'PUT',
      headers: { cookie: operator, 'sec-fetch-site': 'same-origin' },
    });
    expect(retried.status).toBe(200);
    const counts = await queue('moderation').getJobCounts('failed', 'waiting');
    expect(counts).toEqual({ failed: 0, waiting: 1 });
    // A non-operator cannot.
    const refused = await fetch(`${base}/operator/queues/api/queues/moderation/retry/failed`, {
      method: 'PUT',
      headers: { cookie: trader, 'sec-fetch-site': 'same-origin' },
    });
    expect(refused.status).toBe(403);
  });
});
