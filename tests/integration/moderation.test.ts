// Listing moderation: screening flags (banned words, outlier prices, duplicates), the review queue and the operator's decisions.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auditLog,
  listingEvents,
  listings,
  memberships,
  notificationEvents,
  organisations,
  outbox,
  screeningFlags,
  users,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { marketToday, parseListingForm } from '../../app/listings/form.server';
import { changeListingStatus, createListing, updateListing } from '../../app/listings/listings.server';
import { setMarketSetting } from '../../app/market/settings.server';
import { action as reviewsAction, loader as reviewsLoader } from '../../app/routes/operator.reviews';
import { action as wordsAction } from '../../app/routes/operator.words';
import { renderNotification } from '../../app/notify/render';
import { screenListing } from '../../app/trust/moderation.server';
import { processModerationJob } from '../../workers/moderation';
import { call, formRequest, getRequest, logInAs } from '../support/http';
import { type Seller, verifiedSeller } from '../support/listings';
import { categories } from '../../db/schema';

const args = (request: Request) => ({ request, params: {}, context: {} });

let operator = '';
beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  operator = await logInAs('operator@wharf.test');
});

async function unverifiedSeller(): Promise<Seller> {
  const seller = await verifiedSeller(db);
  await db
    .update(organisations)
    .set({ verification: 'unverified' })
    .where(eq(organisations.id, seller.orgId));
  return seller;
}

