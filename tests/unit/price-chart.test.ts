// The server-rendered price chart (app/lib/price-chart.server.ts): an accessible SVG with one mark per traded day.
import { describe, expect, it } from 'vitest';
import { type ChartLabels, type ChartPoint, priceChartSvg } from '../../app/lib/price-chart.server';

const labels: ChartLabels = {
  title: '白对虾 一级 近 5 天价格 <走势> & 成交量',
  vwap: '均价',
  band: '最低–最高',
  volume: '成交量',
  priceAxis: '元/公斤',
  volumeAxis: '公斤',
  empty: '这段时间没有成交',
};

const points: ChartPoint[] = [
  { day: '2026-11-01', vwapFen: 3650, lowFen: 3400, highFen: 3900, volumeGrams: 120_000 },
  { day: '2026-11-02', vwapFen: 3710, lowFen: 3500, highFen: 3990, volumeGrams: 80_000 },
  // 11-03 has no trade: a gap, no bar.
  { day: '2026-11-04', vwapFen: 3580, lowFen: 3300, highFen: 3800, volumeGrams: 200_000 },
  { day: '2026-11-05', vwapFen: 3801, lowFen: 3801, highFen: 3801, volumeGrams: 500 },
];

/** The ecmeta data indexes echarts writes on each drawn mark of one series. */
function marks(svg: string, seriesIndex: number): number[] {
  const re = new RegExp(
    `ecmeta_series_index="${seriesIndex}" ecmeta_data_index="(\\d+)" ecmeta_ssr_type="chart"`,
    'g',
  );
  return [...svg.matchAll(re)].map((m) => Number(m[1]));
}

describe('priceChartSvg', () => {
  it('draws an accessible SVG with a bar and a VWAP point for each traded day, none for the gap', () => {
    const svg = priceChartSvg({ points, fromDay: '2026-11-01', toDay: '2026-11-05', unit: 'kg', labels });
    expect(
      svg.startsWith('<svg role="img" aria-label="白对虾 一级 近 5 天价格 &#60;走势&#62; &#38; 成交量"'),
    ).toBe(true);
    expect(svg).toContain('<title>白对虾 一级 近 5 天价格 &#60;走势&#62; &#38; 成交量</title>');
    expect(svg).toMatch(/viewBox="0 0 760 360"/);
    // Series 0 = volume bars, 3 = VWAP line symbols; data index = day index on the axis (11-03 is index 2).
    expect(marks(svg, 0)).toEqual([0, 1, 3, 4]);
    expect(marks(svg, 3)).toEqual([0, 1, 3, 4]);
    for (const day of ['11-01', '11-02', '11-03', '11-04', '11-05']) expect(svg).toContain(`>${day}</text>`);
    for (const word of ['均价', '最低–最高', '成交量', '元/公斤']) expect(svg).toContain(word);
    expect(svg).not.toContain(labels.empty);
  });

  it('puts the VWAP points at their prices: the highest price is drawn highest', () => {
    const svg = priceChartSvg({ points, fromDay: '2026-11-01', toDay: '2026-11-05', unit: 'kg', labels });
    const ys = [...svg.matchAll(/matrix\([^)]*,([\d.]+),([\d.]+)\)"[^>]*ecmeta_series_index="3"/g)].map((m) =>
      Number(m[2]),
    );
    expect(ys).toHaveLength(4);
    // SVG y grows downwards: 38.01 (11-05) is highest, 35.80 (11-04) lowest.
    expect(Math.min(...ys)).toBe(ys[3]);
    expect(Math.max(...ys)).toBe(ys[2]);
  });

  it('reads prices per 斤 when asked (half of per kg, half-up)', () => {
    const kg = priceChartSvg({ points, fromDay: '2026-11-01', toDay: '2026-11-05', unit: 'kg', labels });
    const jin = priceChartSvg({
      points,
      fromDay: '2026-11-01',
      toDay: '2026-11-05',
      unit: 'jin',
      labels: { ...labels, priceAxis: '元/斤' },
    });
    expect(jin).toContain('元/斤');
    expect(jin).not.toEqual(kg);
  });

  it('handles an empty series: the days are on the axis, no marks, and the empty message is written', () => {
    const svg = priceChartSvg({ points: [], fromDay: '2026-11-01', toDay: '2026-11-30', unit: 'kg', labels });
    expect(svg.startsWith('<svg role="img"')).toBe(true);
    expect(svg).toContain('这段时间没有成交');
    expect(marks(svg, 0)).toEqual([]);
    expect(marks(svg, 3)).toEqual([]);
  });

  it('leaves out points outside the range and keeps a 365-day axis', () => {
    const svg = priceChartSvg({
      points: [...points, { day: '2027-06-01', vwapFen: 9999, lowFen: 9999, highFen: 9999, volumeGrams: 1 }],
      fromDay: '2025-12-01',
      toDay: '2026-11-30',
      unit: 'kg',
      labels,
      width: 360,
      height: 300,
    });
    expect(svg).toMatch(/viewBox="0 0 360 300"/);
    // 365 days: the first traded day is index 335; no symbols on a long line, the bars still mark each day.
    expect(marks(svg, 0)).toEqual([335, 336, 338, 339]);
  });
});
