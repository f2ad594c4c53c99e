// Credit score and quality class: a new org starts at 70, evidence moves it, and the classes follow complaint shares.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CreditRecord, creditScore, qualityClass, smoothedShare } from '../../app/trust/credit';

const empty: CreditRecord = {
  delivered: 0,
  deliveredOnTime: 0,
  disputesLost: 0,
  orders: 0,
  cancelledByOrg: 0,
  bought: 0,
  unpaid: 0,
  ratings: [],
};

describe('credit score', () => {
  it('starts a new org at 70, the column default', () => {
    expect(creditScore(empty).score).toBe(70);
  });

  it('rises with on-time deliveries and good ratings', () => {
    const good = creditScore({
      ...empty,
      delivered: 40,
      deliveredOnTime: 40,
      orders: 40,
      ratings: Array(20).fill(5),
    });
    expect(good.score).toBeGreaterThan(90);
  });

  it('falls with late deliveries, lost disputes, cancellations, non-payment and poor ratings', () => {
    const base: CreditRecord = { ...empty, delivered: 40, deliveredOnTime: 40, orders: 40, bought: 20 };
    const clean = creditScore(base).score;
    const worse = [
      { ...base, deliveredOnTime: 10 },
      { ...base, disputesLost: 20 },
      { ...base, cancelledByOrg: 30 },
      { ...base, unpaid: 15 },
      { ...base, ratings: Array(20).fill(1) },
    ];
    for (const record of worse) expect(creditScore(record).score).toBeLessThan(clean - 5);
    expect(creditScore({ ...empty, ratings: Array(20).fill(1) }).score).toBeLessThan(70);
  });

  it('does not swing far on one order', () => {
    expect(creditScore({ ...empty, delivered: 1, deliveredOnTime: 0, orders: 1 }).score).toBeGreaterThan(60);
    expect(smoothedShare(1, 1)).toBeCloseTo(0.75, 2);
  });

  it('always stays within 0–100 (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(500),
        fc.nat(500),
        fc.nat(500),
        fc.nat(500),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 50 }),
        (delivered, late, disputes, cancels, ratings) => {
          const { score } = creditScore({
            delivered,
            deliveredOnTime: Math.max(0, delivered - late),
            disputesLost: Math.min(disputes, delivered),
            orders: delivered + cancels,
            cancelledByOrg: cancels,
            bought: 0,
            unpaid: 0,
            ratings,
          });
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});

describe('quality class', () => {
  it('is A, B or C by the share of deliveries with justified complaints', () => {
    expect(qualityClass(100, 1)).toBe('A');
    expect(qualityClass(100, 5)).toBe('B');
    expect(qualityClass(100, 9)).toBe('C');
  });

  it('keeps an org with too few deliveries at B unless complaints already make it C', () => {
    expect(qualityClass(0, 0)).toBe('B');
    expect(qualityClass(3, 0)).toBe('B');
    expect(qualityClass(3, 1)).toBe('C');
  });
});
