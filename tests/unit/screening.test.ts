// Screening rules: banned words in Chinese (no word boundaries) and English, MAD price outliers, near-duplicate titles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MIN_PRICE_SAMPLE,
  bigrams,
  findBannedWords,
  findNearDuplicate,
  jaccard,
  median,
  normaliseWord,
  priceOutlier,
  referenceOutlier,
  sameSpec,
} from '../../app/trust/screening';

const WORDS = ['高仿', '假冒', 'replica', 'fake'];

describe('banned words', () => {
  it('finds a Chinese word inside a run of Han characters, whatever spaces or punctuation split it', () => {
    expect(findBannedWords('南美白对虾高仿进口品质', WORDS)).toEqual(['高仿']);
    expect(findBannedWords('南美白对虾 高 仿 货', WORDS)).toEqual(['高仿']);
    expect(findBannedWords('绝非假-冒', WORDS)).toEqual(['假冒']);
    expect(findBannedWords('湛江南美白对虾 40/50 头 塘头鲜活', WORDS)).toEqual([]);
  });

  it('finds an English word as a whole word, ignoring case and full width', () => {
    expect(findBannedWords('Premium REPLICA oysters', WORDS)).toEqual(['replica']);
    expect(findBannedWords('ｆａｋｅ shrimp', WORDS)).toEqual(['fake']);
    expect(findBannedWords('fakel shrimp, replicas', WORDS)).toEqual([]);
  });

  it('normalises stored words the same way as text', () => {
    expect(normaliseWord(' Ｒｅｐｌｉｃａ ')).toBe('replica');
    expect(normaliseWord('高 仿')).toBe('高仿');
  });

  it('finds any Chinese banned word wherever it is placed in a title (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (before, after) => {
        expect(findBannedWords(`${before}高仿${after}`, ['高仿'])).toContain('高仿');
      }),
    );
  });
});

describe('price outliers by median absolute deviation', () => {
  const recent = [4000, 4200, 4100, 3900, 4300, 4150, 4050];

  it('computes the median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('flags a price many MADs from the median and passes one near it', () => {
    const far = priceOutlier(900, recent, 5);
    expect(far.outlier).toBe(true);
    if (far.outlier) {
      expect(far.medianFen).toBe(4100);
      expect(far.distanceMads).toBeGreaterThan(5);
    }
    expect(priceOutlier(4400, recent, 5).outlier).toBe(false);
  });

  it('follows the threshold the operator sets', () => {
    expect(priceOutlier(4800, recent, 5).outlier).toBe(true);
    expect(priceOutlier(4800, recent, 50).outlier).toBe(false);
  });

  it('does not judge with too few recent prices', () => {
    expect(priceOutlier(1, recent.slice(0, MIN_PRICE_SAMPLE - 1), 5)).toMatchObject({
      outlier: false,
      reason: 'too-few',
    });
  });

  it('is not fooled by a few absurd prices in the window (robust)', () => {
    const polluted = [...recent, 1, 2, 999_999];
    expect(priceOutlier(4200, polluted, 5).outlier).toBe(false);
    expect(priceOutlier(400, polluted, 5).outlier).toBe(true);
  });

  it('does not flag everything when every recent price is the same (MAD floor)', () => {
    expect(priceOutlier(4050, [4000, 4000, 4000, 4000, 4000], 5).outlier).toBe(false);
    expect(priceOutlier(8000, [4000, 4000, 4000, 4000, 4000], 5).outlier).toBe(true);
  });

  it('never flags the median itself (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 5, maxLength: 40 }),
        (prices) => {
          expect(priceOutlier(median(prices), prices, 1).outlier).toBe(false);
        },
      ),
    );
  });
});

describe('near-duplicates', () => {
  const lot = {
    id: 'a',
    title: '湛江南美白对虾 40/50 头 鲜活',
    categoryId: 'whiteleg-shrimp',
    spec: { count: '40/50', state: 'live' },
  };

  it('finds the same seller’s lot with nearly the same title, category and spec', () => {
    const twin = {
      ...lot,
      id: 'b',
      title: '湛江南美白对虾40/50头 鲜活！',
      spec: { state: 'live', count: '40/50' },
    };
    expect(findNearDuplicate(lot, [twin])).toMatchObject({ id: 'b' });
  });

  it('does not call a different spec or category a duplicate', () => {
    expect(findNearDuplicate(lot, [{ ...lot, id: 'b', spec: { count: '30/40', state: 'live' } }])).toBeNull();
    expect(findNearDuplicate(lot, [{ ...lot, id: 'b', categoryId: 'tiger-prawn' }])).toBeNull();
    expect(findNearDuplicate(lot, [{ ...lot, id: 'b', title: '徐闻菠萝 巴厘 特级大果' }])).toBeNull();
  });

  it('measures bigram Jaccard similarity between 0 and 1', () => {
    expect(jaccard(bigrams('白对虾'), bigrams('白对虾'))).toBe(1);
    expect(jaccard(bigrams('白对虾'), bigrams('菠萝'))).toBe(0);
    expect(sameSpec({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });
});

describe('price outliers against the reference price', () => {
  it('flags a price more than the band above or below the reference, exactly at the edge not', () => {
    expect(referenceOutlier(6000, 4000, 50)).toEqual({ outlier: false, deviationPct: 50 });
    expect(referenceOutlier(6001, 4000, 50)).toEqual({ outlier: true, referenceFen: 4000, deviationPct: 50 });
    expect(referenceOutlier(2000, 4000, 50)).toEqual({ outlier: false, deviationPct: -50 });
    expect(referenceOutlier(1999, 4000, 50)).toEqual({
      outlier: true,
      referenceFen: 4000,
      deviationPct: -50,
    });
  });

  it('rounds the deviation people read to a whole percent', () => {
    expect(referenceOutlier(1500, 4240, 50)).toMatchObject({ outlier: true, deviationPct: -65 });
    expect(referenceOutlier(6000, 4240, 30)).toMatchObject({ outlier: true, deviationPct: 42 });
  });

  it('never flags the reference itself, whatever the band (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 5, max: 500 }), (ref, band) => {
        expect(referenceOutlier(ref, ref, band).outlier).toBe(false);
      }),
    );
  });

  it('flags every price outside the band and none inside it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 5, max: 500 }),
        (price, ref, band) => {
          const outside = Math.abs(price - ref) / ref > band / 100 + 1e-12;
          const inside = Math.abs(price - ref) / ref < band / 100 - 1e-12;
          const { outlier } = referenceOutlier(price, ref, band);
          if (outside) expect(outlier).toBe(true);
          if (inside) expect(outlier).toBe(false);
        },
      ),
    );
  });
});
