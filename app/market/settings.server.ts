// Reading and writing market settings; every write is validated and audited by the caller's operator action.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { categories, marketSettings } from '../../db/schema';
import {
  type CategorySettings,
  MARKET_SETTINGS,
  type MarketSettingKey,
  type MarketSettingValue,
  categorySettingsSchema,
} from './settings';

export async function getMarketSetting<K extends MarketSettingKey>(
  tx: DbOrTx,
  key: K,
): Promise<MarketSettingValue<K>> {
  const [row] = await tx.select().from(marketSettings).where(eq(marketSettings.key, key));
  const parsed = MARKET_SETTINGS[key].schema.safeParse(row?.value);
  return (parsed.success ? parsed.data : MARKET_SETTINGS[key].fallback) as MarketSettingValue<K>;
}

export async function setMarketSetting<K extends MarketSettingKey>(
  tx: DbOrTx,
  key: K,
  value: MarketSettingValue<K>,
  userId: string,
): Promise<void> {
  const valid = MARKET_SETTINGS[key].schema.parse(value);
  await tx
    .insert(marketSettings)
    .values({ key, value: valid, updatedBy: userId })
    .onConflictDoUpdate({
      target: marketSettings.key,
      set: { value: valid, updatedBy: userId, updatedAt: new Date() },
    });
}

/** A category's settings; null when it does not exist. */
export async function getCategorySettings(tx: DbOrTx, categoryId: string): Promise<CategorySettings | null> {
  const [row] = await tx
    .select({
      feeBps: categories.feeBps,
      inspectionHours: categories.inspectionHours,
      bidIncrements: categories.bidIncrements,
      softCloseSeconds: categories.softCloseSeconds,
      clockStepFen: categories.clockStepFen,
      clockTickMs: categories.clockTickMs,
      depositBps: categories.depositBps,
      excursionMinutes: categories.excursionMinutes,
    })
    .from(categories)
    .where(eq(categories.id, categoryId));
  return row ? categorySettingsSchema.parse(row) : null;
}
