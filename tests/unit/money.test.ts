// Unit and property tests for app/lib/money.ts: exact parsing, formatting, half-up rounding, allocation.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  type Currency,
  formatMoney,
  lineTotal,
  money,
  parseDecimal,
  parseMoney,
  percentOf,
  ratioToDecimal,
  roundHalfUpDiv,
  toDecimalString,
} from '../../app/lib/money';

const MAX = Number.MAX_SAFE_INTEGER;
const safeAmount = fc.integer({ min: 0, max: MAX });
const currencies: Currency[] = ['CNY', 'USD', 'HKD'];

// Independent oracle: for n >= 0, floor((2n + d) / 2d) is n/d rounded half-up.
function halfUpOracle(n: bigint, d: bigint): bigint {
  return n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d));
}

describe('parseMoney', () => {
  it.each([
    ['36', 3600],
    ['36.5', 3650],
    ['36.50', 3650],
    ['¥1,234.56', 123456],
    [' 1234.5 ', 123450],
    ['0', 0],
    ['0.01', 1],
    ['.5', 50],
    ['36.', 3600],
    ['36.500', 3650],
    ['-0', 0],
    ['+7', 700],
    ['￥３６．５', 3650],
    ['36元', 3600],
    ['CN¥ 36', 3600],
    ['rmb36', 3600],
    ['1,234,567', 123456700],
    ['90071992547409.91', MAX],
  ])('parses %j as %i fen', (input, amount) => {
    expect(parseMoney(input)).toEqual({ ok: true, amount });
  });

  it.each([
    ['', 'invalid'],
    ['   ', 'invalid'],
    ['abc', 'invalid'],
    ['.', 'invalid'],
    ['1.2.3', 'invalid'],
    ['1,23', 'invalid'],
    ['1,2345', 'invalid'],
    ['1e5', 'invalid'],
    ['Infinity', 'invalid'],
    ['NaN', 'invalid'],
    ['$5', 'invalid'],
    ['¥', 'invalid'],
    ['--5', 'invalid'],
    ['-¥-5', 'invalid'],
    [`1${'0'.repeat(80)}`, 'invalid'],
    ['36.505', 'tooPrecise'],
    ['36.123', 'tooPrecise'],
    ['0.001', 'tooPrecise'],
    ['-5', 'negative'],
    ['-¥5', 'negative'],
    ['¥-5', 'negative'],
    ['\u22125', 'negative'],
    ['-36.123', 'negative'],
    ['90071992547409.92', 'tooLarge'],
    ['100000000000000', 'tooLarge'],
  ])('rejects %j as %s', (input, error) => {
    expect(parseMoney(input)).toEqual({ ok: false, error });
  });

  it('accepts only the symbols of the requested currency', () => {
    expect(parseMoney('$5', 'USD')).toEqual({ ok: true, amount: 500 });
    expect(parseMoney('US$5', 'USD')).toEqual({ ok: true, amount: 500 });
    expect(parseMoney('HK$5', 'HKD')).toEqual({ ok: true, amount: 500 });
    expect(parseMoney('¥5', 'USD')).toEqual({ ok: false, error: 'invalid' });
    expect(parseMoney('HK$5', 'CNY')).toEqual({ ok: false, error: 'invalid' });
  });

  it('round-trips toDecimalString for every safe amount', () => {
    fc.assert(
      fc.property(safeAmount, fc.constantFrom(...currencies), (amount, currency) => {
        expect(parseMoney(toDecimalString(amount, currency), currency)).toEqual({ ok: true, amount });
      }),
    );
  });

  it('round-trips its own formatMoney output in both locales', () => {
    fc.assert(
      fc.property(
        safeAmount,
        fc.constantFrom(...currencies),
        fc.constantFrom('zh-CN' as const, 'en' as const),
        (amount, currency, locale) => {
          expect(parseMoney(formatMoney(amount, currency, locale), currency)).toEqual({ ok: true, amount });
        },
      ),
    );
  });

  it('agrees with a float oracle on small inputs and flags only non-zero extra digits', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(digits(1, 6), digits(0, 4), (intPart, fracPart) => {
        const input = fracPart ? `${intPart}.${fracPart}` : intPart;
        const result = parseMoney(input);
        if (/[1-9]/.test(fracPart.slice(2))) {
          expect(result).toEqual({ ok: false, error: 'tooPrecise' });
        } else {
          // Below 1e6 yuan a double holds every fen exactly, so this is a trustworthy second opinion.
          expect(result).toEqual({ ok: true, amount: Math.round(Number.parseFloat(input) * 100) });
        }
      }),
    );
  });
});

