// The quotes board and price-chart pages (/prices): their query strings checked, the rows sorted, grade names, CSV.
import { json } from '@remix-run/node';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { categories } from '../../db/schema';
import { parseAttributes } from '~/listings/catalogue';
import type { Locale, Translate } from '~/lib/i18n';
import { notFound } from '~/lib/http.server';
import { addDays, marketToday } from '~/lib/market-time';
import { toDecimalString } from '~/lib/money';
import { pricePerUnit } from '~/lib/units';
import { type SeriesPoint, priceSeries } from './queries.server';

export type PriceUnit = 'kg' | 'jin';
export const BOARD_SORTS = ['category', 'vwap', 'change', 'reference', 'volume', 'trades'] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];
export const CHART_RANGES = [30, 90, 365] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

export type BoardQuery = {
  day: string;
  categoryId: string | null;
  origin: string | null;
  grade: string | null;
  unit: PriceUnit;
  sort: BoardSort;
  dir: 'asc' | 'desc';
};

export type SeriesQuery = {
  range: ChartRange;
  unit: PriceUnit;
  origin: string | null;
};

type Parsed<T> = { ok: true; query: T } | { ok: false; what: string };

/** How far back the board may be asked for a day: the series pages cover a year, the board as far. */
export const OLDEST_DAYS = 730;
const MAX_TEXT = 80;

// A real calendar day: 2026-02-30 parses (to March 2) in JavaScript, so the round trip must give the same day.
const isDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  addDays(value, 0) === value;

/** A free-text filter value: short, no control characters; empty means "any". */
function textParam(url: URL, name: string): { ok: true; value: string | null } | { ok: false } {
  const value = url.searchParams.get(name)?.trim() ?? '';
  if (!value) return { ok: true, value: null };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (value.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(value)) return { ok: false };
  return { ok: true, value };
}

function unitParam(url: URL): PriceUnit | null {
  const unit = url.searchParams.get('unit') || 'kg';
  return unit === 'kg' || unit === 'jin' ? unit : null;
}

/** The board's filters from the URL; anything malformed is refused (400) rather than silently dropped. */
export function parseBoardQuery(url: URL, today: string): Parsed<BoardQuery> {
  const day = url.searchParams.get('day') || today;
  if (!isDay(day) || day > today || day < addDays(today, -OLDEST_DAYS)) return { ok: false, what: 'day' };
  const unit = unitParam(url);
  if (!unit) return { ok: false, what: 'unit' };
  const sort = url.searchParams.get('sort') || 'category';
  if (!(BOARD_SORTS as readonly string[]).includes(sort)) return { ok: false, what: 'sort' };
  const dir = url.searchParams.get('dir') || (sort === 'category' ? 'asc' : 'desc');
  if (dir !== 'asc' && dir !== 'desc') return { ok: false, what: 'dir' };
  const values: Record<'category' | 'origin' | 'grade', string | null> = {
    category: null,
    origin: null,
    grade: null,
  };
  for (const name of ['category', 'origin', 'grade'] as const) {
    const parsed = textParam(url, name);
    if (!parsed.ok) return { ok: false, what: name };
    values[name] = parsed.value;
  }
  if (values.category && !/^[a-z][a-z0-9-]{1,40}$/.test(values.category))
    return { ok: false, what: 'category' };
  return {
    ok: true,
    query: {
      day,
      categoryId: values.category,
      origin: values.origin,
      grade: values.grade,
      unit,
      sort: sort as BoardSort,
      dir,
    },
  };
}

/** The 400 a malformed link gets: said in the reader's words on the error page, nothing looked up. */
export function queryError(what: string): Response {
  return json(
    { messageKey: 'prices.errors.query', params: { what } },
    { status: 400, headers: { 'Cache-Control': 'no-store' } },
  );
}

/** A chart page's options: the period, the unit, one origin or all, and whether it is the CSV. */
export function parseSeriesQuery(url: URL): Parsed<SeriesQuery> {
  const range = Number(url.searchParams.get('range') || '30');
  if (!(CHART_RANGES as readonly number[]).includes(range)) return { ok: false, what: 'range' };
  const unit = unitParam(url);
  if (!unit) return { ok: false, what: 'unit' };
  const origin = textParam(url, 'origin');
  if (!origin.ok) return { ok: false, what: 'origin' };
  return { ok: true, query: { range: range as ChartRange, unit, origin: origin.value } };
}

/**
 * What a chart page and its CSV both start from: the options checked (400), the category found (404), the
 * period ending today in market time, and the series of it.
 */
export async function loadSeries(
  db: DbOrTx,
  request: Request,
  params: { categoryId?: string; grade?: string },
) {
  const parsed = parseSeriesQuery(new URL(request.url));
  if (!parsed.ok) throw queryError(parsed.what);
  const { query } = parsed;
  const grade = params.grade ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (!grade || grade.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(grade)) throw queryError('grade');
  const category = await categoryForPrices(db, params.categoryId ?? '');
  if (!category) throw notFound();
  const toDay = marketToday();
  const fromDay = addDays(toDay, -(query.range - 1));
  const points = await priceSeries(db, {
    categoryId: category.id,
    grade,
    origin: query.origin ?? undefined,
    fromDay,
    toDay,
  });
  return { query, category, grade, fromDay, toDay, points };
}

