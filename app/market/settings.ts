// Market settings the operator sets: per category (fees, auction rules, windows, tolerances) and market-wide.
import { z } from 'zod';

export const incrementBandsSchema = z
  .array(
    z.object({
      fromFen: z.number().int().min(0),
      stepFen: z.number().int().min(1).max(10_000_000),
    }),
  )
  .min(1, 'errors.required')
  .max(20)
  .refine((bands) => bands[0]?.fromFen === 0, 'market.errors.firstBandFromZero')
  .refine(
    (bands) => bands.every((band, i) => i === 0 || band.fromFen > bands[i - 1].fromFen),
    'market.errors.bandsAscending',
  );

export type IncrementBands = z.infer<typeof incrementBandsSchema>;

/** The settings of one category, with the ranges the database's CHECK constraints also enforce. */
export const categorySettingsSchema = z.object({
  feeBps: z.number().int().min(0).max(5_000),
  inspectionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14),
  bidIncrements: incrementBandsSchema,
  softCloseSeconds: z.number().int().min(0).max(3_600),
  clockStepFen: z.number().int().min(1).max(1_000_000),
  clockTickMs: z.number().int().min(100).max(60_000),
  depositBps: z.number().int().min(0).max(10_000),
  excursionMinutes: z.number().int().min(1).max(1_440),
});

export type CategorySettings = z.infer<typeof categorySettingsSchema>;

/** The columns' defaults (db/schema/listings.ts), for code that builds a category in memory. */
export const DEFAULT_CATEGORY_SETTINGS: CategorySettings = {
  feeBps: 150,
  inspectionHours: 24,
  bidIncrements: [
    { fromFen: 0, stepFen: 10 },
    { fromFen: 1_000, stepFen: 50 },
    { fromFen: 10_000, stepFen: 100 },
    { fromFen: 100_000, stepFen: 1_000 },
  ],
  softCloseSeconds: 60,
  clockStepFen: 10,
  clockTickMs: 1_000,
  depositBps: 1_000,
  excursionMinutes: 20,
};

export { incrementAt } from './increments';

/** Market-wide settings (table `market_settings`), each with its schema and default. */
export const MARKET_SETTINGS = {
  /** A (demand, listing) match scoring at least this (0–100) notifies both sides once. */
  matchNotifyThreshold: { schema: z.number().int().min(0).max(100), fallback: 75 },
  /** Screening: a price more than this many median absolute deviations from the category's median is flagged. */
  priceOutlierMads: { schema: z.number().min(1).max(50), fallback: 5 },
  /** Screening: the category's recent prices are those of lots published in the last N days. */
  priceWindowDays: { schema: z.number().int().min(1).max(365), fallback: 30 },
  /**
   * Screening: where the category and grade have a reference price from real trades, a lot priced more than
   * this many percent above or below it is flagged (the median of asking prices is the fallback, ADR 0038).
   */
  referenceBandPct: { schema: z.number().int().min(5).max(500), fallback: 50 },
  /** Auctions: the lowest price an auction may sell at must be at least this percent of the reference (0 = no floor). */
  reserveFloorPct: { schema: z.number().int().min(0).max(100), fallback: 50 },
  /** Retention (app/privacy/retention.server.ts): a session ended (expired or revoked) this many days ago is deleted. */
  sessionRetentionDays: { schema: z.number().int().min(1).max(365), fallback: 30 },
  /** Retention: raw cold-chain telemetry (temperatures and vehicle positions) older than this many days is deleted. */
  telemetryRawDays: { schema: z.number().int().min(7).max(1095), fallback: 180 },
  /** Retention: kept e-mail bodies older than this many days are deleted. */
  emailBodyDays: { schema: z.number().int().min(1).max(365), fallback: 90 },
} as const;

export type MarketSettingKey = keyof typeof MARKET_SETTINGS;
export type MarketSettingValue<K extends MarketSettingKey> = z.infer<(typeof MARKET_SETTINGS)[K]['schema']>;
