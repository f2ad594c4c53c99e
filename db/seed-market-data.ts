// Demo price history for the seeded market (called by db/seed.ts after the lots exist): 60 market days of trades
// around each seeded lot's own price, so the quotes board and its charts have something to show (#15).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { categories, listings, marketTrades, priceTiers } from './schema';
import { rebuildMarketAggregates, tradeGrade } from '../app/market-data/index.server';
import { addDays, marketDate, marketDayAt, marketToday } from '../app/lib/market-time';

const DAYS = 60;
const BUYERS = ['org_yuewei', 'org_xianfeng'];

/** A small seeded PRNG (mulberry32): the same history on every seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Trades of the demo market's own lots sold by weight, 1–3 a day per lot over the last 60 market days up to now,
 * at prices that drift around the lot's entry price. Their order ids start with `demo_`: there are no orders
 * behind them (source 'seed'), so no report mistakes them for a real sale.
 */
export async function seedDemoMarketData(tx: DbOrTx): Promise<void> {
  const lots = await tx
    .select({
      id: listings.id,
      sellerOrgId: listings.sellerOrgId,
      categoryId: listings.categoryId,
      spec: listings.spec,
      origin: listings.originRegion,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(and(eq(listings.status, 'live'), eq(categories.baseUnit, 'g')))
    .orderBy(asc(listings.id));
  if (lots.length === 0) return;
  const tiers = await tx
    .select()
    .from(priceTiers)
    .where(
      inArray(
        priceTiers.listingId,
        lots.map((lot) => lot.id),
      ),
    )
    .orderBy(asc(priceTiers.minQuantity));
  const entryPrice = new Map<string, number>();
  for (const tier of tiers)
    if (!entryPrice.has(tier.listingId)) entryPrice.set(tier.listingId, tier.unitPriceFen);

  const random = prng(15);
  const now = Date.now();
  const today = marketToday();
  const rows: (typeof marketTrades.$inferInsert)[] = [];
  for (const [l, lot] of lots.entries()) {
    const price = entryPrice.get(lot.id);
    if (!price) continue;
    const phase = random() * Math.PI * 2;
    for (let back = DAYS - 1; back >= 0; back--) {
      const day = addDays(today, -back);
      const trades = 1 + Math.floor(random() * 3);
      for (let k = 0; k < trades; k++) {
        const at = marketDayAt(
          day,
          `${String(6 + k * 4).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}`,
        );
        // Never in the future: today's trades are those before now.
        if (at.getTime() > now) continue;
        const drift = 1 + 0.08 * Math.sin(phase + (DAYS - back) / 9);
        const priceFenPerKg = Math.max(1, Math.round(price * drift * (0.95 + random() * 0.1)));
        const weightGrams = (5 + Math.floor(random() * 76)) * 10_000;
        rows.push({
          orderId: `demo_${String(l).padStart(2, '0')}_${day}_${k}`,
          categoryId: lot.categoryId,
          grade: tradeGrade(lot.spec),
          origin: lot.origin,
          day: marketDate(at),
          completedAt: at,
          priceFenPerKg,
          weightGrams,
          amountFen: Math.round((priceFenPerKg * weightGrams) / 1000),
          source: 'seed',
          sellerOrgId: lot.sellerOrgId,
          buyerOrgId: BUYERS[Math.floor(random() * BUYERS.length)],
        });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 1_000)
    await tx
      .insert(marketTrades)
      .values(rows.slice(i, i + 1_000))
      .onConflictDoNothing();
  await rebuildMarketAggregates(tx);
}