/** A category's names and how its grade values read (the enum options of its grade, count or size attribute). */
export async function categoryForPrices(
  db: DbOrTx,
  categoryId: string,
): Promise<{
  id: string;
  nameZh: string;
  nameEn: string;
  gradeNames: Record<string, { zh: string; en: string }>;
} | null> {
  const [row] = await db
    .select({
      id: categories.id,
      nameZh: categories.nameZh,
      nameEn: categories.nameEn,
      attributes: categories.attributes,
    })
    .from(categories)
    .where(eq(categories.id, categoryId));
  if (!row) return null;
  return { id: row.id, nameZh: row.nameZh, nameEn: row.nameEn, gradeNames: gradeNamesOf(row.attributes) };
}

/** Every category's grade names, for the board (one query, not one per row). */
export async function gradeNamesByCategory(
  db: DbOrTx,
): Promise<Map<string, Record<string, { zh: string; en: string }>>> {
  const rows = await db.select({ id: categories.id, attributes: categories.attributes }).from(categories);
  return new Map(rows.map((row) => [row.id, gradeNamesOf(row.attributes)]));
}

// The same attributes the market-data job reads a trade's grade from, in the same order.
const GRADE_KEYS = ['grade', 'count', 'size'];

function gradeNamesOf(stored: unknown): Record<string, { zh: string; en: string }> {
  let attributes: ReturnType<typeof parseAttributes>;
  try {
    attributes = parseAttributes(stored);
  } catch {
    return {};
  }
  const names: Record<string, { zh: string; en: string }> = {};
  for (const key of [...GRADE_KEYS].reverse()) {
    const attribute = attributes.find((a) => a.key === key);
    if (attribute?.type !== 'enum') continue;
    for (const option of attribute.options) names[option.value] = option.label;
  }
  return names;
}

/** A grade value as the reader says it: the option's label, "统货" for ungraded, else the value itself. */
export function gradeName(
  names: Record<string, { zh: string; en: string }> | undefined,
  grade: string,
  locale: Locale,
  t: Translate,
): string {
  if (grade === 'ungraded') return t('prices.ungraded');
  const label = names?.[grade];
  return label ? (locale === 'en' ? label.en : label.zh) : grade;
}

/** Change of a price against an earlier one, in tenths of a percent (half away from zero), or null. */
export function changePermille(now: number, before: number | null): number | null {
  if (before === null || before <= 0) return null;
  const permille = ((now - before) * 1000) / before;
  return Math.sign(permille) * Math.round(Math.abs(permille));
}

type SortableRow = {
  /** The row's place in the board's natural order (category, grade, origin). */
  order: number;
  vwapFen: number;
  volumeGrams: number;
  trades: number;
  changePermille: number | null;
  referencePermille: number | null;
};

/** Sorts board rows by a column; rows without a figure for it (no yesterday, no reference) go last either way. */
export function sortBoard<R extends SortableRow>(rows: R[], sort: BoardSort, dir: 'asc' | 'desc'): R[] {
  const sign = dir === 'asc' ? 1 : -1;
  const natural = (a: R, b: R) => a.order - b.order;
  const figure = (row: R): number | null => {
    switch (sort) {
      case 'vwap':
        return row.vwapFen;
      case 'change':
        return row.changePermille;
      case 'reference':
        return row.referencePermille;
      case 'volume':
        return row.volumeGrams;
      case 'trades':
        return row.trades;
      default:
        return null;
    }
  };
  return [...rows].sort((a, b) => {
    if (sort === 'category') return sign * natural(a, b);
    const fa = figure(a);
    const fb = figure(b);
    if (fa === null || fb === null) return fa === fb ? natural(a, b) : fa === null ? 1 : -1;
    return sign * (fa - fb) || natural(a, b);
  });
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A volume in kg or 斤 with up to three decimals, exact ("1.5", "0.001"). */
function volumeIn(grams: number, unit: PriceUnit): string {
  const per = unit === 'kg' ? 1000 : 500;
  const whole = Math.floor(grams / per);
  const rest = grams % per;
  if (rest === 0) return String(whole);
  const fraction = String(Math.round((rest * 1000) / per))
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${whole}.${fraction}`;
}

/**
 * A series as CSV: a UTF-8 byte-order mark first (Excel then reads the Chinese headers right), CRLF line ends,
 * prices in yuan with two decimals in the chosen unit, volumes in that unit.
 */
export function seriesCsv(points: readonly SeriesPoint[], unit: PriceUnit, t: Translate): string {
  const unitWord = t(unit === 'kg' ? 'prices.unit.kg' : 'prices.unit.jin');
  const volumeWord = t(unit === 'kg' ? 'prices.unit.kgShort' : 'prices.unit.jinShort');
  const header = [
    t('prices.csv.day'),
    t('prices.csv.vwap', { unit: unitWord }),
    t('prices.csv.low', { unit: unitWord }),
    t('prices.csv.high', { unit: unitWord }),
    t('prices.csv.volume', { unit: volumeWord }),
    t('prices.csv.trades'),
  ];
  const price = (fen: number) => toDecimalString(pricePerUnit(fen, unit));
  const lines = [
    header,
    ...points.map((p) => [
      p.day,
      price(p.vwapFen),
      price(p.lowFen),
      price(p.highFen),
      volumeIn(p.volumeGrams, unit),
      String(p.trades),
    ]),
  ];
  return `\uFEFF${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Content-Disposition for a download: `asciiName` for old clients, the exact (Chinese) name as filename*. */
export function attachment(fileName: string, asciiName: string): string {
  const ascii = asciiName.replace(/[^A-Za-z0-9._-]+/g, '_');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: characters no file system takes in a name.
  const exact = fileName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(exact)}`;
}
