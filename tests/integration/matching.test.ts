// Matching through the outbox and a real worker: stored matches equal a direct computation, edits recompute, sellers are told once.
import { and, eq, like } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { categories, demands, matches, notificationEvents, outbox, organisations } from '../../db/schema';
import { createDemand, updateDemand } from '../../app/demand/demands.server';
import { parseDemandForm } from '../../app/demand/form.server';
import { marketToday } from '../../app/listings/form.server';
import { allSellableListings, toCandidateDemand } from '../../app/matching/candidates.server';
import { rankListings, recomputeDemandMatches } from '../../app/matching/matches.server';
import { setMarketSetting } from '../../app/market/settings.server';
import { processMatchingJob } from '../../workers/matching';
import { processModerationJob } from '../../workers/moderation';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { startWorker, stopAllWorkers, waitFor } from '../support/worker-process';

afterEach(stopAllWorkers);

let sellers: Seller[];
let buyer: Seller;
const lots: string[] = [];

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function shrimpDemand(fields: Record<string, string> = {}) {
  const [category] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
  const parsed = parseDemandForm(
    {
      categoryId: 'whiteleg-shrimp',
      'spec.count': '40/50,50/60',
      quantity: '800',
      unit: 'kg',
      targetPrice: '41',
      priceUnit: 'kg',
      deliveryCity: 'guangzhou',
      deliverBy: addDays(marketToday(), 3),
      coldChain: 'live',
      visibility: 'all',
      ...fields,
    },
    category,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.draft;
}

/** What the matcher should store for a demand, computed from every sellable lot of the market. */
async function direct(demandId: string) {
  const [row] = await db.select().from(demands).where(eq(demands.id, demandId));
  const ranked = rankListings(toCandidateDemand(row), await allSellableListings(db));
  return ranked.map((m) => ({ listingId: m.listing.id, score: m.result.score }));
}

async function stored(demandId: string) {
  const rows = await db.select().from(matches).where(eq(matches.demandId, demandId));
  return rows
    .map((m) => ({ listingId: m.listingId, score: m.score }))
    .sort((a, b) => b.score - a.score || a.listingId.localeCompare(b.listingId));
}

const screen = (listingId: string) => processModerationJob({ name: 'screen-listing', data: { listingId } });

beforeAll(async () => {
  sellers = [await verifiedSeller(db), await verifiedSeller(db), await verifiedSeller(db)];
  // Credit differs by seller, so the ranking has something to tell apart.
  await db
    .update(organisations)
    .set({ creditScore: 95, city: '湛江' })
    .where(eq(organisations.id, sellers[0].orgId));
  await db.update(organisations).set({ creditScore: 40 }).where(eq(organisations.id, sellers[1].orgId));
  for (const seller of sellers) lots.push(await liveShrimpLot(db, seller, '1000'));
  // A second batch of the same seller, titled apart so screening does not take it for a duplicate listing.
  lots.push(await liveShrimpLot(db, sellers[2], '200', { titleZh: '南美白对虾 40/50 头 鲜活 第二批 东塘' }));
  // Matching considers a lot once screening has cleared its version (ADR 0034).
  for (const listingId of lots) await screen(listingId);
  buyer = await buyerOrg();
  await setMarketSetting(db, 'matchNotifyThreshold', 60, buyer.userId);
});

describe('matching a demand', () => {
  it('enqueues through the outbox; the worker stores what a direct computation finds; an edit recomputes; the seller is told once', async () => {
    const demandId = await db.transaction(async (tx) =>
      createDemand(tx, { orgId: buyer.orgId, actorUserId: buyer.userId, draft: await shrimpDemand() }),
    );
    const queued = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'matching'), eq(outbox.name, 'demand-changed')));
    expect(queued.some((row) => (row.payload as { demandId: string }).demandId === demandId)).toBe(true);

    startWorker();
    const expected = await direct(demandId);
    expect(expected.length).toBe(4);
    await waitFor(
      'the worker stores the matches',
      async () => (await stored(demandId)).length === expected.length,
    );
    // The same lots with the same scores; freshness moves with the clock between the worker's run and this
    // one, so a score may round one point apart (about 3e-5 points a second), never more.
    const kept = await stored(demandId);
    expect(kept.map((m) => m.listingId).sort()).toEqual(expected.map((m) => m.listingId).sort());
    for (const m of kept) {
      const want = expected.find((e) => e.listingId === m.listingId)?.score ?? -10;
      expect(Math.abs(m.score - want), m.listingId).toBeLessThanOrEqual(1);
    }
    // Every part is kept for the pages, each 0–1.
    const [one] = await db.select().from(matches).where(eq(matches.demandId, demandId));
    expect(Object.keys(one.parts as object)).toEqual(
      expect.arrayContaining(['spec', 'quantity', 'price', 'distance', 'freshness', 'credit']),
    );

    const strong = expected.filter((m) => m.score >= 60);
    expect(strong.length).toBeGreaterThan(0);
    const sellerOf = new Map(lots.map((lot, i) => [lot, sellers[Math.min(i, 2)].orgId]));
    const key = `match:${demandId}:${strong[0].listingId}:${sellerOf.get(strong[0].listingId)}`;
    await waitFor(
      'the seller is told',
      async () =>
        (await db.select().from(notificationEvents).where(eq(notificationEvents.dedupeKey, key))).length ===
        1,
    );

    // A lower target price: the price parts fall, the stored scores follow.
    const before = await stored(demandId);
    await db.transaction(async (tx) =>
      updateDemand(tx, { demandId, orgId: buyer.orgId, draft: await shrimpDemand({ targetPrice: '30' }) }),
    );
    const after = await direct(demandId);
    expect(after).not.toEqual(before);
    await waitFor(
      'the worker recomputes',
      async () => JSON.stringify(await stored(demandId)) === JSON.stringify(after),
    );

    // The edit did not tell anyone twice about the same pair.
    const told = await db
      .select()
      .from(notificationEvents)
      .where(like(notificationEvents.dedupeKey, `match:${demandId}:%`));
    const keys = told.map((event) => event.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k === key)).toHaveLength(1);
  });

  it('keeps nothing for a closed demand and nothing of another category or cold chain', async () => {
    const demandId = await db.transaction(async (tx) =>
      createDemand(tx, {
        orgId: buyer.orgId,
        actorUserId: buyer.userId,
        draft: await shrimpDemand({ coldChain: 'frozen' }),
      }),
    );
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await stored(demandId)).toEqual([]);

    const open = await db.transaction(async (tx) =>
      createDemand(tx, { orgId: buyer.orgId, actorUserId: buyer.userId, draft: await shrimpDemand() }),
    );
    await processMatchingJob({ name: 'demand-changed', data: { demandId: open } });
    expect((await stored(open)).length).toBeGreaterThan(0);
    await db.update(demands).set({ status: 'closed' }).where(eq(demands.id, open));
    await db.transaction((tx) => recomputeDemandMatches(tx, open));
    expect(await stored(open)).toEqual([]);
  });

  it('recomputes the demands a lot fits when the lot changes, and drops them when it leaves the market', async () => {
    const demandId = await db.transaction(async (tx) =>
      createDemand(tx, { orgId: buyer.orgId, actorUserId: buyer.userId, draft: await shrimpDemand() }),
    );
    const lot = await liveShrimpLot(db, sellers[0], '500', {
      titleZh: '南美白对虾 40/50 头 鲜活 第三批 南塘',
    });
    await screen(lot);
    await processMatchingJob({ name: 'listing-changed', data: { listingId: lot } });
    const rows = await db.select().from(matches).where(eq(matches.listingId, lot));
    expect(rows.map((r) => r.demandId)).toContain(demandId);
    const { listings } = await import('../../db/schema');
    await db.update(listings).set({ status: 'paused' }).where(eq(listings.id, lot));
    await processMatchingJob({ name: 'listing-changed', data: { listingId: lot } });
    expect(await db.select().from(matches).where(eq(matches.listingId, lot))).toHaveLength(0);
  });
});
