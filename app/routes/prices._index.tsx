// The quotes board (行情): a market day's prices by category, grade and origin from completed trades; open to everyone.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { FilterSelect, hrefWith } from '~/components/filter-panel';
import { EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { ChangeCell, UnitSwitch, priceIn } from '~/components/price-board';
import { readerFor } from '~/lib/read-db.server';
import { translator, useLocale, useT } from '~/lib/i18n';
import type { MessageKey } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { addDays, marketToday } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { formatQuantity } from '~/lib/units';
import {
  changePermille,
  gradeName,
  gradeNamesByCategory,
  OLDEST_DAYS,
  parseBoardQuery,
  queryError,
  sortBoard,
} from '~/market-data/pages.server';
import { boardFilters, latestTradingDayBefore, quotesBoard } from '~/market-data/queries.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const db = readerFor(request);
  const today = marketToday();
  const parsed = parseBoardQuery(new URL(request.url), today);
  if (!parsed.ok) throw queryError(parsed.what);
  const { query } = parsed;
  const locale = await resolveLocale(request);
  const t = translator(locale);
  const filter = {
    categoryId: query.categoryId ?? undefined,
    origin: query.origin ?? undefined,
    grade: query.grade ?? undefined,
  };
  const [todays, filters, gradeNames] = await Promise.all([
    quotesBoard(db, { day: query.day, ...filter }),
    boardFilters(db),
    gradeNamesByCategory(db),
  ]);
  // Asked for no day and today has no trade yet (the first sales come at dawn): the latest trading day's board,
  // said so above the table, rather than an empty page.
  let rows = todays;
  let noTradesOn: string | null = null;
  if (rows.length === 0 && !new URL(request.url).searchParams.get('day')) {
    const latest = await latestTradingDayBefore(db, today, addDays(today, -OLDEST_DAYS));
    if (latest) {
      rows = await quotesBoard(db, { day: latest, ...filter });
      if (rows.length > 0) {
        noTradesOn = today;
        query.day = latest;
      }
    }
  }
  const board = sortBoard(
    rows.map((row, order) => ({
      order,
      categoryId: row.categoryId,
      categoryName: locale === 'en' ? row.categoryName.en : row.categoryName.zh,
      grade: row.grade,
      gradeName: gradeName(gradeNames.get(row.categoryId), row.grade, locale, t),
      origin: row.origin,
      vwapFen: row.vwapFen,
      lowFen: row.lowFen,
      highFen: row.highFen,
      volumeGrams: row.volumeGrams,
      trades: row.trades,
      prevVwapFen: row.prevVwapFen,
      referenceFen: row.referenceFen,
      changePermille: changePermille(row.vwapFen, row.prevVwapFen),
      referencePermille: changePermille(row.vwapFen, row.referenceFen),
    })),
    query.sort,
    query.dir,
  );
  const gradeOptions = filters.grades.map((grade) => {
    const names = [...gradeNames.values()].find((n) => n[grade]);
    return { value: grade, label: gradeName(names, grade, locale, t) };
  });
  return json({
    query,
    today,
    noTradesOn,
    previousDay: addDays(query.day, -1),
    rows: board,
    categories: filters.categories.map((c) => ({
      value: c.id,
      label: locale === 'en' ? c.name.en : c.name.zh,
    })),
    origins: filters.origins.map((o) => ({ value: o, label: o })),
    grades: gradeOptions,
  });
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'prices.title');

type Column = { key: 'category' | 'vwap' | 'change' | 'reference' | 'volume' | 'trades'; label: MessageKey };
const SORTABLE: Column[] = [
  { key: 'category', label: 'prices.col.category' },
  { key: 'vwap', label: 'prices.col.vwap' },
  { key: 'change', label: 'prices.col.change' },
  { key: 'reference', label: 'prices.col.reference' },
  { key: 'volume', label: 'prices.col.volume' },
  { key: 'trades', label: 'prices.col.trades' },
];

