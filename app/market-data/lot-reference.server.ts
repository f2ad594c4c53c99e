// The market's reference price as the rest of the market reads it for one lot: screening, the reserve floor, the lot page.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { categories } from '../../db/schema';
import { marketToday } from '../lib/market-time';
import { getMarketSetting } from '../market/settings.server';
import { UNGRADED, tradeGrade } from './index.server';
import { referencePriceFen } from './queries.server';

type Lot = { categoryId: string; spec: unknown };

/** Which reference a lot reads: its category and grade, or null when the category sells by the piece. */
export async function lotReferenceKey(
  tx: DbOrTx,
  lot: Lot,
): Promise<{ categoryId: string; grade: string } | null> {
  const [category] = await tx
    .select({ baseUnit: categories.baseUnit })
    .from(categories)
    .where(eq(categories.id, lot.categoryId));
  // The reference is per kg; a lot sold by the piece has none.
  if (!category || category.baseUnit !== 'g') return null;
  // 'ungraded' pools every lot of the category without a grade (live tilapia and frozen fillets, oysters of every
  // size): an index bucket, not a price a lot can be held to.
  const grade = tradeGrade(lot.spec);
  return grade === UNGRADED ? null : { categoryId: lot.categoryId, grade };
}

/** Today's reference price (fen per kg) of the lot's category and grade in market time, or null without one. */
export async function lotReferencePriceFen(
  tx: DbOrTx,
  lot: Lot,
  day = marketToday(),
): Promise<number | null> {
  const key = await lotReferenceKey(tx, lot);
  if (!key) return null;
  return referencePriceFen(tx, { ...key, day });
}

export type ReserveFloor = { pct: number; referenceFen: number; minFenPerKg: number };

/** The lowest per-kg price an auction of the lot may sell at, or null when there is no floor (no reference, or 0 %). */
export async function reserveFloorOf(tx: DbOrTx, lot: Lot): Promise<ReserveFloor | null> {
  const pct = await getMarketSetting(tx, 'reserveFloorPct');
  if (pct === 0) return null;
  const referenceFen = await lotReferencePriceFen(tx, lot);
  if (referenceFen === null) return null;
  // Rounded up: a floor of 50 % of ¥25.01 is ¥12.51, never a fen under the share.
  return { pct, referenceFen, minFenPerKg: Math.ceil((referenceFen * pct) / 100) };
}

export type LotReference = { fenPerKg: number; categoryId: string; grade: string };

/**
 * What the lot page shows: today's reference of the lot's category and grade (with where its chart is), or null.
 * The page has read the lot, its spec and its category's base unit already: one statement, for the price.
 */
export async function listingReference(
  tx: DbOrTx,
  lot: Lot & { baseUnit: string },
): Promise<LotReference | null> {
  if (lot.baseUnit !== 'g') return null;
  const grade = tradeGrade(lot.spec);
  if (grade === UNGRADED) return null;
  const key = { categoryId: lot.categoryId, grade };
  const fenPerKg = await referencePriceFen(tx, { ...key, day: marketToday() });
  return fenPerKg === null ? null : { fenPerKg, ...key };
}
