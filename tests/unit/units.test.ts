// Unit and property tests for app/lib/units.ts: exact quantity entry, display and per-unit prices.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseUnitOf,
  formatQuantity,
  fromBase,
  gramsPer,
  pricePerKgFrom,
  pricePerUnit,
  type QuantityUnit,
  toBase,
  unitLabel,
  unitsFor,
} from '../../app/lib/units';

const MAX = Number.MAX_SAFE_INTEGER;
const exactUnits: QuantityUnit[] = ['g', 'kg', 'jin', 't', 'piece'];
const perUnit: Record<Exclude<QuantityUnit, 'case'>, bigint> = {
  g: 1n,
  kg: 1000n,
  jin: 500n,
  t: 1_000_000n,
  piece: 1n,
};

const digitString = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// Value of 'int.frac' scaled by 10^6 — a fixed-scale reading independent of how toBase parses.
function micro(intPart: string, fracPart: string): bigint {
  return BigInt(intPart) * 1_000_000n + BigInt(fracPart.padEnd(6, '0'));
}

describe('unitsFor / baseUnitOf', () => {
  it('lists entry units per base', () => {
    expect(unitsFor('g')).toEqual(['g', 'kg', 'jin', 't', 'case']);
    expect(unitsFor('piece')).toEqual(['piece']);
  });

  it('returns a copy callers cannot use to corrupt the table', () => {
    unitsFor('g').push('piece');
    expect(unitsFor('g')).not.toContain('piece');
  });

  it('maps each unit back to a base that lists it', () => {
    for (const unit of ['g', 'kg', 'jin', 't', 'case', 'piece'] as const) {
      expect(unitsFor(baseUnitOf(unit))).toContain(unit);
    }
  });
});

describe('gramsPer', () => {
  it('knows the fixed units and takes the case weight from the product', () => {
    expect(gramsPer('g')).toBe(1);
    expect(gramsPer('kg')).toBe(1000);
    expect(gramsPer('jin')).toBe(500);
    expect(gramsPer('t')).toBe(1_000_000);
    expect(gramsPer('piece')).toBe(1);
    expect(gramsPer('case', 12_000)).toBe(12_000);
  });

  it('throws for a case without a usable net weight', () => {
    expect(() => gramsPer('case')).toThrow(RangeError);
    expect(() => gramsPer('case', 0)).toThrow(RangeError);
    expect(() => gramsPer('case', 12.5)).toThrow(RangeError);
  });
});

describe('toBase', () => {
  it.each([
    ['1.25', 'kg', 1250],
    ['1.2340', 'kg', 1234],
    ['1,000', 'kg', 1_000_000],
    ['0.5', 'jin', 250],
    ['0.002', 'jin', 1],
    ['2.5', 'jin', 1250],
    ['3', 't', 3_000_000],
    ['0.000001', 't', 1],
    ['500', 'g', 500],
    ['40', 'piece', 40],
    [' １.５ ', 'kg', 1500],
    ['.5', 'kg', 500],
    ['9007199254740.991', 'kg', MAX],
  ] as const)('%j %s → %i', (input, unit, value) => {
    expect(toBase(input, unit)).toEqual({ ok: true, value });
  });

  it.each([
    ['1.2345', 'kg', 'tooPrecise'],
    ['0.001', 'jin', 'tooPrecise'],
    ['0.0000001', 't', 'tooPrecise'],
    ['1.5', 'g', 'tooPrecise'],
    ['1.5', 'piece', 'tooPrecise'],
    ['0', 'kg', 'notPositive'],
    ['0.000', 'kg', 'notPositive'],
    ['-1', 'kg', 'notPositive'],
    ['-0.5', 'jin', 'notPositive'],
    ['', 'kg', 'invalid'],
    ['abc', 'kg', 'invalid'],
    ['1.2.3', 'kg', 'invalid'],
    ['1e3', 'g', 'invalid'],
    ['1,5', 'kg', 'invalid'],
    ['5 kg', 'kg', 'invalid'],
    ['9007199254740.992', 'kg', 'tooLarge'],
    ['9007199254740992', 'g', 'tooLarge'],
  ] as const)('%j %s → %s', (input, unit, error) => {
    expect(toBase(input, unit)).toEqual({ ok: false, error });
  });

  it('needs a case weight for cases and uses it exactly', () => {
    expect(toBase('2', 'case', { caseNetGrams: 12_000 })).toEqual({ ok: true, value: 24_000 });
    expect(toBase('0.5', 'case', { caseNetGrams: 12_000 })).toEqual({ ok: true, value: 6000 });
    expect(toBase('0.5', 'case', { caseNetGrams: 12_001 })).toEqual({ ok: false, error: 'tooPrecise' });
    expect(toBase('2', 'case')).toEqual({ ok: false, error: 'caseWeightMissing' });
    expect(toBase('2', 'case', { caseNetGrams: 0 })).toEqual({ ok: false, error: 'caseWeightMissing' });
    expect(toBase('2', 'case', { caseNetGrams: 1.5 })).toEqual({ ok: false, error: 'caseWeightMissing' });
  });

  it('rejects a unit that does not fit the product base', () => {
    expect(toBase('1', 'kg', { base: 'piece' })).toEqual({ ok: false, error: 'wrongUnitForBase' });
    expect(toBase('1', 'piece', { base: 'g' })).toEqual({ ok: false, error: 'wrongUnitForBase' });
    expect(toBase('1', 'case', { base: 'piece', caseNetGrams: 1000 })).toEqual({
      ok: false,
      error: 'wrongUnitForBase',
    });
    expect(toBase('1', 'kg', { base: 'g' })).toEqual({ ok: true, value: 1000 });
  });

  it('matches a fixed-scale oracle for every exact unit', () => {
    fc.assert(
      fc.property(
        digitString(1, 10),
        digitString(0, 7),
        fc.constantFrom(...exactUnits),
        (intPart, fracPart, unit) => {
          const input = fracPart ? `${intPart}.${fracPart}` : intPart;
          const result = toBase(input, unit);
          if (/[1-9]/.test(fracPart.slice(6))) {
            // Beyond 6 places nothing is a whole gram in any of these units.
            expect(result).toEqual({ ok: false, error: 'tooPrecise' });
            return;
          }
          const scaled = micro(intPart, fracPart.slice(0, 6)) * perUnit[unit as keyof typeof perUnit];
          if (scaled === 0n) expect(result).toEqual({ ok: false, error: 'notPositive' });
          else if (scaled % 1_000_000n !== 0n) expect(result).toEqual({ ok: false, error: 'tooPrecise' });
          else if (scaled / 1_000_000n > BigInt(MAX))
            expect(result).toEqual({ ok: false, error: 'tooLarge' });
          else expect(result).toEqual({ ok: true, value: Number(scaled / 1_000_000n) });
        },
      ),
    );
  });

  it('is strictly monotonic in the entered amount', () => {
    const decimal = fc.tuple(digitString(1, 6), digitString(0, 3));
    fc.assert(
      fc.property(
        decimal,
        decimal,
        fc.constantFrom<QuantityUnit>('g', 'kg', 'jin', 't'),
        ([ia, fa], [ib, fb], unit) => {
          const a = toBase(fa ? `${ia}.${fa}` : ia, unit);
          const b = toBase(fb ? `${ib}.${fb}` : ib, unit);
          if (!a.ok || !b.ok) return;
          const ma = micro(ia, fa);
          const mb = micro(ib, fb);
          expect(Math.sign(a.value - b.value)).toBe(ma < mb ? -1 : ma > mb ? 1 : 0);
        },
      ),
    );
  });
});