describe('parseDecimal', () => {
  it('keeps every digit and the scale', () => {
    expect(parseDecimal('1,234.500')).toEqual({ negative: false, digits: 1234500n, scale: 3 });
    expect(parseDecimal('-0.05')).toEqual({ negative: true, digits: 5n, scale: 2 });
    expect(parseDecimal('1.5e3')).toBeNull();
  });
});

describe('toDecimalString', () => {
  it.each([
    [3650, '36.50'],
    [5, '0.05'],
    [0, '0.00'],
    [100, '1.00'],
    [-5, '-0.05'],
    [-123456, '-1234.56'],
    [MAX, '90071992547409.91'],
  ])('%i → %s', (amount, expected) => {
    expect(toDecimalString(amount)).toBe(expected);
  });

  it('refuses non-integers and unsafe integers', () => {
    expect(() => toDecimalString(36.5)).toThrow(RangeError);
    expect(() => toDecimalString(MAX + 1)).toThrow(RangeError);
    expect(() => toDecimalString(Number.NaN)).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  // These pin what Node 20's ICU produces; a change here means every price on the site changes.
  it.each([
    [3650, 'CNY', 'zh-CN', '¥36.50'],
    [3650, 'CNY', 'en', 'CN¥36.50'],
    [123450, 'CNY', 'zh-CN', '¥1,234.50'],
    [0, 'CNY', 'zh-CN', '¥0.00'],
    [-50, 'CNY', 'zh-CN', '-¥0.50'],
    [123450, 'USD', 'en', '$1,234.50'],
    [123450, 'USD', 'zh-CN', 'US$1,234.50'],
    [123450, 'HKD', 'en', 'HK$1,234.50'],
    [MAX, 'CNY', 'en', 'CN¥90,071,992,547,409.91'],
  ] as const)('%i %s %s → %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale)).toBe(expected);
  });

  it('refuses fractional fen', () => {
    expect(() => formatMoney(0.5, 'CNY', 'en')).toThrow(RangeError);
  });
});

describe('money', () => {
  it('defaults to CNY and asserts a safe integer', () => {
    expect(money(100)).toEqual({ amount: 100, currency: 'CNY' });
    expect(() => money(1.1)).toThrow(RangeError);
  });
});

describe('roundHalfUpDiv', () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [-5n, 2n, -3n],
    [-4n, 3n, -1n],
    [-5n, 3n, -2n],
    [0n, 7n, 0n],
    [15n, 10n, 2n],
    [25n, 10n, 3n],
  ])('%s / %s → %s', (n, d, expected) => {
    expect(roundHalfUpDiv(n, d)).toBe(expected);
  });

  it('rejects a non-positive denominator', () => {
    expect(() => roundHalfUpDiv(1n, 0n)).toThrow(RangeError);
    expect(() => roundHalfUpDiv(1n, -2n)).toThrow(RangeError);
  });

  it('matches the oracle and is symmetric around zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        (n, d) => {
          const q = roundHalfUpDiv(n, d);
          expect(q).toBe(halfUpOracle(n, d));
          expect(roundHalfUpDiv(-n, d)).toBe(-q);
          const error = q * d - n;
          expect(2n * (error < 0n ? -error : error) <= d).toBe(true);
        },
      ),
    );
  });
});

describe('ratioToDecimal', () => {
  it('rounds half-up at the last place and trims on request', () => {
    expect(ratioToDecimal(1n, 3n, 3, false)).toBe('0.333');
    expect(ratioToDecimal(2n, 3n, 3, false)).toBe('0.667');
    expect(ratioToDecimal(1n, 2000n, 3, false)).toBe('0.001');
    expect(ratioToDecimal(1500n, 1000n, 3, true)).toBe('1.5');
    expect(ratioToDecimal(3000n, 1000n, 3, true)).toBe('3');
    expect(ratioToDecimal(-1n, 4n, 1, true)).toBe('-0.3');
    expect(ratioToDecimal(-1n, 3000n, 3, true)).toBe('0');
    expect(ratioToDecimal(7n, 2n, 0, false)).toBe('4');
  });
});

