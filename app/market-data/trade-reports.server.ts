// An org's own sales or purchases by month, category and grade, with its average price beside the market's VWAP; table and CSV.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type Locale, translator } from '../lib/i18n';
import { toDecimalString } from '../lib/money';

export type ReportSide = 'seller' | 'buyer';

export type ReportRow = {
  /** Market month, YYYY-MM (trade days are market days, Asia/Shanghai). */
  month: string;
  categoryId: string;
  categoryZh: string;
  categoryEn: string;
  grade: string;
  trades: number;
  weightGrams: number;
  amountFen: number;
  /** The org's volume-weighted average, fen per kg, rounded half-up. */
  avgFenPerKg: number;
  /** The whole market's VWAP of the same category, grade and month, fen per kg. */
  marketFenPerKg: number;
  /** How far the org's average is from the market's, percent with one decimal (positive: above). */
  diffPct: number;
};

export const REPORT_SORTS = ['month', 'category', 'weight', 'amount', 'avg', 'diff'] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];
export type SortDir = 'asc' | 'desc';

/** The sort from the URL; anything unknown falls back to newest month first. */
export function reportQuery(url: URL): { sort: ReportSort; dir: SortDir } {
  const sort = url.searchParams.get('sort');
  const dir = url.searchParams.get('dir');
  return {
    sort: (REPORT_SORTS as readonly string[]).includes(sort ?? '') ? (sort as ReportSort) : 'month',
    dir: dir === 'asc' ? 'asc' : 'desc',
  };
}

/**
 * The org's completed trades (the market's trade record, so a cancelled or refunded order is not in it) grouped
 * by month, category and grade, each with the market's VWAP of the same month, category and grade. The org's
 * side reads its own trades (an index on seller and on buyer); the market's side reads the day aggregates of
 * those keys and months only.
 */
export async function tradeReport(
  tx: DbOrTx,
  input: { orgId: string; side: ReportSide },
): Promise<ReportRow[]> {
  const party = input.side === 'seller' ? sql`t.seller_org_id` : sql`t.buyer_org_id`;
  // Both averages are Σ(price per kg × grams) / Σ grams, half-up, as the quotes board computes its VWAP; the
  // amount is the money that changed hands (after weighing), which is what the org's books show. Only trades with
  // an order behind them are the org's sales (the demo seed's price history has none); the market's VWAP counts all.
  const rows = (await tx.execute(sql`
    with mine as (
      select to_char(t.day, 'YYYY-MM') as month, t.category_id, t.grade,
             count(*)::int as trades, sum(t.weight_grams) as weight, sum(t.amount_fen) as amount,
             sum(t.price_fen_per_kg * t.weight_grams) as value
      from market_trades t
      join orders o on o.id = t.order_id
      where ${party} = ${input.orgId}
      group by 1, 2, 3
    ),
    market as (
      select to_char(a.day, 'YYYY-MM') as month, a.category_id, a.grade,
             sum(a.value_milli_fen) as value, sum(a.weight_grams) as weight
      from market_day_aggregates a
      join mine k on k.category_id = a.category_id and k.grade = a.grade
        and a.day >= to_date(k.month, 'YYYY-MM') and a.day < (to_date(k.month, 'YYYY-MM') + interval '1 month')
      group by 1, 2, 3
    )
    select m.month, m.category_id, c.name_zh, c.name_en, m.grade, m.trades,
           m.weight::text as weight, m.amount::text as amount,
           round(m.value::numeric / m.weight)::text as avg,
           round(k.value::numeric / k.weight)::text as market
    from mine m
    join market k on k.month = m.month and k.category_id = m.category_id and k.grade = m.grade
    join categories c on c.id = m.category_id`)) as unknown as {
    month: string;
    category_id: string;
    name_zh: string;
    name_en: string;
    grade: string;
    trades: number;
    weight: string;
    amount: string;
    avg: string;
    market: string;
  }[];
  return rows.map((r) => {
    const avg = Number(r.avg);
    const market = Number(r.market);
    return {
      month: r.month,
      categoryId: r.category_id,
      categoryZh: r.name_zh,
      categoryEn: r.name_en,
      grade: r.grade,
      trades: Number(r.trades),
      weightGrams: Number(r.weight),
      amountFen: Number(r.amount),
      avgFenPerKg: avg,
      marketFenPerKg: market,
      diffPct: market > 0 ? Math.round(((avg - market) * 1000) / market) / 10 : 0,
    };
  });
}

const compare: Record<ReportSort, (a: ReportRow, b: ReportRow) => number> = {
  month: (a, b) => a.month.localeCompare(b.month),
  category: (a, b) => a.categoryId.localeCompare(b.categoryId) || a.grade.localeCompare(b.grade),
  weight: (a, b) => a.weightGrams - b.weightGrams,
  amount: (a, b) => a.amountFen - b.amountFen,
  avg: (a, b) => a.avgFenPerKg - b.avgFenPerKg,
  diff: (a, b) => a.diffPct - b.diffPct,
};

/** Rows in the asked order; ties keep month (newest first), then category and grade, so the order is stable. */
export function sortReport(rows: ReportRow[], sort: ReportSort, dir: SortDir): ReportRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) => sign * compare[sort](a, b) || -compare.month(a, b) || compare.category(a, b),
  );
}

export type ReportTotals = { trades: number; weightGrams: number; amountFen: number; avgFenPerKg: number };

export function reportTotals(rows: ReportRow[]): ReportTotals | null {
  if (rows.length === 0) return null;
  const weightGrams = rows.reduce((sum, r) => sum + r.weightGrams, 0);
  const amountFen = rows.reduce((sum, r) => sum + r.amountFen, 0);
  return {
    trades: rows.reduce((sum, r) => sum + r.trades, 0),
    weightGrams,
    amountFen,
    // Half-up in integers: (2a·1000 + w) div 2w.
    avgFenPerKg: weightGrams > 0 ? Math.floor((2 * amountFen * 1000 + weightGrams) / (2 * weightGrams)) : 0,
  };
}

/** Kilograms with up to three decimals (grams are exact), as a spreadsheet reads them. */
export function kgString(grams: number): string {
  const kg = Math.trunc(grams / 1000);
  const rest = Math.abs(grams % 1000);
  return rest ? `${kg}.${String(rest).padStart(3, '0').replace(/0+$/, '')}` : String(kg);
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The report as CSV: a UTF-8 byte order mark first (so Excel on a Chinese Windows reads UTF-8, not GBK),
 * headers in the reader's language, amounts in yuan with two decimals and volumes in kg.
 */
export function reportCsv(rows: ReportRow[], side: ReportSide, locale: Locale): string {
  const t = translator(locale);
  const header = [
    t('tradeReport.col.month'),
    t('tradeReport.col.category'),
    t('tradeReport.col.grade'),
    t('tradeReport.col.trades'),
    t('tradeReport.col.weightKg'),
    side === 'seller' ? t('tradeReport.col.salesYuan') : t('tradeReport.col.purchasesYuan'),
    t('tradeReport.col.avgYuanPerKg'),
    t('tradeReport.col.marketYuanPerKg'),
    t('tradeReport.col.diffPct'),
  ];
  const lines = rows.map((r) => [
    r.month,
    locale === 'en' ? r.categoryEn : r.categoryZh,
    r.grade,
    String(r.trades),
    kgString(r.weightGrams),
    toDecimalString(r.amountFen),
    toDecimalString(r.avgFenPerKg),
    toDecimalString(r.marketFenPerKg),
    r.diffPct.toFixed(1),
  ]);
  return `\uFEFF${[header, ...lines].map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
