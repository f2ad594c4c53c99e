// Market data reads (#15): the quotes board, a price series, the reference price and the board's filters.
// Every query reads market_day_aggregates only, never the trades table (ADR 0036).
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { addDays } from '../lib/market-time';

/** Days of trades the reference price covers: the 14 market days before the day asked about. */
export const REFERENCE_WINDOW_DAYS = 14;

export type BoardRow = {
  categoryId: string;
  categoryName: { zh: string; en: string };
  grade: string;
  origin: string;
  /** Volume-weighted average price of the day, fen per kg, half-up. */
  vwapFen: number;
  lowFen: number;
  highFen: number;
  volumeGrams: number;
  trades: number;
  /** The VWAP of the same category, grade and origin on its previous trading day (any earlier day with trades). */
  prevVwapFen: number | null;
  /** The category × grade reference price over the 14 days before `day` (see referencePriceFen). */
  referenceFen: number | null;
};

export type SeriesPoint = {
  day: string;
  vwapFen: number;
  lowFen: number;
  highFen: number;
  volumeGrams: number;
  trades: number;
};

export type BoardFilters = {
  categories: { id: string; name: { zh: string; en: string } }[];
  origins: string[];
  grades: string[];
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function assertDay(day: string): string {
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || addDays(day, 0) !== day)
    throw new RangeError(`not a market day: ${JSON.stringify(day)}`);
  return day;
}

/** Σ(price × grams) / Σ grams, rounded half-up to whole fen (numeric division; round() takes .5 away from zero). */
const vwap = (value: SQL, weight: SQL) => sql`round(${value}::numeric / nullif(${weight}, 0))::bigint`;

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

type BoardSqlRow = {
  category_id: string;
  name_zh: string;
  name_en: string;
  grade: string;
  origin: string;
  vwap: string;
  low: string;
  high: string;
  weight: string;
  trades: number;
  prev_vwap: string | null;
  reference: string | null;
};

/**
 * The latest market day before `day` with any trade, not further back than `oldest`; null when none. The board
 * opens on it while the day has no trade yet (before the first sale of the morning, or on a quiet day).
 */
export async function latestTradingDayBefore(
  db: DbOrTx,
  day: string,
  oldest: string,
): Promise<string | null> {
  const [row] = (await db.execute(
    sql`select max(day)::text as day from market_day_aggregates where day < ${day}::date and day >= ${oldest}::date`,
  )) as unknown as { day: string | null }[];
  return row?.day ?? null;
}

/** The board of one market day: one row per category × grade × origin that traded that day. */
export async function quotesBoard(
  db: DbOrTx,
  filter: { day: string; categoryId?: string; origin?: string; grade?: string },
): Promise<BoardRow[]> {
  const day = assertDay(filter.day);
  const from = addDays(day, -REFERENCE_WINDOW_DAYS);
  const category = filter.categoryId ? sql`and a.category_id = ${filter.categoryId}` : sql``;
  const conditions = [sql`t.weight_grams is not null`];
  if (filter.origin) conditions.push(sql`t.origin = ${filter.origin}`);
  if (filter.grade) conditions.push(sql`t.grade = ${filter.grade}`);
  // One pass over 15 days' rows (adjacent in the covering day index), grouped by category, grade and origin: the
  // day's own figures, the reference window's sums, and the latest earlier day's value and weight (the greatest
  // [day, value, weight] array) — no join back and no sort of the window's ~4,000 rows on their text keys, which
  // had taken most of the time. The reference sums every origin of a category and grade (a window over the
  // groups), so it is taken before the origin filter. Only a row whose last trade is older than the window
  // looks further back, by its own index probe.
  const rows = (await db.execute(sql`
    with groups as (
      select a.category_id, a.grade, a.origin,
        max(a.value_milli_fen) filter (where a.day = ${day}::date) as value_milli_fen,
        max(a.weight_grams) filter (where a.day = ${day}::date) as weight_grams,
        max(a.low_fen_per_kg) filter (where a.day = ${day}::date) as low_fen_per_kg,
        max(a.high_fen_per_kg) filter (where a.day = ${day}::date) as high_fen_per_kg,
        max(a.trades) filter (where a.day = ${day}::date) as trades,
        sum(a.value_milli_fen) filter (where a.day < ${day}::date) as window_value,
        sum(a.weight_grams) filter (where a.day < ${day}::date) as window_weight,
        max(array[a.day - date '2000-01-01', a.value_milli_fen, a.weight_grams])
          filter (where a.day < ${day}::date) as prev
      from market_day_aggregates a
      where a.day >= ${from}::date and a.day <= ${day}::date ${category}
      group by a.category_id, a.grade, a.origin
    ),
    board as (
      select g.*, sum(g.window_value) over w as ref_value, sum(g.window_weight) over w as ref_weight
      from groups g
      window w as (partition by g.category_id, g.grade)
    )
    select t.category_id, c.name_zh, c.name_en, t.grade, t.origin,
      ${vwap(sql`t.value_milli_fen`, sql`t.weight_grams`)} as vwap,
      t.low_fen_per_kg as low, t.high_fen_per_kg as high, t.weight_grams as weight, t.trades,
      coalesce(${vwap(sql`t.prev[2]`, sql`t.prev[3]`)}, (
        select ${vwap(sql`o.value_milli_fen`, sql`o.weight_grams`)} from market_day_aggregates o
        where o.category_id = t.category_id and o.grade = t.grade and o.origin = t.origin and o.day < ${from}::date
        order by o.day desc limit 1
      )) as prev_vwap,
      ${vwap(sql`t.ref_value`, sql`t.ref_weight`)} as reference
    from board t
    join categories c on c.id = t.category_id
    where ${sql.join(conditions, sql` and `)}
    order by c.sort, c.id, t.grade, t.origin`)) as unknown as BoardSqlRow[];
  return rows.map((row) => ({
    categoryId: row.category_id,
    categoryName: { zh: row.name_zh, en: row.name_en },
    grade: row.grade,
    origin: row.origin,
    vwapFen: num(row.vwap),
    lowFen: num(row.low),
    highFen: num(row.high),
    volumeGrams: num(row.weight),
    trades: num(row.trades),
    prevVwapFen: numOrNull(row.prev_vwap),
    referenceFen: numOrNull(row.reference),
  }));
}

