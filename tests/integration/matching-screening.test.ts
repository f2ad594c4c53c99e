// Matching waits for screening: a lot is matched only once screening clears it, and what matching told buyers about
// a lot that screening takes to review, or an operator removes, is withdrawn.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  categories,
  listings,
  matches,
  notificationDeliveries,
  notificationEvents,
  outbox,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { createDemand } from '../../app/demand/demands.server';
import { parseDemandForm } from '../../app/demand/form.server';
import { marketToday, parseListingForm } from '../../app/listings/form.server';
import { changeListingStatus, updateListing } from '../../app/listings/listings.server';
import { setMarketSetting } from '../../app/market/settings.server';
import { fanOut } from '../../app/notify/deliver.server';
import { decideListing } from '../../app/trust/moderation.server';
import { processMatchingJob } from '../../workers/matching';
import { processModerationJob } from '../../workers/moderation';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

let buyer: Seller;

async function openDemand(): Promise<string> {
  const [category] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
  const deliverBy = new Date(Date.parse(`${marketToday()}T00:00:00Z`) + 3 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const parsed = parseDemandForm(
    {
      categoryId: 'whiteleg-shrimp',
      'spec.count': '40/50',
      quantity: '800',
      unit: 'kg',
      targetPrice: '42',
      priceUnit: 'kg',
      deliveryCity: 'guangzhou',
      deliverBy,
      coldChain: 'live',
      visibility: 'all',
    },
    category,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const draft = parsed.draft;
  return db.transaction((tx) => createDemand(tx, { orgId: buyer.orgId, actorUserId: buyer.userId, draft }));
}

const matchingJobsFor = async (listingId: string) =>
  (
    await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'matching'), eq(outbox.name, 'listing-changed')))
  ).filter((row) => (row.payload as { listingId: string }).listingId === listingId);

const screen = (listingId: string) => processModerationJob({ name: 'screen-listing', data: { listingId } });

const noticesOf = (listingId: string) =>
  db
    .select()
    .from(notificationEvents)
    .where(
      and(
        eq(notificationEvents.type, 'demand-matched'),
        sql`split_part(${notificationEvents.dedupeKey}, ':', 3) = ${listingId}`,
      ),
    );

async function shrimpDraft(titleZh: string) {
  const categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
  const parsed = parseListingForm(
    {
      categoryId: 'whiteleg-shrimp',
      titleZh,
      originName: '湛江东海岛',
      originRegion: '广东',
      harvestDate: marketToday(),
      shelfLifeDays: '3',
      quantity: '1000',
      unit: 'kg',
      moq: '0.3',
      priceUnit: 'kg',
      'tiers.0.price': '42',
      saleMode: 'fixed',
      coldChain: 'live',
      pickupPlace: '湛江霞山水产品批发市场 3 号冷库',
      'spec.count': '40/50',
      'spec.state': 'live',
    },
    categoriesById,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.draft;
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  buyer = await buyerOrg();
  await setMarketSetting(db, 'matchNotifyThreshold', 1, buyer.userId);
});

