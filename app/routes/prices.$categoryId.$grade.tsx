// One category and grade's prices over 30, 90 or 365 days: a server-drawn chart and the same figures as a table.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { FilterSelect, hrefWith } from '~/components/filter-panel';
import { ChangeCell, UnitSwitch, priceIn } from '~/components/price-board';
import { Card, PageHeader, TableScroll } from '~/components/ui';
import { readerFor } from '~/lib/read-db.server';
import { translator, useLocale, useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { pageTitle } from '~/lib/meta';
import { priceChartSvg } from '~/lib/price-chart.server';
import { formatQuantity } from '~/lib/units';
import { changePermille, gradeName, loadSeries } from '~/market-data/pages.server';
import { boardFilters, referencePriceFen } from '~/market-data/queries.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = readerFor(request);
  const { query, category, grade, fromDay, toDay, points } = await loadSeries(db, request, params);
  const locale = await resolveLocale(request);
  const t = translator(locale);
  const categoryName = locale === 'en' ? category.nameEn : category.nameZh;
  const gradeLabel = gradeName(category.gradeNames, grade, locale, t);
  const [referenceFen, filters] = await Promise.all([
    referencePriceFen(db, { categoryId: category.id, grade, day: toDay }),
    boardFilters(db),
  ]);
  const unitWord = t(query.unit === 'kg' ? 'prices.unit.kg' : 'prices.unit.jin');
  const volumeWord = t(query.unit === 'kg' ? 'prices.unit.kgShort' : 'prices.unit.jinShort');
  const chartLabels = {
    title: t('prices.chart.summary', {
      category: categoryName,
      grade: gradeLabel,
      days: query.range,
      unit: unitWord,
    }),
    vwap: t('prices.chart.vwap'),
    band: t('prices.chart.band'),
    volume: t('prices.chart.volume'),
    priceAxis: unitWord,
    volumeAxis: t('prices.chart.volumeAxis', { unit: volumeWord }),
    empty: t('prices.chart.empty'),
  };
  const chart = { points, fromDay, toDay, unit: query.unit, labels: chartLabels };
  return json({
    query,
    category: { id: category.id, name: categoryName },
    grade,
    gradeLabel,
    fromDay,
    toDay,
    referenceFen,
    // The rows newest first, each with its change against the day before it that traded.
    rows: points
      .map((point, i) => ({
        ...point,
        changePermille: changePermille(point.vwapFen, points[i - 1]?.vwapFen ?? null),
      }))
      .reverse(),
    origins: filters.origins.map((o) => ({ value: o, label: o })),
    // Two drawings, for wide screens and for phones, so the text stays legible at 390 px.
    chartWide: priceChartSvg({ ...chart, width: 760, height: 360 }),
    chartNarrow: priceChartSvg({ ...chart, width: 360, height: 320 }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, null, data ? `${data.category.name} · ${data.gradeLabel}` : undefined);

const RANGES = [30, 90, 365] as const;

export default function PriceChart() {
  const data = useLoaderData<typeof loader>();
  const { query, category, grade, gradeLabel, rows, referenceFen } = data;
  const t = useT();
  const locale = useLocale();
  const path = `/prices/${category.id}/${encodeURIComponent(grade)}`;
  const values = {
    range: query.range === 30 ? null : String(query.range),
    unit: query.unit === 'kg' ? null : query.unit,
    origin: query.origin,
  };
  const price = (fen: number) => priceIn(fen, query.unit, locale);
  const unitWord = t(query.unit === 'kg' ? 'prices.unit.kgShort' : 'prices.unit.jinShort');

  return (
    <div>
      <p className="mb-2 text-sm">
        <Link to={hrefWith('/prices', { unit: values.unit })} className="text-sea-700 underline">
          ← {t('prices.chart.back')}
        </Link>
      </p>
      <PageHeader title={t('prices.chart.heading', { category: category.name, grade: gradeLabel })}>
        <UnitSwitch
          unit={query.unit}
          hrefFor={(u) => hrefWith(path, values, { unit: u === 'kg' ? null : u })}
        />
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-700" data-testid="reference">
        {referenceFen !== null
          ? t('prices.chart.reference', { price: `${price(referenceFen)}/${unitWord}` })
          : t('prices.chart.noReference')}
      </p>

      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <nav aria-label={t('prices.chart.range')} className="flex flex-wrap gap-2">
          {RANGES.map((days) => (
            <Link
              key={days}
              to={hrefWith(path, values, { range: days === 30 ? null : String(days) })}
              aria-current={query.range === days ? 'page' : undefined}
              preventScrollReset
              className={`rounded-md border px-3 py-1.5 text-sm font-medium ${
                query.range === days
                  ? 'border-sea-700 bg-sea-700 text-white'
                  : 'border-slate-300 bg-white text-sea-800 hover:bg-sea-50'
              }`}
            >
              {t('prices.chart.days', { days })}
            </Link>
          ))}
        </nav>
        <Form method="get" className="flex flex-wrap items-end gap-2">
          {values.range ? <input type="hidden" name="range" value={values.range} /> : null}
          {values.unit ? <input type="hidden" name="unit" value={values.unit} /> : null}
          <FilterSelect
            name="origin"
            label={t('prices.filter.origin')}
            value={query.origin ?? undefined}
            any={t('prices.chart.allOrigins')}
            options={data.origins}
          />
          <button
            type="submit"
            className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
          >
            {t('market.filter.apply')}
          </button>
        </Form>
      </div>

      <figure
        className="mb-6 rounded-lg border border-slate-200 bg-white p-2 shadow-sm"
        data-testid="price-chart"
      >
        {/* Drawn on the server (ADR 0037): no chart code reaches the browser; the table below holds the same figures. */}
        <div
          className="hidden sm:block [&>svg]:h-auto [&>svg]:w-full"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: our own SVG from echarts, with every label escaped.
          dangerouslySetInnerHTML={{ __html: data.chartWide }}
        />
        <div
          className="sm:hidden [&>svg]:h-auto [&>svg]:w-full"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: our own SVG from echarts, with every label escaped.
          dangerouslySetInnerHTML={{ __html: data.chartNarrow }}
        />
        <figcaption className="px-2 pt-1 text-xs text-slate-600">
          {t('prices.chart.title', { category: category.name, grade: gradeLabel })} · {data.fromDay} –{' '}
          {data.toDay}
        </figcaption>
      </figure>

      <Card title={t('prices.chart.tableTitle')}>
        <p className="mb-3">
          <a
            href={hrefWith(`${path}/csv`, values)}
            download
            className="inline-block rounded-md border border-sea-700 px-3 py-1.5 text-sm font-medium text-sea-800 hover:bg-sea-50"
            data-testid="csv-link"
          >
            {t('prices.chart.csv', { days: query.range })}
          </a>
        </p>
        {rows.length === 0 ? (
          <p className="text-slate-600">{t('prices.chart.tableEmpty')}</p>
        ) : (
          <TableScroll label={t('prices.tableLabel')} className="relative">
            <table className="min-w-full text-sm" data-testid="series-table">
              <caption className="sr-only">
                {t('prices.chart.summary', {
                  category: category.name,
                  grade: gradeLabel,
                  days: query.range,
                  unit: t(query.unit === 'kg' ? 'prices.unit.kg' : 'prices.unit.jin'),
                })}
              </caption>
              <thead className="bg-slate-50 text-left text-slate-700">
                <tr>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 font-medium">
                    {t('prices.col.day')}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 text-right font-medium">
                    {t('prices.col.vwap')}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 text-right font-medium">
                    {t('prices.col.low')}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 text-right font-medium">
                    {t('prices.col.high')}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 text-right font-medium">
                    {t('prices.col.change')}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 text-right font-medium">
                    {t('prices.col.volume')}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-2 py-2 text-right font-medium">
                    {t('prices.col.trades')}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.day} data-testid="series-row">
                    <th
                      scope="row"
                      className="whitespace-nowrap px-2 py-2 text-left font-normal tabular-nums"
                    >
                      {row.day}
                    </th>
                    <td className="whitespace-nowrap px-2 py-2 text-right font-semibold tabular-nums">
                      {price(row.vwapFen)}
                    </td>
                    <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                      {price(row.lowFen)}
                    </td>
                    <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                      {price(row.highFen)}
                    </td>
                    <td className="whitespace-nowrap px-2 py-2 text-right">
                      <ChangeCell permille={row.changePermille} />
                    </td>
                    <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                      {formatQuantity(row.volumeGrams, query.unit, locale)}
                    </td>
                    <td className="px-2 py-2 text-right tabular-nums">{row.trades}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Card>
    </div>
  );
}