/** Daily prices of one category and grade from `fromDay` to `toDay` (both included); all origins unless one is named. */
export async function priceSeries(
  db: DbOrTx,
  filter: { categoryId: string; grade: string; origin?: string; fromDay: string; toDay: string },
): Promise<SeriesPoint[]> {
  const fromDay = assertDay(filter.fromDay);
  const toDay = assertDay(filter.toDay);
  const origin = filter.origin ? sql`and a.origin = ${filter.origin}` : sql``;
  const rows = (await db.execute(sql`
    select to_char(a.day, 'YYYY-MM-DD') as day,
      ${vwap(sql`sum(a.value_milli_fen)`, sql`sum(a.weight_grams)`)} as vwap,
      min(a.low_fen_per_kg) as low, max(a.high_fen_per_kg) as high,
      sum(a.weight_grams) as weight, sum(a.trades) as trades
    from market_day_aggregates a
    where a.category_id = ${filter.categoryId} and a.grade = ${filter.grade}
      and a.day between ${fromDay}::date and ${toDay}::date ${origin}
    group by a.day
    order by a.day`)) as unknown as {
    day: string;
    vwap: string;
    low: string;
    high: string;
    weight: string;
    trades: string;
  }[];
  return rows.map((row) => ({
    day: row.day,
    vwapFen: num(row.vwap),
    lowFen: num(row.low),
    highFen: num(row.high),
    volumeGrams: num(row.weight),
    trades: num(row.trades),
  }));
}

/**
 * The reference price of a category and grade for `day`: the volume-weighted average price (fen per kg, half-up)
 * of all origins' trades on the 14 market days from `day` − 14 up to and including `day` − 1. The day itself is
 * left out, so the reference does not move during the day it is used on. Null when nothing traded in the window.
 */
export async function referencePriceFen(
  db: DbOrTx,
  filter: { categoryId: string; grade: string; day: string },
): Promise<number | null> {
  const day = assertDay(filter.day);
  const from = addDays(day, -REFERENCE_WINDOW_DAYS);
  const [row] = (await db.execute(sql`
    select ${vwap(sql`sum(a.value_milli_fen)`, sql`sum(a.weight_grams)`)} as reference
    from market_day_aggregates a
    where a.category_id = ${filter.categoryId} and a.grade = ${filter.grade}
      and a.day >= ${from}::date and a.day < ${day}::date`)) as unknown as { reference: string | null }[];
  return numOrNull(row?.reference);
}

/** The categories, origins and grades that have any market data, for the board's filter selects. */
export async function boardFilters(db: DbOrTx): Promise<BoardFilters> {
  const rows = (await db.execute(sql`
    select distinct a.category_id, c.name_zh, c.name_en, c.sort, a.grade, a.origin
    from market_day_aggregates a join categories c on c.id = a.category_id`)) as unknown as {
    category_id: string;
    name_zh: string;
    name_en: string;
    sort: number;
    grade: string;
    origin: string;
  }[];
  const categories = new Map<string, { id: string; name: { zh: string; en: string }; sort: number }>();
  for (const row of rows)
    categories.set(row.category_id, {
      id: row.category_id,
      name: { zh: row.name_zh, en: row.name_en },
      sort: row.sort,
    });
  return {
    categories: [...categories.values()]
      .sort((a, b) => a.sort - b.sort || a.id.localeCompare(b.id))
      .map(({ id, name }) => ({ id, name })),
    origins: [...new Set(rows.map((row) => row.origin))].sort((a, b) => a.localeCompare(b, 'zh-CN')),
    grades: [...new Set(rows.map((row) => row.grade))].sort(),
  };
}
