// Times as the market reads them: midnight in Asia/Shanghai is 00:00 in both languages, never 24:00.
import { describe, expect, it } from 'vitest';
import { marketTime } from '../../app/trust/sanction-state.server';

// The market's configuration is read (its time zone); no database is touched.
process.env.DATABASE_URL ??= 'postgres://unused@127.0.0.1:1/unused';

describe('marketTime', () => {
  it('writes market midnight as 00:00 in Chinese and in English', () => {
    const midnight = new Date('2026-12-04T16:00:00Z');
    expect(marketTime(midnight, 'zh-CN')).toContain('00:00');
    expect(marketTime(midnight, 'en')).toContain('00:00');
    expect(marketTime(midnight, 'en')).not.toContain('24:00');
    expect(marketTime(midnight, 'en')).toContain('12/05/2026');
  });
});