describe('matching waits for screening', () => {
  it('a lot with a banned word is never matched; a clean one is matched once screening clears it', async () => {
    const demandId = await openDemand();
    const banned = await liveShrimpLot(db, await verifiedSeller(db), '1000', {
      titleZh: '南美白对虾 高仿进口 40/50',
    });
    const clean = await liveShrimpLot(db, await verifiedSeller(db), '1000', {
      titleZh: '南美白对虾 40/50 塘头鲜活 东塘',
    });
    // Written live (verified sellers), but no matching job yet: screening comes first.
    expect(await matchingJobsFor(banned)).toHaveLength(0);
    expect(await matchingJobsFor(clean)).toHaveLength(0);

    expect(await screen(banned)).toMatchObject({ status: 'pending_review' });
    expect(await screen(clean)).toMatchObject({ flagged: [], status: 'live' });
    expect(await matchingJobsFor(clean)).toHaveLength(1);
    // Whatever job runs for the banned lot finds nothing to match.
    expect(await processMatchingJob({ name: 'listing-changed', data: { listingId: banned } })).toEqual({
      stored: 0,
      notified: 0,
    });
    const result = await processMatchingJob({ name: 'listing-changed', data: { listingId: clean } });
    expect(result.stored).toBeGreaterThan(0);
    const stored = await db.select().from(matches).where(eq(matches.listingId, clean));
    expect(stored.map((m) => m.demandId)).toContain(demandId);
    expect(await noticesOf(banned)).toHaveLength(0);
    expect((await noticesOf(clean)).length).toBeGreaterThan(0);
  });

  it('a matched lot taken to review by its edit, or removed by an operator, has its matches and notices withdrawn', async () => {
    await openDemand();
    const seller = await verifiedSeller(db);
    const edited = await liveShrimpLot(db, seller, '1000', { titleZh: '南美白对虾 40/50 西塘 鲜活' });
    const removed = await liveShrimpLot(db, await verifiedSeller(db), '1000', {
      titleZh: '南美白对虾 40/50 南塘 鲜活',
    });
    for (const lot of [edited, removed]) {
      await screen(lot);
      expect(
        (await processMatchingJob({ name: 'listing-changed', data: { listingId: lot } })).notified,
      ).toBeGreaterThan(0);
    }
    const notices = await noticesOf(edited);
    for (const notice of notices) await fanOut(notice.id);
    expect(
      (
        await db
          .select()
          .from(notificationDeliveries)
          .where(eq(notificationDeliveries.eventId, notices[0].id))
      ).length,
    ).toBeGreaterThan(0);

    // The seller edits a banned word in; screening takes the lot to review and withdraws what matching said.
    await db.transaction(async (tx) =>
      updateListing(tx, {
        listingId: edited,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: await shrimpDraft('南美白对虾 40/50 西塘 高仿'),
      }),
    );
    expect(await screen(edited)).toMatchObject({ status: 'pending_review' });
    expect(await db.select().from(matches).where(eq(matches.listingId, edited))).toHaveLength(0);
    expect(await noticesOf(edited)).toHaveLength(0);
    expect(
      await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.eventId, notices[0].id)),
    ).toHaveLength(0);

    await db.transaction((tx) =>
      decideListing(tx, {
        listingId: removed,
        operatorUserId: 'usr_operator',
        decision: 'remove',
        reason: '图片与实物不符',
      }),
    );
    expect(await db.select().from(matches).where(eq(matches.listingId, removed))).toHaveLength(0);
    expect(await noticesOf(removed)).toHaveLength(0);
  });

  it('a demand posted while a lot waits for screening is not matched to it from either side until its version screens clean', async () => {
    const banned = await liveShrimpLot(db, await verifiedSeller(db), '1000', {
      titleZh: '南美白对虾 高仿进口 40/50 北塘',
    });
    const seller = await verifiedSeller(db);
    const clean = await liveShrimpLot(db, seller, '1000', { titleZh: '南美白对虾 40/50 北塘 鲜活' });
    // The lots are live (verified sellers) and their screening jobs wait in the outbox; a buyer posts a demand now,
    // and the demand's matching job runs first.
    const demandId = await openDemand();
    const matchedLots = async () =>
      (await db.select().from(matches).where(eq(matches.demandId, demandId))).map((m) => m.listingId);
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await matchedLots()).not.toContain(banned);
    expect(await matchedLots()).not.toContain(clean);
    expect(await noticesOf(banned)).toHaveLength(0);
    expect(await noticesOf(clean)).toHaveLength(0);
    // Nor from the lot's side (a job for it raised by anything else before its screening).
    expect(await processMatchingJob({ name: 'listing-changed', data: { listingId: banned } })).toEqual({
      stored: 0,
      notified: 0,
    });

    expect(await screen(banned)).toMatchObject({ status: 'pending_review' });
    expect(await screen(clean)).toMatchObject({ flagged: [], status: 'live' });
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await matchedLots()).toContain(clean);
    expect(await matchedLots()).not.toContain(banned);
    expect(await noticesOf(banned)).toHaveLength(0);

    // An edit is a new version: it is not matched until it is screened, though the lot stays live meanwhile.
    await db.transaction(async (tx) =>
      updateListing(tx, {
        listingId: clean,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: await shrimpDraft('南美白对虾 40/50 北塘 高仿'),
      }),
    );
    const [edited] = await db.select().from(listings).where(eq(listings.id, clean));
    expect(edited.status).toBe('live');
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await matchedLots()).not.toContain(clean);
    expect(await screen(clean)).toMatchObject({ status: 'pending_review' });
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await matchedLots()).not.toContain(clean);
  });

  it('a lot withdrawn and listed again keeps its version but waits for its new screening before it is matched', async () => {
    const seller = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, seller, '1000', { titleZh: '南美白对虾 40/50 西湾 鲜活' });
    await screen(lot);
    const demandId = await openDemand();
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    const matchedLots = async () =>
      (await db.select().from(matches).where(eq(matches.demandId, demandId))).map((m) => m.listingId);
    expect(await matchedLots()).toContain(lot);

    for (const action of ['withdraw', 'relist'] as const)
      await db.transaction((tx) =>
        changeListingStatus(tx, { listingId: lot, orgId: seller.orgId, actorUserId: seller.userId, action }),
      );
    const [relisted] = await db.select().from(listings).where(eq(listings.id, lot));
    expect(relisted).toMatchObject({ status: 'live', version: 1, screenedVersion: null });
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await matchedLots()).not.toContain(lot);
    expect(await screen(lot)).toMatchObject({ flagged: [], status: 'live' });
    await processMatchingJob({ name: 'demand-changed', data: { demandId } });
    expect(await matchedLots()).toContain(lot);
  });
});