describe('fromBase', () => {
  it.each([
    [1250, 'kg', '1.25'],
    [1250, 'jin', '2.5'],
    [1250, 'g', '1250'],
    [1000, 'kg', '1'],
    [1, 'kg', '0.001'],
    [1, 'jin', '0.002'],
    [1, 't', '0.000001'],
    [3_000_000, 't', '3'],
    [0, 'kg', '0'],
    [40, 'piece', '40'],
    [MAX, 'kg', '9007199254740.991'],
  ] as const)('%i base → %s %s', (value, unit, expected) => {
    expect(fromBase(value, unit)).toBe(expected);
  });

  it('rounds cases half-up to three places', () => {
    expect(fromBase(18_000, 'case', { caseNetGrams: 12_000 })).toBe('1.5');
    expect(fromBase(1000, 'case', { caseNetGrams: 3000 })).toBe('0.333');
    expect(fromBase(2000, 'case', { caseNetGrams: 3000 })).toBe('0.667');
    expect(fromBase(1, 'case', { caseNetGrams: 2000 })).toBe('0.001');
    expect(fromBase(1, 'case', { caseNetGrams: 3000 })).toBe('0');
    expect(() => fromBase(1, 'case')).toThrow(RangeError);
  });

  it('refuses non-integer base quantities', () => {
    expect(() => fromBase(1.5, 'g')).toThrow(RangeError);
  });

  it('round-trips through toBase for every exact unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.constantFrom(...exactUnits), (value, unit) => {
        expect(toBase(fromBase(value, unit), unit)).toEqual({ ok: true, value });
      }),
    );
  });

  it('round-trips cases whenever the quantity is a whole number of thousandths of a case', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 1_000_000 }), (net, j) => {
        // grams = (net / gcd(net, 1000)) × j is exactly (1000 / gcd) × j thousandths of a case.
        const g = gcd(net, 1000);
        const grams = (net / g) * j;
        const opts = { caseNetGrams: net };
        expect(toBase(fromBase(grams, 'case', opts), 'case', opts)).toEqual({ ok: true, value: grams });
      }),
    );
  });

  it('keeps case display within half a thousandth of the true count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (value, net) => {
          const shown = fromBase(value, 'case', { caseNetGrams: net });
          expect(shown).toMatch(/^\d+(\.\d{1,3})?$/);
          const [i, f = ''] = shown.split('.');
          const thousandths = BigInt(i) * 1000n + BigInt(f.padEnd(3, '0'));
          // |shown − value/net| ≤ 0.0005  ⇔  |2000·shown·net − 2000·value| ≤ net  (with shown in thousandths)
          const diff = 2n * thousandths * BigInt(net) - 2000n * BigInt(value);
          expect((diff < 0n ? -diff : diff) <= BigInt(net)).toBe(true);
          // Half-up: an exact tie must have rounded away from zero.
          expect(diff).not.toBe(-BigInt(net));
        },
      ),
    );
  });
});