async function draftOf(overrides: Record<string, string> = {}) {
  const categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
  const parsed = parseListingForm(
    {
      categoryId: 'whiteleg-shrimp',
      titleZh: '南美白对虾 40/50 头 鲜活',
      originName: '湛江东海岛',
      originRegion: '广东',
      harvestDate: marketToday(),
      shelfLifeDays: '3',
      quantity: '500',
      unit: 'kg',
      moq: '1',
      priceUnit: 'kg',
      'tiers.0.price': '42',
      saleMode: 'fixed',
      coldChain: 'live',
      pickupPlace: '湛江霞山水产品批发市场 3 号冷库',
      'spec.count': '40/50',
      'spec.state': 'live',
      ...overrides,
    },
    categoriesById,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.draft;
}

async function list(seller: Seller, overrides: Record<string, string> = {}) {
  return db.transaction(async (tx) =>
    createListing(tx, {
      orgId: seller.orgId,
      actorUserId: seller.userId,
      draft: await draftOf(overrides),
      submit: true,
    }),
  );
}

const screen = (listingId: string) => processModerationJob({ name: 'screen-listing', data: { listingId } });

async function statusOf(id: string) {
  const [row] = await db.select().from(listings).where(eq(listings.id, id));
  return row;
}

describe('screening', () => {
  it('leaves every seeded demo lot live and unflagged', async () => {
    const demo = await db.select({ id: listings.id }).from(listings).where(eq(listings.status, 'live'));
    for (const lot of demo) await screen(lot.id);
    const flags = await db.select().from(screeningFlags);
    expect(flags).toEqual([]);
    const stillLive = await db.select({ id: listings.id }).from(listings).where(eq(listings.status, 'live'));
    expect(stillLive.length).toBe(demo.length);
  });

  it('is enqueued by the outbox on create and edit', async () => {
    const seller = await verifiedSeller(db);
    const { id } = await list(seller, { titleZh: '排队筛查测试 白对虾' });
    const jobs = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'moderation'), eq(outbox.name, 'screen-listing')));
    expect(jobs.some((j) => (j.payload as { listingId: string }).listingId === id)).toBe(true);
  });

  it('flags a banned word in Chinese with no spaces around it and takes a verified seller’s live lot back to review', async () => {
    const seller = await verifiedSeller(db);
    const { id, status } = await list(seller, { titleZh: '南美白对虾高仿进口虾 40/50' });
    expect(status).toBe('live');
    const result = (await screen(id)) as { flagged: string[]; status: string };
    expect(result).toMatchObject({ flagged: ['banned_word'], status: 'pending_review' });
    const lot = await statusOf(id);
    expect(lot.status).toBe('pending_review');
    expect(lot.statusReason).toContain('高仿');
    const [flag] = await db.select().from(screeningFlags).where(eq(screeningFlags.listingId, id));
    expect(flag).toMatchObject({ kind: 'banned_word', detail: { words: ['高仿'] } });
    const notices = await db.select().from(notificationEvents).where(eq(notificationEvents.subjectId, id));
    expect(notices.map((n) => n.type)).toContain('listing-flagged');
    // The notice reads in each recipient's language, though the stored reason is Chinese.
    const flagged = notices.find((n) => n.type === 'listing-flagged');
    const params = (flagged?.params ?? {}) as Record<string, string>;
    expect(renderNotification('zh-CN', 'listing-flagged', params).body).toContain('高仿');
    expect(renderNotification('en', 'listing-flagged', params).body).toContain(
      'banned or counterfeit-suspect',
    );
    // Run again, as a retried job would: nothing more.
    expect(await screen(id)).toMatchObject({ flagged: [] });
    expect(await db.select().from(screeningFlags).where(eq(screeningFlags.listingId, id))).toHaveLength(1);
  });

  it('sends a verified seller’s draft that was flagged to review when it is submitted, not live', async () => {
    const seller = await verifiedSeller(db);
    const { id, status } = await db.transaction(async (tx) =>
      createListing(tx, {
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: await draftOf({ titleZh: '南美白对虾高仿草稿 40/50' }),
        submit: false,
      }),
    );
    expect(status).toBe('draft');
    expect(await screen(id)).toMatchObject({ flagged: ['banned_word'], status: 'draft' });
    // Submitting does not change the version, so its screening finds the flags already there.
    const submitted = await db.transaction((tx) =>
      changeListingStatus(tx, {
        listingId: id,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        action: 'submit',
      }),
    );
    expect(submitted).toBe('live');
    expect(await screen(id)).toMatchObject({ flagged: [], status: 'pending_review' });
    const lot = await statusOf(id);
    expect(lot.status).toBe('pending_review');
    expect(lot.statusReason).toContain('高仿');
    const notices = await db.select().from(notificationEvents).where(eq(notificationEvents.subjectId, id));
    expect(notices.filter((n) => n.type === 'listing-flagged')).toHaveLength(1);
    expect(await screen(id)).toMatchObject({ status: 'pending_review' });
  });

  it('flags English words whole, ignoring case', async () => {
    const seller = await unverifiedSeller();
    const { id, status } = await list(seller, { titleZh: '白对虾', titleEn: 'Premium REPLICA shrimp' });
    expect(status).toBe('pending_review');
    expect(await screen(id)).toMatchObject({ flagged: ['banned_word'] });
    expect((await statusOf(id)).statusReason).toContain('replica');
  });

  it('uses the list the operator edits: a word added in the console flags the next screening', async () => {
    const refused = await call(() =>
      wordsAction(args(formRequest('/operator/words', { intent: 'add', word: '  ' }, { cookie: operator }))),
    );
    expect(refused.status).toBe(400);
    const added = await call(() =>
      wordsAction(
        args(formRequest('/operator/words', { intent: 'add', word: '注水虾' }, { cookie: operator })),
      ),
    );
    expect(added.status).toBe(302);
    const seller = await verifiedSeller(db);
    const { id } = await list(seller, { titleZh: '便宜注水虾 大量' });
    expect(await screen(id)).toMatchObject({ flagged: ['banned_word'] });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'banned-word.added'));
    expect(entry.detail).toMatchObject({ word: '注水虾' });
  });

  it('flags a price far from the category’s recent prices, with the threshold the operator sets', async () => {
    const seller = await verifiedSeller(db);
    // The category's recent prices: a handful of lots around ¥40/kg. The count 20/30 has no trades, so no
    // reference price (the demo's trades give 40/50 one): the median of asking prices is the yardstick (ADR 0038).
    const count = { 'spec.count': '20/30' };
    for (const price of ['38', '40', '41', '42', '39', '40.5']) {
      const other = await verifiedSeller(db);
      const { id } = await list(other, { 'tiers.0.price': price, titleZh: `参考价对虾 ${price}`, ...count });
      await screen(id);
    }
    const cheap = await list(seller, { 'tiers.0.price': '4.2', titleZh: '白对虾 清仓特价', ...count });
    const result = (await screen(cheap.id)) as { flagged: string[] };
    expect(result.flagged).toContain('price_outlier');
    const [flag] = await db
      .select()
      .from(screeningFlags)
      .where(and(eq(screeningFlags.listingId, cheap.id), eq(screeningFlags.kind, 'price_outlier')));
    expect(flag.detail).toMatchObject({ priceFen: 420, threshold: 5 });
    expect((await statusOf(cheap.id)).statusReason).toMatch(/明显偏离/);

    // A looser threshold lets a moderately odd price through.
    await setMarketSetting(db, 'priceOutlierMads', 50, 'usr_operator');
    const odd = await list(seller, { 'tiers.0.price': '30', titleZh: '白对虾 小规格', ...count });
    expect(((await screen(odd.id)) as { flagged: string[] }).flagged).not.toContain('price_outlier');
    await setMarketSetting(db, 'priceOutlierMads', 5, 'usr_operator');
  });

  it('flags a near-duplicate of the same seller’s live lot (same category and spec, nearly the same title)', async () => {
    const seller = await verifiedSeller(db);
    const first = await list(seller, { titleZh: '湛江南美白对虾 40/50 头 塘头鲜活 当天捕捞' });
    await screen(first.id);
    const second = await list(seller, { titleZh: '湛江南美白对虾40/50头 塘头鲜活，当天捕捞！' });
    const result = (await screen(second.id)) as { flagged: string[] };
    expect(result.flagged).toEqual(['duplicate']);
    const [flag] = await db.select().from(screeningFlags).where(eq(screeningFlags.listingId, second.id));
    expect(flag.detail).toMatchObject({ duplicateOf: first.id });
    // Another spec is another lot.
    const other = await list(seller, {
      titleZh: '湛江南美白对虾 30/40 头 塘头鲜活 当天捕捞',
      'spec.count': '30/40',
    });
    expect(((await screen(other.id)) as { flagged: string[] }).flagged).toEqual([]);
  });

  it('puts a verified seller’s fixed lot back live when its edited version screens clean', async () => {
    const seller = await verifiedSeller(db);
    const { id } = await list(seller, { titleZh: '白对虾 假冒进口' });
    await screen(id);
    expect((await statusOf(id)).status).toBe('pending_review');
    await db.transaction(async (tx) =>
      updateListing(tx, {
        listingId: id,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: await draftOf({ titleZh: '白对虾 国产塘头' }),
      }),
    );
    expect(await screen(id)).toMatchObject({ flagged: [], status: 'live' });
    const open = await db
      .select()
      .from(screeningFlags)
      .where(and(eq(screeningFlags.listingId, id), isNull(screeningFlags.resolvedAt)));
    expect(open).toHaveLength(0);
  });

  it('drops screening’s reason from an unverified seller’s fixed lot, which still waits for an operator', async () => {
    const seller = await unverifiedSeller();
    const { id } = await list(seller, { titleZh: '白对虾 高仿进口 待修改' });
    await screen(id);
    expect(await statusOf(id)).toMatchObject({ status: 'pending_review' });
    expect((await statusOf(id)).statusReason).toContain('高仿');
    await db.transaction(async (tx) =>
      updateListing(tx, {
        listingId: id,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: await draftOf({ titleZh: '白对虾 国产塘头 已修改' }),
      }),
    );
    expect(await screen(id)).toMatchObject({ flagged: [], status: 'pending_review' });
    expect(await statusOf(id)).toMatchObject({ status: 'pending_review', statusReason: null });
  });
});

