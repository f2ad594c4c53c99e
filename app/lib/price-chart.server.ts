// Price charts drawn on the server as SVG with echarts (ADR 0037): a daily VWAP line, its low–high band and volume
// bars, readable without JavaScript and without shipping a chart library to the browser.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TitleComponentOption } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { addDays } from './market-time';
import { pricePerUnit } from './units';

use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

type ChartOption = ComposeOption<
  LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption
>;

/** One market day of a series; prices in fen per kg, as the market data layer stores them. */
export type ChartPoint = {
  day: string;
  vwapFen: number;
  lowFen: number;
  highFen: number;
  volumeGrams: number;
};

/** The words on the chart, in the reader's language (the route translates them). */
export type ChartLabels = {
  /** The accessible name: what the chart shows, e.g. "白对虾 一级 近 30 天均价走势". */
  title: string;
  vwap: string;
  band: string;
  volume: string;
  priceAxis: string;
  volumeAxis: string;
  /** Shown in the plot when there is no trade in the range. */
  empty: string;
};

export type PriceChartInput = {
  points: readonly ChartPoint[];
  /** The first and last market day of the x axis (inclusive): days without trades stay as gaps. */
  fromDay: string;
  toDay: string;
  /** Prices and volumes per kg or per 斤 (1 斤 = 500 g, price half-up to the fen). */
  unit: 'kg' | 'jin';
  labels: ChartLabels;
  width?: number;
  height?: number;
};

// Fonts that hold Chinese on readers' machines; echarts writes this into each <text>.
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif';
const COLORS = { vwap: '#0f5f7a', band: '#7cc4d8', volume: '#cbd5e1', text: '#334155', grid: '#e2e8f0' };
const MAX_DAYS = 400;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Fen → yuan as a number for plotting (the table under the chart shows the exact figures). */
const yuan = (fen: number) => fen / 100;

/** The days from `fromDay` to `toDay` inclusive. */
function daysBetween(fromDay: string, toDay: string): string[] {
  const days: string[] = [];
  for (let day = fromDay; day <= toDay && days.length < MAX_DAYS; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The chart as an SVG string, with role="img", an accessible name and a <title>; the caller puts it inline. */
export function priceChartSvg(input: PriceChartInput): string {
  const { labels, unit } = input;
  const width = input.width ?? 760;
  const height = input.height ?? 360;
  const narrow = width < 500;
  const days = daysBetween(input.fromDay, input.toDay);
  const byDay = new Map(input.points.map((point) => [point.day, point]));
  const perUnit = (fen: number) => yuan(pricePerUnit(fen, unit));
  const gramsPerUnit = unit === 'kg' ? 1000 : 500;
  const vwap = days.map((day) => {
    const p = byDay.get(day);
    return p ? perUnit(p.vwapFen) : null;
  });
  const low = days.map((day) => {
    const p = byDay.get(day);
    return p ? perUnit(p.lowFen) : null;
  });
  // Stacked on `low`, so the area between the two lines is the day's range.
  const spread = days.map((day) => {
    const p = byDay.get(day);
    return p ? Math.round((perUnit(p.highFen) - perUnit(p.lowFen)) * 100) / 100 : null;
  });
  const volume = days.map((day) => {
    const p = byDay.get(day);
    return p ? Math.round((p.volumeGrams / gramsPerUnit) * 10) / 10 : null;
  });
  const traded = input.points.some((p) => p.day >= input.fromDay && p.day <= input.toDay);
  const fewPoints = days.length <= 31;

  const option: ChartOption = {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT, color: COLORS.text, fontSize: narrow ? 11 : 12 },
    title: traded
      ? undefined
      : {
          text: labels.empty,
          left: 'center',
          top: 'middle',
          textStyle: { fontFamily: FONT, fontSize: 14, fontWeight: 'normal', color: COLORS.text },
        },
    legend: {
      top: 0,
      left: 'center',
      itemWidth: 18,
      itemHeight: 10,
      textStyle: { fontFamily: FONT, color: COLORS.text },
      data: [{ name: labels.vwap }, { name: labels.band, icon: 'roundRect' }, { name: labels.volume }],
    },
    grid: { left: narrow ? 44 : 64, right: narrow ? 40 : 64, top: 52, bottom: 32 },
    xAxis: {
      type: 'category',
      data: days,
      boundaryGap: true,
      axisLabel: { formatter: (value: string) => value.slice(5), hideOverlap: true, color: COLORS.text },
      axisTick: { alignWithLabel: true },
    },
    yAxis: [
      {
        type: 'value',
        name: labels.priceAxis,
        nameTextStyle: { fontFamily: FONT, color: COLORS.text, align: 'left' },
        scale: true,
        splitLine: { lineStyle: { color: COLORS.grid } },
        axisLabel: { color: COLORS.text },
      },
      {
        type: 'value',
        name: labels.volumeAxis,
        nameTextStyle: { fontFamily: FONT, color: COLORS.text, align: 'right' },
        splitLine: { show: false },
        axisLabel: { color: COLORS.text },
        // Volume bars keep to the lower part of the plot, under the price lines.
        max: (extent: { max: number }) => Math.max(1, Math.ceil(extent.max * 3)),
      },
    ],
    series: [
      {
        name: labels.volume,
        type: 'bar',
        yAxisIndex: 1,
        data: volume,
        itemStyle: { color: COLORS.volume },
        barMaxWidth: 14,
      },
      {
        name: labels.band,
        type: 'line',
        stack: 'band',
        data: low,
        lineStyle: { opacity: 0 },
        showSymbol: false,
        connectNulls: true,
        itemStyle: { color: COLORS.band },
        silent: true,
      },
      {
        name: labels.band,
        type: 'line',
        stack: 'band',
        data: spread,
        lineStyle: { opacity: 0 },
        areaStyle: { color: COLORS.band, opacity: 0.45 },
        showSymbol: false,
        connectNulls: true,
        itemStyle: { color: COLORS.band },
        silent: true,
      },
      {
        name: labels.vwap,
        type: 'line',
        data: vwap,
        connectNulls: true,
        showSymbol: fewPoints,
        symbolSize: 5,
        lineStyle: { color: COLORS.vwap, width: 2 },
        itemStyle: { color: COLORS.vwap },
      },
    ],
  };

  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    const svg = chart.renderToSVGString({ useViewBox: true });
    const title = escapeXml(labels.title);
    return svg
      .replace(/^<svg /, `<svg role="img" aria-label="${title}" focusable="false" class="price-chart" `)
      .replace(/^(<svg[^>]*>)/, `$1<title>${title}</title>`);
  } finally {
    chart.dispose();
  }
}
