// Property tests of the English auction engine against the reference model, and the rules' examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_STATE,
  type EnglishRules,
  type EnglishState,
  applyBid,
  minimumBid,
  reserveMet,
} from '../../app/auctions/english';
import { type ModelBid, replay } from './auction-reference';

const RULES: EnglishRules = {
  startPriceFen: 1_000,
  reservePriceFen: null,
  increments: [
    { fromFen: 0, stepFen: 10 },
    { fromFen: 1_000, stepFen: 50 },
    { fromFen: 10_000, stepFen: 100 },
  ],
};

function run(bids: readonly ModelBid[], rules: EnglishRules) {
  let state: EnglishState = EMPTY_STATE;
  const steps = bids.map((bid) => {
    const result = applyBid(state, rules, bid);
    if (result.accepted) state = result.state;
    return { accepted: result.accepted, state };
  });
  return { steps, state };
}

const rulesArb = fc.record({
  startPriceFen: fc.integer({ min: 1, max: 5_000 }),
  reservePriceFen: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: null }),
  increments: fc
    .uniqueArray(fc.integer({ min: 1, max: 20_000 }), { maxLength: 3 })
    .chain((froms) =>
      fc.tuple(
        fc.constant([0, ...froms.sort((a, b) => a - b)]),
        fc.array(fc.integer({ min: 1, max: 500 }), {
          minLength: froms.length + 1,
          maxLength: froms.length + 1,
        }),
      ),
    )
    .map(([froms, steps]) => froms.map((fromFen, i) => ({ fromFen, stepFen: steps[i] }))),
});

const bidsArb = fc
  .array(
    fc.record({
      bidderId: fc.constantFrom('a', 'b', 'c', 'd'),
      kind: fc.constantFrom<'manual' | 'proxy'>('manual', 'proxy'),
      amountFen: fc.integer({ min: 1, max: 25_000 }),
    }),
    { maxLength: 40 },
  )
  .map((bids) => bids.map((bid, seq) => ({ ...bid, seq: seq + 1 })));

describe('English auction engine against the reference model', () => {
  it('accepts the same bids and reaches the same leader and price after every bid', () => {
    fc.assert(
      fc.property(rulesArb, bidsArb, (rules, bids) => {
        const engine = run(bids, rules);
        const model = replay(bids, rules);
        engine.steps.forEach((step, i) => {
          expect(step.accepted).toBe(model.steps[i].accepted);
          expect(step.state.leader?.bidderId ?? null).toBe(model.steps[i].state.leader);
          expect(step.state.priceFen).toBe(model.steps[i].state.priceFen);
          expect(step.state.leader?.maxFen ?? null).toBe(model.steps[i].state.leaderMax);
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('never lowers an accepted leading price and never charges a leader above its maximum', () => {
    fc.assert(
      fc.property(rulesArb, bidsArb, (rules, bids) => {
        let last = 0;
        for (const step of run(bids, rules).steps) {
          if (step.state.priceFen === null) continue;
          expect(step.state.priceFen).toBeGreaterThanOrEqual(last);
          expect(step.state.priceFen).toBeLessThanOrEqual(step.state.leader?.maxFen ?? 0);
          last = step.state.priceFen;
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('English auction rules', () => {
  const bid = (bidderId: string, kind: 'manual' | 'proxy', amountFen: number, seq: number) => ({
    bidderId,
    kind,
    amountFen,
    seq,
  });

  it('lets a proxy answer a lower bid by one increment and makes the leader pay second maximum plus one', () => {
    const { state } = run([bid('a', 'proxy', 5_000, 1), bid('b', 'manual', 2_000, 2)], RULES);
    expect(state.leader?.bidderId).toBe('a');
    expect(state.priceFen).toBe(2_050);
    const after = run([bid('a', 'proxy', 5_000, 1), bid('b', 'proxy', 8_000, 2)], RULES).state;
    expect(after.leader?.bidderId).toBe('b');
    expect(after.priceFen).toBe(5_050);
  });

  it('gives a tie to the earlier bid (a proxy beats a later manual bid of the same amount)', () => {
    const { state } = run([bid('a', 'proxy', 3_000, 1), bid('b', 'manual', 3_000, 2)], RULES);
    expect(state.leader?.bidderId).toBe('a');
    expect(state.priceFen).toBe(3_000);
  });

  it('refuses a bid below the next increment with the minimum, and a leader bidding against itself', () => {
    const { state } = run([bid('a', 'manual', 1_200, 1)], RULES);
    expect(minimumBid(state, RULES)).toBe(1_250);
    expect(applyBid(state, RULES, bid('b', 'manual', 1_240, 2))).toMatchObject({
      accepted: false,
      reason: 'too_low',
      minimumFen: 1_250,
    });
    expect(applyBid(state, RULES, bid('a', 'manual', 1_500, 2))).toMatchObject({
      accepted: false,
      reason: 'already_leading',
    });
  });

  it('raises a proxy leader to the reserve when its maximum reaches it, and says when the reserve is met', () => {
    const rules = { ...RULES, reservePriceFen: 4_000 };
    const low = run([bid('a', 'proxy', 3_000, 1)], rules).state;
    expect(low.priceFen).toBe(1_000);
    expect(reserveMet(low, rules)).toBe(false);
    const high = run([bid('a', 'proxy', 6_000, 1)], rules).state;
    expect(high.priceFen).toBe(4_000);
    expect(reserveMet(high, rules)).toBe(true);
  });
});
