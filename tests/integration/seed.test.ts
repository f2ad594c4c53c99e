// The demo market seed: two dozen live lots from every seed seller, valid specs, photos in storage, and a second run a no-op.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auctions,
  categories,
  listingEvents,
  listingFiles,
  listings,
  priceTiers,
  users,
} from '../../db/schema';
import { DEMO_ORGS, seedDemoMarket } from '../../db/seed';
import { env } from '../../app/lib/env.server';
import { parseAttributes, specSchema } from '../../app/listings/catalogue';
import { marketToday } from '../../app/listings/form.server';

const storageRoot = () => path.resolve(env().STORAGE_DIR);

async function fileSize(key: string): Promise<number> {
  const info = await stat(path.join(storageRoot(), key)).catch(() => null);
  return info?.isFile() ? info.size : 0;
}

async function storedFileCount(): Promise<number> {
  const entries = await readdir(storageRoot(), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

async function snapshot() {
  const tally = async (
    table: typeof listings | typeof listingFiles | typeof listingEvents | typeof priceTiers,
  ) => (await db.select({ n: count() }).from(table))[0].n;
  return {
    listings: await tally(listings),
    files: await tally(listingFiles),
    events: await tally(listingEvents),
    tiers: await tally(priceTiers),
    users: (await db.select({ n: count() }).from(users))[0].n,
    stored: await storedFileCount(),
  };
}

beforeAll(async () => {
  const [{ n }] = await db.select({ n: count() }).from(users);
  expect(n).toBe(0);
  expect(await db.transaction((tx) => seedDemoMarket(tx))).toBe(true);
});

describe('the demo market seed', () => {
  it('lists at least 24 live lots, some from every seed seller', async () => {
    const rows = await db.select().from(listings);
    expect(rows.length).toBeGreaterThanOrEqual(24);
    expect(rows.every((row) => row.status === 'live')).toBe(true);
    const sellers = DEMO_ORGS.filter((org) => org.kind === 'seller').map((org) => org.id);
    for (const seller of sellers)
      expect(rows.filter((row) => row.sellerOrgId === seller).length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.sellerOrgId))).toEqual(new Set(sellers));
  });

  it('gives every lot titles in both languages, a fresh harvest, a future expiry, stock and tiers', async () => {
    const today = marketToday(env().MARKET_TIME_ZONE);
    const rows = await db.query.listings.findMany({ with: { tiers: true, events: true } });
    // The demo auctions take their quantity out of their lots' stock when they are created.
    const underAuction = new Map<string, number>();
    for (const auction of await db.select().from(auctions))
      underAuction.set(auction.listingId, (underAuction.get(auction.listingId) ?? 0) + auction.quantity);
    expect(underAuction.size).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.titleZh).toMatch(/\p{Script=Han}/u);
      expect(row.titleEn).toMatch(/[A-Za-z]/);
      expect(row.descriptionZh && row.descriptionEn).toBeTruthy();
      expect(row.harvestDate <= today).toBe(true);
      expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(row.quantityAvailable).toBe(row.quantityTotal - (underAuction.get(row.id) ?? 0));
      expect(row.minOrderQuantity).toBeLessThan(row.quantityTotal);
      expect(row.tiers.length).toBeGreaterThanOrEqual(2);
      expect(row.tiers.length).toBeLessThanOrEqual(3);
      // Prices fall as the quantity rises, and the first tier starts at the MOQ.
      const tiers = [...row.tiers].sort((a, b) => a.minQuantity - b.minQuantity);
      expect(tiers[0].minQuantity).toBe(row.minOrderQuantity);
      for (let i = 1; i < tiers.length; i++)
        expect(tiers[i].unitPriceFen).toBeLessThan(tiers[i - 1].unitPriceFen);
      expect(row.events.map((e) => e.toStatus).sort()).toEqual(['draft', 'live']);
    }
  });

  it('prices lots like a wholesale market does', async () => {
    const rows = await db.query.listings.findMany({ with: { tiers: true } });
    // Per kg (fen) for goods by weight, per piece for oysters; catches a unit slip such as 斤 read as kg.
    const bands: Record<string, [number, number]> = {
      'whiteleg-shrimp': [3_000, 5_000],
      oyster: [100, 400],
      pineapple: [450, 850],
      tilapia: [800, 3_000],
      banana: [350, 500],
      'sweet-potato': [250, 350],
    };
    for (const row of rows) {
      const band = bands[row.categoryId];
      if (!band) continue;
      for (const tier of row.tiers) {
        expect(tier.unitPriceFen, `${row.titleZh}`).toBeGreaterThanOrEqual(band[0]);
        expect(tier.unitPriceFen, `${row.titleZh}`).toBeLessThanOrEqual(band[1]);
      }
    }
  });

  it("gives every lot a spec its category's schema accepts", async () => {
    const byId = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
    const rows = await db.select().from(listings);
    expect(new Set(rows.map((row) => row.categoryId)).size).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      const category = byId.get(row.categoryId);
      expect(category, row.categoryId).toBeDefined();
      const parsed = specSchema(parseAttributes(category?.attributes)).safeParse(row.spec);
      expect(parsed.success, `${row.titleZh}: ${JSON.stringify(row.spec)}`).toBe(true);
    }
  });

  it('stores two photos per lot, each with its thumbnail', async () => {
    const rows = await db.select({ id: listings.id }).from(listings);
    for (const { id } of rows) {
      const files = await db.select().from(listingFiles).where(eq(listingFiles.listingId, id));
      expect(files.filter((f) => f.kind === 'photo')).toHaveLength(2);
      for (const file of files) {
        expect(await fileSize(file.storageKey)).toBe(file.bytes);
        expect(file.thumbKey).not.toBeNull();
        expect(await fileSize(file.thumbKey ?? '')).toBeGreaterThan(0);
      }
    }
    const [first] = await db.select().from(listingFiles).limit(1);
    const photo = await sharp(path.join(storageRoot(), first.storageKey)).metadata();
    expect(photo).toMatchObject({ format: 'jpeg', width: 800, height: 600 });
    const thumb = await sharp(path.join(storageRoot(), first.thumbKey ?? '')).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 480, height: 360 });
  });

  it('changes nothing when run again', async () => {
    const before = await snapshot();
    expect(await db.transaction((tx) => seedDemoMarket(tx))).toBe(false);
    expect(await snapshot()).toEqual(before);
  });
});
