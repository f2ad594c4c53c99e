// The arithmetic of seller price lists (app/b2b/price-list-rules.ts, ADR 0051): rounding to whole fen half up,
// lot rules over category rules, the lowest offer among lists, never above the tier price, which list priced.
import { describe, expect, it } from 'vitest';
import {
  type CandidateRule,
  adjustByBps,
  applyPriceRules,
  bpsToPercentText,
  lowestListedPrice,
  parsePercentBps,
  pricedBy,
  ruleUnitPrice,
} from '../../app/b2b/price-list-rules';

const tiers = [
  { minQuantity: 10_000, unitPriceFen: 4_000 },
  { minQuantity: 100_000, unitPriceFen: 3_600 },
];

function rule(over: Partial<CandidateRule>): CandidateRule {
  return { priceListId: 'prl_a', scope: 'category', kind: 'fixed', priceFen: null, adjustBps: null, ...over };
}

describe('adjustByBps', () => {
  it('rounds to a whole fen, half up', () => {
    expect(adjustByBps(1_005, -500)).toBe(955); // 954.75
    expect(adjustByBps(1_000, -333)).toBe(967); // 966.7
    expect(adjustByBps(10, -2_500)).toBe(8); // 7.5 → 8
    expect(adjustByBps(10, -2_501)).toBe(7); // 7.499
    expect(adjustByBps(3_333, 250)).toBe(3_416); // 3416.325
  });
  it('never goes below one fen', () => {
    expect(adjustByBps(1, -9_000)).toBe(1);
  });
});

describe('ruleUnitPrice', () => {
  it('prices a fixed rule, a percent of the tier, and a percent of the reference', () => {
    expect(ruleUnitPrice({ kind: 'fixed', priceFen: 3_500, adjustBps: null }, 4_000, null)).toBe(3_500);
    expect(ruleUnitPrice({ kind: 'tier_pct', priceFen: null, adjustBps: -1_000 }, 4_000, null)).toBe(3_600);
    expect(ruleUnitPrice({ kind: 'reference_pct', priceFen: null, adjustBps: 500 }, 4_000, 3_000)).toBe(
      3_150,
    );
  });
  it('cannot price a reference rule on a day without a reference', () => {
    expect(ruleUnitPrice({ kind: 'reference_pct', priceFen: null, adjustBps: -500 }, 4_000, null)).toBeNull();
  });
});

describe('applyPriceRules', () => {
  it('lowers each tier and records the list', () => {
    const priced = applyPriceRules(tiers, [rule({ kind: 'tier_pct', adjustBps: -500 })], null);
    expect(priced).toEqual([
      { minQuantity: 10_000, unitPriceFen: 3_800, priceListId: 'prl_a' },
      { minQuantity: 100_000, unitPriceFen: 3_420, priceListId: 'prl_a' },
    ]);
  });
  it('never raises a tier above its own price', () => {
    const priced = applyPriceRules(tiers, [rule({ kind: 'fixed', priceFen: 3_800 })], null);
    expect(priced[0]).toEqual({ minQuantity: 10_000, unitPriceFen: 3_800, priceListId: 'prl_a' });
    expect(priced[1]).toEqual({ minQuantity: 100_000, unitPriceFen: 3_600, priceListId: null });
    const above = applyPriceRules(tiers, [rule({ kind: 'reference_pct', adjustBps: 1_000 })], 4_000);
    expect(above.every((tier) => tier.priceListId === null)).toBe(true);
  });
  it('lets a lot rule beat a category rule, even a cheaper one', () => {
    const priced = applyPriceRules(
      tiers,
      [
        rule({ priceListId: 'prl_cat', kind: 'fixed', priceFen: 2_000 }),
        rule({ priceListId: 'prl_lot', scope: 'lot', kind: 'fixed', priceFen: 3_000 }),
      ],
      null,
    );
    expect(priced.map((tier) => [tier.unitPriceFen, tier.priceListId])).toEqual([
      [3_000, 'prl_lot'],
      [3_000, 'prl_lot'],
    ]);
  });
  it('falls back to the category when the lot rule cannot price', () => {
    const priced = applyPriceRules(
      tiers,
      [
        rule({ priceListId: 'prl_cat', kind: 'fixed', priceFen: 3_500 }),
        rule({ priceListId: 'prl_lot', scope: 'lot', kind: 'reference_pct', adjustBps: -500 }),
      ],
      null,
    );
    expect(priced[0]).toEqual({ minQuantity: 10_000, unitPriceFen: 3_500, priceListId: 'prl_cat' });
  });
  it('takes the lowest price among several lists of the same reach', () => {
    const priced = applyPriceRules(
      tiers,
      [
        rule({ priceListId: 'prl_b', kind: 'fixed', priceFen: 3_700 }),
        rule({ priceListId: 'prl_c', kind: 'tier_pct', adjustBps: -1_000 }),
      ],
      null,
    );
    expect(priced.map((tier) => [tier.unitPriceFen, tier.priceListId])).toEqual([
      [3_600, 'prl_c'],
      [3_240, 'prl_c'],
    ]);
  });
});

describe('pricedBy and lowestListedPrice', () => {
  const priced = applyPriceRules(tiers, [rule({ kind: 'fixed', priceFen: 3_800 })], null);
  it('names the list of the tier the quantity reaches', () => {
    expect(pricedBy(priced, 20_000)).toBe('prl_a');
    expect(pricedBy(priced, 200_000)).toBeNull();
    // Below every minimum the lowest tier applies, as unitPriceFor says.
    expect(pricedBy(priced, 5_000)).toBe('prl_a');
  });
  it('gives the lowest listed price, or null when no list lowers any tier', () => {
    expect(lowestListedPrice(priced)).toBe(3_800);
    expect(lowestListedPrice(applyPriceRules(tiers, [], null))).toBeNull();
  });
});

describe('parsePercentBps', () => {
  it('reads percents as typed', () => {
    expect(parsePercentBps('-5')).toEqual({ ok: true, bps: -500 });
    expect(parsePercentBps('−2.5 %')).toEqual({ ok: true, bps: -250 });
    expect(parsePercentBps('+10')).toEqual({ ok: true, bps: 1_000 });
    expect(parsePercentBps('0.01')).toEqual({ ok: true, bps: 1 });
  });
  it('refuses what is not a percent', () => {
    expect(parsePercentBps('')).toEqual({ ok: false, error: 'errors.required' });
    expect(parsePercentBps('abc')).toEqual({ ok: false, error: 'errors.notANumber' });
    expect(parsePercentBps('1.234')).toEqual({ ok: false, error: 'errors.notANumber' });
  });
  it('shows basis points again as typed', () => {
    expect(bpsToPercentText(-500)).toBe('-5');
    expect(bpsToPercentText(250)).toBe('2.5');
    expect(bpsToPercentText(-1)).toBe('-0.01');
  });
});
