// The matching score: better fit on any one part never lowers it; another category or cold-chain class scores zero.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_COLD_CHAIN,
  type ColdChain,
  PART_NAMES,
  type ScoredDemand,
  type ScoredListing,
  WEIGHTS,
  attributeFit,
  scoreMatch,
} from '../../app/matching/score';

const NOW = new Date('2026-11-28T04:00:00Z');
const DAY = 86_400_000;
const CLASSES: ColdChain[] = ['frozen', 'chilled', 'live', 'ambient'];
const point = fc.record({
  lat: fc.double({ min: 18, max: 26, noNaN: true }),
  lng: fc.double({ min: 105, max: 118, noNaN: true }),
});

const demandArb: fc.Arbitrary<ScoredDemand> = fc.record({
  categoryId: fc.constant('pineapple'),
  coldChain: fc.constantFrom<ColdChain>('ambient'),
  spec: fc.record({
    grade: fc.subarray(['premium', 'first', 'second'], { minLength: 1 }),
    brix: fc.record({ min: fc.integer({ min: 10, max: 15 }), max: fc.integer({ min: 16, max: 22 }) }),
  }),
  quantity: fc.integer({ min: 100_000, max: 20_000_000 }),
  targetPriceFen: fc.option(fc.integer({ min: 200, max: 2000 }), { nil: null }),
  deliveryPoint: fc.option(point, { nil: null }),
});

const listingArb: fc.Arbitrary<ScoredListing> = fc
  .record({
    coldChain: fc.constantFrom<ColdChain>('ambient', 'chilled'),
    grade: fc.constantFrom('premium', 'first', 'second'),
    brix: fc.integer({ min: 5, max: 30 }),
    moq: fc.integer({ min: 1000, max: 100_000 }),
    extra: fc.integer({ min: 0, max: 30_000_000 }),
    price: fc.integer({ min: 100, max: 4000 }),
    pickupPoint: fc.option(point, { nil: null }),
    harvestedDaysAgo: fc.integer({ min: 0, max: 20 }),
    shelfLifeDays: fc.integer({ min: 1, max: 40 }),
    credit: fc.integer({ min: 0, max: 100 }),
  })
  .map((l) => {
    const harvest = new Date(Date.parse('2026-11-28T00:00:00+08:00') - l.harvestedDaysAgo * DAY);
    return {
      categoryId: 'pineapple',
      coldChain: l.coldChain,
      spec: { grade: l.grade, brix: l.brix },
      quantityAvailable: l.moq + l.extra,
      minOrderQuantity: l.moq,
      tiers: [{ minQuantity: l.moq, unitPriceFen: l.price }],
      pickupPoint: l.pickupPoint,
      harvestDate: harvest.toISOString().slice(0, 10),
      shelfLifeDays: l.shelfLifeDays,
      expiresAt: new Date(harvest.getTime() + l.shelfLifeDays * DAY),
      sellerCredit: l.credit,
    };
  });

/** Each way of making a lot better on exactly one part, all else equal. */
const improvements: Record<string, (demand: ScoredDemand, listing: ScoredListing) => ScoredListing> = {
  spec: (demand, listing) => {
    const grades = demand.spec.grade as string[];
    const brix = demand.spec.brix as { min: number; max: number };
    return { ...listing, spec: { grade: grades[0], brix: brix.min } };
  },
  price: (_demand, listing) => ({
    ...listing,
    tiers: listing.tiers.map((t) => ({ ...t, unitPriceFen: Math.max(1, Math.floor(t.unitPriceFen / 2)) })),
  }),
  quantity: (_demand, listing) => ({ ...listing, quantityAvailable: listing.quantityAvailable * 2 }),
  distance: (demand, listing) => ({ ...listing, pickupPoint: demand.deliveryPoint ?? listing.pickupPoint }),
  freshness: (_demand, listing) => ({
    ...listing,
    expiresAt: new Date(listing.expiresAt.getTime() + DAY),
    harvestDate: new Date(Date.parse(`${listing.harvestDate}T00:00:00+08:00`) + DAY)
      .toISOString()
      .slice(0, 10),
  }),
  credit: (_demand, listing) => ({ ...listing, sellerCredit: Math.min(100, listing.sellerCredit + 10) }),
};

