// Lots past their shelf life leave the market: the listings worker's expiry sweep, called directly and through BullMQ.
import { type ChildProcess, spawn } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { listingEvents, listings } from '../../db/schema';
import { EXPIRE_EVERY_MS, processListingJob } from '../../workers/listings';
import { queue } from '../../workers/queues';
import { nodeArgs } from '../../scripts/build';
import { repoRoot } from '../../scripts/services';
import { ensureAppBuild } from '../support/app-build';
import { type Seller, liveShrimpLot, verifiedSeller } from '../support/listings';

const running = new Set<ChildProcess>();

function startWorker() {
  // The bundle the market runs, by node itself, so SIGTERM reaches the process that closes the pools.
  ensureAppBuild();
  const child = spawn(process.execPath, nodeArgs('worker'), {
    cwd: repoRoot,
    env: { ...process.env, WORKER_LOCK_MS: '1500', LOG_LEVEL: 'warn', WHARF_SERVICE: 'worker' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function stopWorker(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await done;
}

afterEach(async () => {
  await Promise.all([...running].map(stopWorker));
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let seller: Seller;

beforeAll(async () => {
  seller = await verifiedSeller(db);
});

/** A live lot whose shelf life ended a minute ago (as if harvested days back and never sold). */
async function staleLot(): Promise<string> {
  const id = await liveShrimpLot(db, seller);
  await db.$sql`update listings set expires_at = now() - interval '1 minute' where id = ${id}`;
  return id;
}

async function state(id: string) {
  const [row] = await db
    .select({ status: listings.status, statusReason: listings.statusReason })
    .from(listings)
    .where(eq(listings.id, id));
  return row;
}

const expiryEvents = (id: string) =>
  db
    .select()
    .from(listingEvents)
    .where(and(eq(listingEvents.listingId, id), eq(listingEvents.toStatus, 'expired')));

async function allEvents() {
  return db.select({ id: listingEvents.id }).from(listingEvents);
}

describe('the expiry sweep', () => {
  it('expires a lot past its shelf life once, with an event, and leaves a fresh lot live', async () => {
    const stale = await staleLot();
    const fresh = await liveShrimpLot(db, seller);

    expect(await processListingJob({ name: 'expire', data: {} })).toEqual({ expired: 1 });
    expect(await state(stale)).toEqual({ status: 'expired', statusReason: 'shelf life ended' });
    expect(await expiryEvents(stale)).toEqual([
      expect.objectContaining({ reason: 'shelf life ended', actorUserId: null }),
    ]);
    expect(await state(fresh)).toMatchObject({ status: 'live' });
    expect(await expiryEvents(fresh)).toHaveLength(0);

    // A second run (a retry, or two workers overlapping) finds nothing more to do.
    const eventsBefore = await allEvents();
    expect(await processListingJob({ name: 'expire', data: {} })).toEqual({ expired: 0 });
    expect(await state(stale)).toMatchObject({ status: 'expired' });
    expect(await state(fresh)).toMatchObject({ status: 'live' });
    expect(await allEvents()).toEqual(eventsBefore);
  });

  it('refuses for good a job it does not know or a payload that does not fit', async () => {
    await expect(processListingJob({ name: 'expire-everything', data: {} })).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
    await expect(processListingJob({ name: 'expire', data: null })).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
  });

  it('runs in a worker process, which also keeps exactly one repeatable schedule however often it starts', async () => {
    const stale = await staleLot();
    // A title of its own: the worker screens this lot too, and a copy of the earlier tests' lots is a near-duplicate.
    const fresh = await liveShrimpLot(db, seller, '1000', { titleZh: '东海岛现捞基围虾 当天发车' });
    const worker = startWorker();

    const job = await queue('listings').add('expire', {});
    await waitFor('the expiry job completed', async () => (await job.getState()) === 'completed');
    expect(await state(stale)).toMatchObject({ status: 'expired' });
    expect(await expiryEvents(stale)).toHaveLength(1);
    expect(await state(fresh)).toMatchObject({ status: 'live' });
    // The worker's own scheduled sweep may have run first and found the lot already expired.
    const done = await queue('listings').getJob(job.id ?? '');
    expect(done?.returnvalue).toEqual({ expired: expect.any(Number) });

    const schedulers = await queue('listings').getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: 'expire-lots', name: 'expire', every: EXPIRE_EVERY_MS }),
    ]);

    // A restart (or a second worker) upserts the same schedule instead of adding another.
    await stopWorker(worker);
    startWorker();
    const again = await queue('listings').add('expire', {});
    await waitFor('the second expiry job completed', async () => (await again.getState()) === 'completed');
    expect(await queue('listings').getJobSchedulers()).toHaveLength(1);
    expect(await expiryEvents(stale)).toHaveLength(1);
  });
});
