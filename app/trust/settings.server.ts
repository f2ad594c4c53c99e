// The operator's market settings forms: one category's trading rules and the market-wide keys, validated and audited.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { categories } from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import type { FieldErrors } from '../lib/forms.server';
import { parseMoney, toDecimalString } from '../lib/money';
import {
  type CategorySettings,
  MARKET_SETTINGS,
  type MarketSettingKey,
  categorySettingsSchema,
} from '../market/settings';
import { getCategorySettings, getMarketSetting, setMarketSetting } from '../market/settings.server';

export const MARKET_KEYS = Object.keys(MARKET_SETTINGS) as MarketSettingKey[];

/** A category's settings as the form shows them: money in yuan, increments one band per line ("from step"). */
export function settingsToForm(s: CategorySettings): Record<string, string> {
  return {
    feeBps: String(s.feeBps),
    inspectionHours: String(s.inspectionHours),
    bidIncrements: s.bidIncrements
      .map((b) => `${toDecimalString(b.fromFen)} ${toDecimalString(b.stepFen)}`)
      .join('\n'),
    softCloseSeconds: String(s.softCloseSeconds),
    clockStepYuan: toDecimalString(s.clockStepFen),
    clockTickMs: String(s.clockTickMs),
    depositBps: String(s.depositBps),
    excursionMinutes: String(s.excursionMinutes),
  };
}

const int = (v: string | undefined) => (v !== undefined && /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN);
const fen = (v: string | undefined) => {
  const parsed = parseMoney((v ?? '').trim());
  return parsed.ok ? parsed.amount : Number.NaN;
};

/** The form back into settings; every field out of range gets its own message naming the range. */
export function parseSettingsForm(
  values: Record<string, string>,
): { ok: true; value: CategorySettings } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const bands = (values.bidIncrements ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [from, step, extra] = line.split(/[\s,，]+/);
      return extra === undefined
        ? { fromFen: fen(from), stepFen: fen(step) }
        : { fromFen: Number.NaN, stepFen: Number.NaN };
    });
  if (bands.some((b) => Number.isNaN(b.fromFen) || Number.isNaN(b.stepFen)))
    errors.bidIncrements = 'console.settings.errors.bands';
  const candidate = {
    feeBps: int(values.feeBps),
    inspectionHours: int(values.inspectionHours),
    bidIncrements: bands,
    softCloseSeconds: int(values.softCloseSeconds),
    clockStepFen: fen(values.clockStepYuan),
    clockTickMs: int(values.clockTickMs),
    depositBps: int(values.depositBps),
    excursionMinutes: int(values.excursionMinutes),
  };
  const parsed = categorySettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const field = key === 'clockStepFen' ? 'clockStepYuan' : key;
      errors[field] ??=
        key === 'bidIncrements' && issue.message.startsWith('market.')
          ? issue.message
          : `console.settings.range.${key}`;
    }
  }
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

export async function saveCategorySettings(
  tx: DbOrTx,
  input: { categoryId: string; operatorUserId: string; settings: CategorySettings },
) {
  const before = await getCategorySettings(tx, input.categoryId);
  if (!before) return false;
  await tx.update(categories).set(input.settings).where(eq(categories.id, input.categoryId));
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    action: 'settings.category',
    subjectType: 'category',
    subjectId: input.categoryId,
    detail: { before, after: input.settings },
  });
  return true;
}

export async function marketSettingsNow(tx: DbOrTx) {
  const entries = await Promise.all(
    MARKET_KEYS.map(async (key) => [key, await getMarketSetting(tx, key)] as const),
  );
  return Object.fromEntries(entries) as Record<MarketSettingKey, number>;
}

/** Validates every posted market-wide key first, then writes and audits each change. */
export async function saveMarketSettings(
  tx: DbOrTx,
  input: { values: Record<string, string>; operatorUserId: string },
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const parsed: Partial<Record<MarketSettingKey, number>> = {};
  for (const key of MARKET_KEYS) {
    // A key the form did not post at all (a page from before the key existed) stays as it is; a blank one is an error.
    if (input.values[key] === undefined) continue;
    const raw = input.values[key].trim();
    const result = MARKET_SETTINGS[key].schema.safeParse(raw === '' ? Number.NaN : Number(raw));
    if (result.success) parsed[key] = result.data;
    else errors[key] = `console.settings.range.${key}`;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const before = await marketSettingsNow(tx);
  for (const key of MARKET_KEYS) {
    const value = parsed[key];
    if (value === undefined || before[key] === value) continue;
    await setMarketSetting(tx, key, value as never, input.operatorUserId);
    await appendAudit(tx, {
      actorUserId: input.operatorUserId,
      action: 'settings.market',
      subjectType: 'market_setting',
      subjectId: key,
      detail: { before: before[key], after: value },
    });
  }
  return { ok: true };
}