describe('scoreMatch', () => {
  it('weights sum to one and the score stays within 0–100', () => {
    expect(PART_NAMES.reduce((sum, name) => sum + WEIGHTS[name], 0)).toBeCloseTo(1, 10);
    fc.assert(
      fc.property(demandArb, listingArb, (demand, listing) => {
        const { score, parts } = scoreMatch(demand, listing, NOW);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        for (const name of PART_NAMES) {
          expect(parts[name]).toBeGreaterThanOrEqual(0);
          expect(parts[name]).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  for (const [part, improve] of Object.entries(improvements)) {
    it(`never scores lower when the lot is better on ${part} alone`, () => {
      fc.assert(
        fc.property(demandArb, listingArb, (demand, listing) => {
          const before = scoreMatch(demand, listing, NOW);
          const better = improve(demand, listing);
          const after = scoreMatch(demand, better, NOW);
          expect(after.score).toBeGreaterThanOrEqual(before.score);
          // The part itself moved up (or stayed), and no other part moved.
          expect(after.parts[part as keyof typeof after.parts]).toBeGreaterThanOrEqual(
            before.parts[part as keyof typeof before.parts],
          );
        }),
        { numRuns: 300 },
      );
    });
  }

  it('scores a lot of another category zero', () => {
    fc.assert(
      fc.property(demandArb, listingArb, (demand, listing) => {
        const result = scoreMatch(demand, { ...listing, categoryId: 'banana' }, NOW);
        expect(result).toMatchObject({ score: 0, excluded: 'category' });
      }),
    );
  });

  it('scores a lot of a cold-chain class the demand does not accept zero', () => {
    fc.assert(
      fc.property(
        demandArb,
        listingArb,
        fc.constantFrom(...CLASSES),
        fc.constantFrom(...CLASSES),
        (demand, listing, wanted, offered) => {
          fc.pre(!ACCEPTED_COLD_CHAIN[wanted].includes(offered));
          const result = scoreMatch(
            { ...demand, coldChain: wanted },
            { ...listing, coldChain: offered },
            NOW,
          );
          expect(result).toMatchObject({ score: 0, excluded: 'coldChain' });
        },
      ),
    );
  });

  it('accepts chilled goods for an ambient demand but never live shrimp as frozen', () => {
    expect(ACCEPTED_COLD_CHAIN.ambient).toContain('chilled');
    expect(ACCEPTED_COLD_CHAIN.frozen).toEqual(['frozen']);
    expect(ACCEPTED_COLD_CHAIN.live).toEqual(['live']);
  });

  it('scores zero a lot whose minimum order is above the demand', () => {
    fc.assert(
      fc.property(demandArb, listingArb, (demand, listing) => {
        const big = {
          ...listing,
          minOrderQuantity: demand.quantity + 1,
          quantityAvailable: demand.quantity * 3,
        };
        expect(scoreMatch(demand, big, NOW)).toMatchObject({ score: 0, excluded: 'quantity' });
      }),
    );
  });

  it('gives a perfect lot next door 100', () => {
    const demand: ScoredDemand = {
      categoryId: 'pineapple',
      coldChain: 'ambient',
      spec: { grade: ['premium'], size: ['l', 'xl'] },
      quantity: 2_000_000,
      targetPriceFen: 840,
      deliveryPoint: { lat: 23.129, lng: 113.264 },
    };
    const listing: ScoredListing = {
      categoryId: 'pineapple',
      coldChain: 'ambient',
      spec: { grade: 'premium', size: 'xl' },
      quantityAvailable: 5_000_000,
      minOrderQuantity: 500_000,
      tiers: [{ minQuantity: 500_000, unitPriceFen: 800 }],
      pickupPoint: { lat: 23.129, lng: 113.264 },
      harvestDate: '2026-11-28',
      shelfLifeDays: 10,
      expiresAt: new Date(Date.parse('2026-11-28T00:00:00+08:00') + 10 * DAY),
      sellerCredit: 100,
    };
    const result = scoreMatch(demand, listing, new Date('2026-11-27T16:00:00Z'));
    expect(result.score).toBe(100);
    expect(result.unitPriceFen).toBe(800);
  });
});

describe('attributeFit', () => {
  it('takes any of the wanted values of a range like 40/50 or 50/60', () => {
    expect(attributeFit(['40/50', '50/60'], '50/60')).toBe(1);
    expect(attributeFit(['40/50', '50/60'], '30/40')).toBe(0);
    expect(attributeFit(['40/50'], undefined)).toBe(0.5);
  });

  it('scores numbers inside the range 1 and falls off outside it', () => {
    expect(attributeFit({ min: 15, max: 18 }, 16)).toBe(1);
    expect(attributeFit({ min: 15 }, 14)).toBeGreaterThan(attributeFit({ min: 15 }, 12));
    expect(attributeFit({ max: 18 }, 30)).toBe(0);
  });
});
