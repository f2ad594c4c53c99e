import { describe, expect, it } from 'vitest';
import { sortedReport } from '../../app/fairs/pages.server';

const row = (number: string, name: string, visits: number, volumeFen: number) => ({
  orgId: `org_${number}`,
  name,
  number,
  zone: '水产区',
  visits,
  leads: 0,
  appointments: 0,
  orders: 0,
  volumeFen,
});

const report = [
  row('A02', '钦州茅尾海生蚝', 30, 500_00),
  row('A01', '湛江海兴', 12, 9_000_00),
  row('B01', '徐闻菠萝', 30, 0),
];

describe('sortedReport', () => {
  it('sorts by a known column either way, ties by booth number', () => {
    expect(sortedReport(report, 'volume', 'desc').rows.map((r) => r.number)).toEqual(['A01', 'A02', 'B01']);
    expect(sortedReport(report, 'visits', 'desc').rows.map((r) => r.number)).toEqual(['A02', 'B01', 'A01']);
    expect(sortedReport(report, 'visits', 'asc').rows.map((r) => r.number)).toEqual(['A01', 'A02', 'B01']);
  });

  it('falls back to booth order for an unknown column or direction, and says so', () => {
    const sorted = sortedReport(report, 'password', 'sideways');
    expect(sorted.rows.map((r) => r.number)).toEqual(['A01', 'A02', 'B01']);
    expect([sorted.sort, sorted.dir]).toEqual(['booth', 'asc']);
  });
});
