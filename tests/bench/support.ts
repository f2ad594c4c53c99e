// What every benchmark needs: a fresh migrated database, a seeded PRNG, option parsing and the figures' arithmetic.
import { migrateDatabase } from '../../db/migrate';
import { ensureDatabase } from '../../scripts/databases';
import { type Service, ensurePostgres } from '../../scripts/services';

/** PostgreSQL (found or started) with `name` created anew and migrated; stop `pg` when done. */
export async function freshBenchDatabase(
  name: string,
  log: (message: string) => void,
): Promise<{ pg: Service; url: string }> {
  const pg = await ensurePostgres(log);
  const url = await ensureDatabase(pg.url, name, { fresh: true });
  await migrateDatabase(url);
  return { pg, url };
}

/** A small seeded PRNG (mulberry32), so every run generates the same market. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

/** A whole-number option from 1 to `max`, or `fallback` when it is not given; anything else stops the run. */
export function positiveInt(
  value: string | boolean | undefined,
  fallback: number,
  name: string,
  max: number,
): number {
  if (value === undefined || value === false) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** The nearest-rank percentile of ascending `sorted` (0 for no samples). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
