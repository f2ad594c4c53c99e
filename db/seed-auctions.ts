// Demo auctions for the seeded market (called by db/seed.ts after the lots exist): an English auction running,
// a Dutch clock about to start, and a sealed bid — with times relative to now so the demo is live — plus deposits.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { categories, listings } from './schema';
import { createAuction } from '../app/auctions/auctions.server';
import { payInDeposit } from '../app/auctions/deposits.server';

const MINUTE = 60_000;

async function lot(tx: DbOrTx, sellerOrgId: string, titleZh: string) {
  const [row] = await tx
    .select({ id: listings.id, available: listings.quantityAvailable, baseUnit: categories.baseUnit })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(and(eq(listings.sellerOrgId, sellerOrgId), eq(listings.titleZh, titleZh)));
  return row ?? null;
}

export async function seedDemoAuctions(tx: DbOrTx): Promise<void> {
  const now = Date.now();
  // The demo buyers have paid deposits in, so they can bid straight away.
  for (const orgId of ['org_yuewei', 'org_xianfeng'])
    await payInDeposit(tx, { orgId, amountFen: 5_000_000, reference: 'demo-seed' });

  const shrimp = await lot(tx, 'org_haixing', '南美白对虾 30/40 头 大规格 鲜活');
  if (shrimp)
    await createAuction(tx, {
      listingId: shrimp.id,
      sellerOrgId: 'org_haixing',
      userId: 'usr_haixing',
      type: 'english',
      quantity: 200_000,
      priceUnit: 'kg',
      startPriceFen: 4_500,
      reservePriceFen: 4_650,
      startsAt: new Date(now - 30_000),
      endsAt: new Date(now + 120 * MINUTE),
    });

  const pineapple = await lot(tx, 'org_xuwen', '徐闻菠萝 巴厘 特级大果 产地直发');
  if (pineapple)
    await createAuction(tx, {
      listingId: pineapple.id,
      sellerOrgId: 'org_xuwen',
      userId: 'usr_xuwen',
      type: 'dutch',
      quantity: Math.min(1_000_000, pineapple.available),
      priceUnit: pineapple.baseUnit === 'piece' ? 'piece' : 'kg',
      startPriceFen: 600,
      floorPriceFen: 300,
      presalePriceFen: 580,
      startsAt: new Date(now + 3 * MINUTE),
    });

  const pompano = await lot(tx, 'org_haixing', '金鲳鱼 冰鲜 400-500 克/条');
  if (pompano)
    await createAuction(tx, {
      listingId: pompano.id,
      sellerOrgId: 'org_haixing',
      userId: 'usr_haixing',
      type: 'sealed',
      sealedPricing: 'second',
      quantity: Math.min(300_000, pompano.available),
      priceUnit: pompano.baseUnit === 'piece' ? 'piece' : 'kg',
      startPriceFen: 2_500,
      startsAt: new Date(now - 30_000),
      endsAt: new Date(now + 180 * MINUTE),
    });
}