describe('lineTotal', () => {
  it('prices weight goods per kg and rounds half-up at the line', () => {
    // ¥36.50/kg × 1.25 kg = ¥45.625 → ¥45.63
    expect(lineTotal(3650, 1250, 1000)).toBe(4563);
    expect(lineTotal(1, 500, 1000)).toBe(1);
    expect(lineTotal(1, 499, 1000)).toBe(0);
    expect(lineTotal(1, 1500, 1000)).toBe(2);
    expect(lineTotal(1, 2500, 1000)).toBe(3);
  });

  it('prices count goods per piece', () => {
    expect(lineTotal(1200, 3, 1)).toBe(3600);
    expect(lineTotal(0, 3, 1)).toBe(0);
  });

  it('stays exact where float arithmetic would not', () => {
    // p × q is far past 2^53 yet the result is safe; Math.round(p * q / 1000) gives …886 here.
    expect(lineTotal(597251300290, 9072363, 1000)).toBe(5418480598452885);
    expect(lineTotal(MAX, 3, 3)).toBe(MAX);
  });

  it('throws on non-integer, negative, zero perBase or overflowing input', () => {
    expect(() => lineTotal(36.5, 1, 1)).toThrow(RangeError);
    expect(() => lineTotal(1, 1.5, 1)).toThrow(RangeError);
    expect(() => lineTotal(1, 1, 0.5)).toThrow(RangeError);
    expect(() => lineTotal(1, 1, 0)).toThrow(RangeError);
    expect(() => lineTotal(-1, 1, 1)).toThrow(RangeError);
    expect(() => lineTotal(1, -1, 1)).toThrow(RangeError);
    expect(() => lineTotal(Number.NaN, 1, 1)).toThrow(RangeError);
    expect(() => lineTotal(MAX, 2, 1)).toThrow(RangeError);
  });

  it('equals the half-up rounding of the exact rational, or throws past the safe range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 100_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (price, quantity, perBase) => {
          const expected = (2n * BigInt(price) * BigInt(quantity) + BigInt(perBase)) / (2n * BigInt(perBase));
          if (expected > BigInt(MAX)) {
            expect(() => lineTotal(price, quantity, perBase)).toThrow(RangeError);
          } else {
            expect(lineTotal(price, quantity, perBase)).toBe(Number(expected));
          }
        },
      ),
    );
  });

  it('is monotonic in quantity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom(1, 500, 1000, 1_000_000),
        (price, a, b, perBase) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(lineTotal(price, lo, perBase)).toBeLessThanOrEqual(lineTotal(price, hi, perBase));
        },
      ),
    );
  });
});

describe('allocate', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [5, [3, 3], [3, 2]],
    [10, [0, 1], [0, 10]],
    [0, [5, 7], [0, 0]],
    [1, [1, 1, 1], [1, 0, 0]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [1000, [3650, 1200, 150], [730, 240, 30]],
    [7, [1, 2, 4], [1, 2, 4]],
    [10, [1, 1, 4], [2, 2, 6]],
    [10, [1, 2, 4], [1, 3, 6]],
  ])('allocate(%i, %j) → %j', (total, weights, expected) => {
    expect(allocate(total, weights)).toEqual(expected);
  });

  it('throws on bad weights or totals', () => {
    expect(() => allocate(10, [])).toThrow(RangeError);
    expect(() => allocate(10, [0, 0])).toThrow(RangeError);
    expect(() => allocate(10, [1, -1])).toThrow(RangeError);
    expect(() => allocate(10, [1.5])).toThrow(RangeError);
    expect(() => allocate(1.5, [1])).toThrow(RangeError);
  });

  it('sums exactly to the total and keeps each part within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -MAX, max: MAX }),
        fc
          .array(fc.integer({ min: 0, max: MAX }), { minLength: 1, maxLength: 12 })
          .filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
          const weightSum = weights.reduce((a, b) => a + BigInt(b), 0n);
          parts.forEach((part, i) => {
            expect(Number.isSafeInteger(part)).toBe(true);
            // |part − total·w/W| < 1  ⇔  |part·W − total·w| < W
            const diff = BigInt(part) * weightSum - BigInt(total) * BigInt(weights[i]);
            expect((diff < 0n ? -diff : diff) < weightSum).toBe(true);
            if (weights[i] === 0) expect(part).toBe(0);
          });
        },
      ),
    );
  });

  it('splits a refund as the mirror image of the charge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 8 }),
        (total, weights) => {
          expect(allocate(-total, weights)).toEqual(allocate(total, weights).map((p) => (p === 0 ? 0 : -p)));
        },
      ),
    );
  });
});

describe('percentOf', () => {
  it.each([
    [10_000, 250, 250],
    [333, 250, 8],
    [20, 250, 1],
    [19, 250, 0],
    [-20, 250, -1],
    [12345, 0, 0],
    [12345, 10_000, 12345],
    [100, 15_000, 150],
  ])('percentOf(%i, %i bp) → %i', (amount, bp, expected) => {
    expect(percentOf(amount, bp)).toBe(expected);
  });

  it('throws on fractional or negative basis points', () => {
    expect(() => percentOf(100, 2.5)).toThrow(RangeError);
    expect(() => percentOf(100, -1)).toThrow(RangeError);
  });

  it('matches the half-up oracle', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        expect(percentOf(amount, bp)).toBe(Number(halfUpOracle(BigInt(amount) * BigInt(bp), 10_000n)));
      }),
    );
  });
});