describe('unitLabel / formatQuantity', () => {
  it('labels units in both locales', () => {
    expect(unitLabel('kg', 'zh-CN')).toBe('公斤');
    expect(unitLabel('jin', 'zh-CN')).toBe('斤');
    expect(unitLabel('piece', 'zh-CN')).toBe('件');
    expect(unitLabel('case', 'en')).toBe('case');
    expect(unitLabel('piece', 'en')).toBe('pc');
  });

  it.each([
    [1250, 'kg', 'zh-CN', '1.25 公斤'],
    [1250, 'jin', 'zh-CN', '2.5 斤'],
    [3_000_000, 't', 'zh-CN', '3 吨'],
    [500, 'g', 'zh-CN', '500 克'],
    [40, 'piece', 'zh-CN', '40 件'],
    [1250, 'kg', 'en', '1.25 kg'],
    [1250, 'jin', 'en', '2.5 jin'],
    [3_000_000, 't', 'en', '3 t'],
    [40, 'piece', 'en', '40 pcs'],
    [1, 'piece', 'en', '1 pc'],
    [1_250_000, 'g', 'en', '1,250,000 g'],
    [1_250_000, 'g', 'zh-CN', '1,250,000 克'],
    [1, 't', 'en', '0.000001 t'],
    [MAX, 'kg', 'en', '9,007,199,254,740.991 kg'],
  ] as const)('%i %s %s → %s', (value, unit, locale, expected) => {
    expect(formatQuantity(value, unit, locale)).toBe(expected);
  });

  it('counts cases with plural agreement in English', () => {
    const opts = { caseNetGrams: 10_000 };
    expect(formatQuantity(120_000, 'case', 'zh-CN', opts)).toBe('12 箱');
    expect(formatQuantity(120_000, 'case', 'en', opts)).toBe('12 cases');
    expect(formatQuantity(10_000, 'case', 'en', opts)).toBe('1 case');
    expect(formatQuantity(15_000, 'case', 'en', opts)).toBe('1.5 cases');
  });
});

describe('pricePerUnit / pricePerKgFrom', () => {
  it.each([
    [3650, 'jin', 1825],
    [3651, 'jin', 1826],
    [3650, 'kg', 3650],
    [3650, 't', 3_650_000],
    [3650, 'g', 4],
    [3649, 'g', 4],
    [3449, 'g', 3],
    [3499, 'g', 3],
    [3500, 'g', 4],
    [1, 'jin', 1],
    [0, 'jin', 0],
  ] as const)('%i fen/kg → %s: %i', (perKg, unit, expected) => {
    expect(pricePerUnit(perKg, unit)).toBe(expected);
  });

  it.each([
    [1826, 'jin', 3652],
    [3_650_000, 't', 3650],
    [3_650_499, 't', 3650],
    [3_650_500, 't', 3651],
    [4, 'g', 4000],
  ] as const)('%i fen per %s → %i fen/kg', (price, unit, expected) => {
    expect(pricePerKgFrom(price, unit)).toBe(expected);
  });

  it('throws on bad prices or overflow', () => {
    expect(() => pricePerUnit(36.5, 'jin')).toThrow(RangeError);
    expect(() => pricePerUnit(-1, 'jin')).toThrow(RangeError);
    expect(() => pricePerUnit(MAX, 't')).toThrow(RangeError);
    expect(() => pricePerKgFrom(MAX, 'g')).toThrow(RangeError);
  });

  it('keeps twice the per-jin price within one fen of the per-kg price', () => {
    fc.assert(
      // MAX itself would round its per-jin price up to a per-kg price past the safe range.
      fc.property(fc.integer({ min: 0, max: MAX - 1 }), (perKg) => {
        const perJin = pricePerUnit(perKg, 'jin');
        // Half-up means the rounded half is never below the exact half, so the gap is 0 or +1.
        expect([0, 1]).toContain(2 * perJin - perKg);
        expect([perKg, perKg + 1]).toContain(pricePerKgFrom(perJin, 'jin'));
      }),
    );
  });

  it('matches the half-up oracle for every weight unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Math.floor(MAX / 1000) }),
        fc.constantFrom('g' as const, 'kg' as const, 'jin' as const, 't' as const),
        (perKg, unit) => {
          const per = perUnit[unit];
          expect(pricePerUnit(perKg, unit)).toBe(Number((2n * BigInt(perKg) * per + 1000n) / 2000n));
          expect(pricePerKgFrom(perKg, unit)).toBe(Number((2000n * BigInt(perKg) + per) / (2n * per)));
        },
      ),
    );
  });

  it('round-trips exactly through per-tonne prices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Math.floor(MAX / 1000) }), (perKg) => {
        expect(pricePerKgFrom(pricePerUnit(perKg, 't'), 't')).toBe(perKg);
      }),
    );
  });
});