describe('the review queue', () => {
  it('shows waiting lots oldest first with the reason and the seller’s record; reject needs a reason; resubmit; approve', async () => {
    const seller = await unverifiedSeller();
    const older = await list(seller, { titleZh: '队列较早 白对虾 40/50' });
    await db
      .update(listingEvents)
      .set({ at: sql`now() - interval '2 hours'` })
      .where(eq(listingEvents.listingId, older.id));
    const newer = await list(seller, { titleZh: '队列较晚 白对虾 山寨货', 'spec.count': '30/40' });
    await screen(older.id);
    await screen(newer.id);

    const page = (await (
      await call(() => reviewsLoader(args(getRequest('/operator/reviews', { cookie: operator }))))
    ).json()) as {
      items: { id: string; flags: { kind: string }[]; verification: string; history: { live: number } }[];
    };
    const ids = page.items.map((i) => i.id);
    expect(ids.indexOf(older.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    const flagged = page.items.find((i) => i.id === newer.id);
    expect(flagged?.flags.map((f) => f.kind)).toEqual(['banned_word']);
    expect(flagged?.verification).toBe('unverified');

    const post = (fields: Record<string, string>, cookie = operator) =>
      call(() => reviewsAction(args(formRequest('/operator/reviews', fields, { cookie }))));
    const noReason = await post({ listingId: older.id, intent: 'reject', reason: '' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { errors: Record<string, string> }).errors.reason).toBe(
      'trust.errors.reasonRequired',
    );
    expect((await statusOf(older.id)).status).toBe('pending_review');

    expect(
      (await post({ listingId: older.id, intent: 'reject', reason: '请补充产地检疫证明照片' })).status,
    ).toBe(302);
    const rejected = await statusOf(older.id);
    expect(rejected).toMatchObject({ status: 'draft', statusReason: '请补充产地检疫证明照片' });
    const notices = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.subjectId, older.id));
    expect(notices.find((n) => n.type === 'listing-rejected')?.params).toMatchObject({
      reason: '请补充产地检疫证明照片',
    });

    // The seller fixes and resubmits: it waits again.
    const status = await db.transaction(async (tx) => {
      await updateListing(tx, {
        listingId: older.id,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: await draftOf({ titleZh: '队列较早 白对虾 40/50 附检疫证' }),
      });
      return changeListingStatus(tx, {
        listingId: older.id,
        orgId: seller.orgId,
        actorUserId: seller.userId,
        action: 'submit',
      });
    });
    expect(status).toBe('pending_review');
    expect((await post({ listingId: older.id, intent: 'approve' })).status).toBe(302);
    expect((await statusOf(older.id)).status).toBe('live');

    // Remove a live lot (reason required), and operators only.
    expect((await post({ listingId: older.id, intent: 'remove', reason: '' })).status).toBe(400);
    expect(
      (
        await post(
          { listingId: older.id, intent: 'remove', reason: '证照不符' },
          await logInAs('restaurant@wharf.test'),
        )
      ).status,
    ).toBe(403);
    expect((await post({ listingId: older.id, intent: 'remove', reason: '证照不符' })).status).toBe(302);
    expect((await statusOf(older.id)).status).toBe('removed');
    const actions = (await db.select().from(auditLog).where(eq(auditLog.subjectId, older.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(['listing.reject', 'listing.approve', 'listing.remove']);
    // Approving something not waiting is refused, not a 500.
    expect((await post({ listingId: older.id, intent: 'approve' })).status).toBe(409);
  });

  it('lets a lot approved in a version stay approved when a late screening job of that version runs', async () => {
    const seller = await unverifiedSeller();
    const { id } = await list(seller, { titleZh: '白对虾 高仿 审核通过' });
    await screen(id);
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'operator@wharf.test'));
    const { decideListing } = await import('../../app/trust/moderation.server');
    await db.transaction((tx) =>
      decideListing(tx, { listingId: id, operatorUserId: user.id, decision: 'approve' }),
    );
    await db.transaction((tx) => screenListing(tx, id));
    expect((await statusOf(id)).status).toBe('live');
    void memberships;
  });
});
