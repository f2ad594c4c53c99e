// A seller's sales or a buyer's purchases by month: a table sorted by links (works without JavaScript), totals, CSV link.
import { Link } from '@remix-run/react';
import { EmptyState, PageHeader } from '~/components/ui';
import { useLocale, useT } from '~/lib/i18n';
import { formatMoney } from '~/lib/money';
import type {
  ReportRow as Row,
  ReportSort as Sort,
  ReportTotals,
  SortDir,
} from '~/market-data/trade-reports.server';

function kg(grams: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(grams / 1000);
}

export function TradeReport({
  side,
  path,
  rows,
  totals,
  sort,
  dir,
  back,
}: {
  side: 'seller' | 'buyer';
  /** The report's own path, for sort links and the CSV link. */
  path: string;
  rows: Row[];
  totals: ReportTotals | null;
  sort: Sort;
  dir: SortDir;
  back: { to: string; label: string };
}) {
  const t = useT();
  const locale = useLocale();
  const money = (fen: number) => formatMoney(fen, 'CNY', locale);
  const sortHref = (key: Sort) => {
    // The current column flips its direction; another starts descending (largest, newest first).
    const nextDir = key === sort && dir === 'desc' ? 'asc' : 'desc';
    return `${path}?sort=${key}&dir=${nextDir}`;
  };
  const header = (key: Sort | null, label: string, numeric = false) => (
    <th
      scope="col"
      aria-sort={key && key === sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
      className={`whitespace-nowrap px-3 py-2 font-medium ${numeric ? 'text-right' : 'text-left'}`}
    >
      {key ? (
        <Link to={sortHref(key)} className="text-sea-700 underline" preventScrollReset>
          {label}
          {key === sort ? <span aria-hidden>{dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
        </Link>
      ) : (
        label
      )}
    </th>
  );
  return (
    <div>
      <PageHeader title={side === 'seller' ? t('tradeReport.sales.title') : t('tradeReport.purchases.title')}>
        <Link to={back.to} className="text-sm text-sea-700 underline">
          {back.label}
        </Link>
        {rows.length ? (
          <a
            href={`${path}/csv?sort=${sort}&dir=${dir}`}
            download
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-sea-800 hover:bg-sea-50"
            data-testid="report-csv"
          >
            {t('tradeReport.csv')}
          </a>
        ) : null}
      </PageHeader>
      <p className="mb-4 text-sm text-slate-600">{t('tradeReport.explain')}</p>
      {rows.length === 0 ? (
        <EmptyState>
          {side === 'seller' ? t('tradeReport.sales.empty') : t('tradeReport.purchases.empty')}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm" data-testid="trade-report">
            <caption className="sr-only">
              {side === 'seller' ? t('tradeReport.sales.title') : t('tradeReport.purchases.title')}
            </caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                {header('month', t('tradeReport.col.month'))}
                {header('category', t('tradeReport.col.category'))}
                {header(null, t('tradeReport.col.grade'))}
                {header(null, t('tradeReport.col.trades'), true)}
                {header('weight', t('tradeReport.col.weightKg'), true)}
                {header(
                  'amount',
                  side === 'seller' ? t('tradeReport.col.salesYuan') : t('tradeReport.col.purchasesYuan'),
                  true,
                )}
                {header('avg', t('tradeReport.col.avgYuanPerKg'), true)}
                {header(null, t('tradeReport.col.marketYuanPerKg'), true)}
                {header('diff', t('tradeReport.col.diffPct'), true)}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.month}|${r.categoryId}|${r.grade}`} className="border-t border-slate-100">
                  <td className="whitespace-nowrap px-3 py-2">{r.month}</td>
                  <td className="px-3 py-2">{locale === 'en' ? r.categoryEn : r.categoryZh}</td>
                  <td className="px-3 py-2">{r.grade}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.trades}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{kg(r.weightGrams, locale)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{money(r.amountFen)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{money(r.avgFenPerKg)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <Link
                      to={`/prices/${encodeURIComponent(r.categoryId)}/${encodeURIComponent(r.grade)}`}
                      className="text-sea-700 underline"
                    >
                      {money(r.marketFenPerKg)}
                    </Link>
                  </td>
                  <td
                    className={`px-3 py-2 text-right tabular-nums ${
                      r.diffPct > 0 ? 'text-emerald-700' : r.diffPct < 0 ? 'text-red-700' : ''
                    }`}
                  >
                    {`${r.diffPct > 0 ? '+' : ''}${r.diffPct.toFixed(1)}%`}
                  </td>
                </tr>
              ))}
            </tbody>
            {totals ? (
              <tfoot className="border-t-2 border-slate-200 font-medium">
                <tr>
                  <th scope="row" colSpan={3} className="px-3 py-2 text-left">
                    {t('tradeReport.total')}
                  </th>
                  <td className="px-3 py-2 text-right tabular-nums">{totals.trades}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{kg(totals.weightGrams, locale)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{money(totals.amountFen)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{money(totals.avgFenPerKg)}</td>
                  <td colSpan={2} />
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
    </div>
  );
}