export default function PricesBoard() {
  const { query, today, noTradesOn, previousDay, rows, categories, origins, grades } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const unit = query.unit;
  const values = {
    day: query.day === today ? null : query.day,
    category: query.categoryId,
    origin: query.origin,
    grade: query.grade,
    unit: unit === 'kg' ? null : unit,
    sort: query.sort === 'category' ? null : query.sort,
    dir: query.sort === 'category' && query.dir === 'asc' ? null : query.dir,
  };
  const filtered = Boolean(query.categoryId || query.origin || query.grade);
  const unitWord = t(unit === 'kg' ? 'prices.unit.kgShort' : 'prices.unit.jinShort');
  const price = (fen: number) => priceIn(fen, unit, locale);

  const sortHeader = (column: Column, className = '') => {
    const active = query.sort === column.key;
    const nextDir = active
      ? query.dir === 'asc'
        ? 'desc'
        : 'asc'
      : column.key === 'category'
        ? 'asc'
        : 'desc';
    return (
      <th
        key={column.key}
        scope="col"
        aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}
        className={`whitespace-nowrap px-2 py-2 font-medium ${className}`}
      >
        <Link
          to={hrefWith('/prices', values, { sort: column.key, dir: nextDir })}
          className="inline-flex items-center gap-1 text-sea-800 underline decoration-dotted underline-offset-2"
          aria-label={t('prices.sortBy', { column: t(column.label) })}
          preventScrollReset
        >
          {t(column.label)}
          <span aria-hidden>{active ? (query.dir === 'asc' ? '↑' : '↓') : '↕'}</span>
        </Link>
      </th>
    );
  };

  return (
    <div className="min-w-0">
      <PageHeader title={t('prices.title')}>
        <UnitSwitch
          unit={unit}
          hrefFor={(u) => hrefWith('/prices', values, { unit: u === 'kg' ? null : u })}
        />
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('prices.intro', { day: query.day })}</p>
      {noTradesOn ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {t('prices.latestDay', { today: noTradesOn, day: query.day })}
        </p>
      ) : null}

      <Form
        method="get"
        className="mb-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:grid-cols-5 sm:items-end"
        data-testid="prices-filters"
      >
        <FilterSelect
          name="category"
          label={t('prices.filter.category')}
          value={query.categoryId ?? undefined}
          any={t('prices.filter.any')}
          options={categories}
        />
        <FilterSelect
          name="origin"
          label={t('prices.filter.origin')}
          value={query.origin ?? undefined}
          any={t('prices.filter.any')}
          options={origins}
        />
        <FilterSelect
          name="grade"
          label={t('prices.filter.grade')}
          value={query.grade ?? undefined}
          any={t('prices.filter.any')}
          options={grades}
        />
        <div>
          <label htmlFor="day" className="block text-sm font-medium text-slate-700">
            {t('prices.filter.day')}
          </label>
          <input
            id="day"
            name="day"
            type="date"
            defaultValue={query.day}
            max={today}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-base shadow-sm sm:text-sm"
          />
        </div>
        {unit !== 'kg' ? <input type="hidden" name="unit" value={unit} /> : null}
        {values.sort ? <input type="hidden" name="sort" value={values.sort} /> : null}
        {values.sort ? <input type="hidden" name="dir" value={query.dir} /> : null}
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="submit"
            className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
          >
            {t('market.filter.apply')}
          </button>
          {filtered ? (
            <Link to={hrefWith('/prices', { unit: values.unit })} className="text-sm text-sea-700 underline">
              {t('market.filter.clear')}
            </Link>
          ) : null}
        </div>
      </Form>

      {rows.length === 0 ? (
        <EmptyState
          action={
            <div className="flex flex-wrap justify-center gap-4">
              {filtered ? (
                <Link
                  to={hrefWith('/prices', { unit: values.unit, day: values.day })}
                  className="text-sea-700 underline"
                >
                  {t('prices.empty.clear')}
                </Link>
              ) : null}
              <Link to={hrefWith('/prices', values, { day: previousDay })} className="text-sea-700 underline">
                {t('prices.empty.yesterday')}
              </Link>
              <Link to="/market" className="text-sea-700 underline">
                {t('prices.empty.market')}
              </Link>
            </div>
          }
        >
          {filtered ? t('prices.empty.filtered') : t('prices.empty.today', { day: query.day })}
        </EmptyState>
      ) : (
        <TableScroll
          label={t('prices.tableLabel')}
          className="relative rounded-lg border border-slate-200 bg-white shadow-sm"
        >
          <table className="min-w-full text-sm" data-testid="price-board">
            <caption className="sr-only">{t('prices.intro', { day: query.day })}</caption>
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                {sortHeader(SORTABLE[0], 'sticky left-0 bg-slate-50')}
                <th scope="col" className="hidden whitespace-nowrap px-2 py-2 font-medium sm:table-cell">
                  {t('prices.col.origin')}
                </th>
                {sortHeader(SORTABLE[1], 'text-right')}
                <th
                  scope="col"
                  className="hidden whitespace-nowrap px-2 py-2 text-right font-medium md:table-cell"
                >
                  {t('prices.col.range')}
                </th>
                {sortHeader(SORTABLE[2], 'text-right')}
                {sortHeader(SORTABLE[3], 'text-right')}
                {sortHeader(SORTABLE[4], 'text-right')}
                {sortHeader(SORTABLE[5], 'hidden text-right sm:table-cell')}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={`${row.categoryId}|${row.grade}|${row.origin}`} data-testid="price-row">
                  <th
                    scope="row"
                    className="sticky left-0 min-w-[7.5rem] bg-white px-2 py-2 text-left font-normal"
                  >
                    <Link
                      to={hrefWith(`/prices/${row.categoryId}/${encodeURIComponent(row.grade)}`, {
                        unit: values.unit,
                      })}
                      className="font-medium text-sea-800 underline"
                    >
                      {row.categoryName}
                    </Link>
                    <span className="block text-xs text-slate-600">
                      {row.gradeName}
                      {/* On phones the origin rides here instead of in its own column. */}
                      <span className="sm:hidden"> · {row.origin}</span>
                    </span>
                  </th>
                  <td className="hidden whitespace-nowrap px-2 py-2 sm:table-cell">{row.origin}</td>
                  <td
                    className="whitespace-nowrap px-2 py-2 text-right font-semibold tabular-nums"
                    data-testid="vwap"
                  >
                    {price(row.vwapFen)}
                    <span className="text-xs font-normal text-slate-500">/{unitWord}</span>
                  </td>
                  <td className="hidden whitespace-nowrap px-2 py-2 text-right tabular-nums text-slate-700 md:table-cell">
                    {price(row.lowFen)}–{price(row.highFen)}
                  </td>
                  <td className="whitespace-nowrap px-2 py-2 text-right">
                    <ChangeCell permille={row.changePermille} />
                  </td>
                  <td className="whitespace-nowrap px-2 py-2 text-right">
                    <ChangeCell permille={row.referencePermille} />
                    {row.referenceFen !== null ? (
                      <span className="block text-xs text-slate-500">
                        {t('prices.reference.value', { price: price(row.referenceFen) })}
                      </span>
                    ) : null}
                  </td>
                  <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums" data-testid="volume">
                    {formatQuantity(row.volumeGrams, unit, locale)}
                  </td>
                  <td className="hidden px-2 py-2 text-right tabular-nums sm:table-cell">{row.trades}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
