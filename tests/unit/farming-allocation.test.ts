// Sharing a harvest among pre-orders: never more than harvested or asked, in commitment order or pro rata, deposits balance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Commitment,
  allocateHarvest,
  depositOutcome,
  harvestUnitPrice,
  planChanges,
} from '../../app/farming/allocation';

const commitments = fc
  .array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 5_000_000 }),
      depositFen: fc.integer({ min: 0, max: 10_000_000 }),
    }),
    { minLength: 0, maxLength: 12 },
  )
  .map((rows) => rows.map((r, i): Commitment => ({ ...r, id: `pre_${i}`, seq: 100 - i * 3 })));
const modes = fc.constantFrom('commitment' as const, 'pro_rata' as const);

describe('allocateHarvest', () => {
  it('never allocates more than harvested nor more than a pre-order asked, and uses all it can', () => {
    fc.assert(
      fc.property(commitments, fc.integer({ min: 0, max: 80_000_000 }), modes, (rows, harvested, mode) => {
        const fills = allocateHarvest(rows, harvested, mode);
        const total = rows.reduce((s, r) => s + r.quantity, 0);
        let sum = 0;
        for (const r of rows) {
          const fill = fills.get(r.id) ?? 0;
          expect(fill).toBeGreaterThanOrEqual(0);
          expect(fill).toBeLessThanOrEqual(r.quantity);
          sum += fill;
        }
        expect(sum).toBeLessThanOrEqual(harvested);
        expect(sum).toBe(Math.min(harvested, total));
      }),
    );
  });

  it('in commitment order, a later pre-order gets nothing while an earlier one is short', () => {
    fc.assert(
      fc.property(commitments, fc.integer({ min: 0, max: 80_000_000 }), (rows, harvested) => {
        const fills = allocateHarvest(rows, harvested, 'commitment');
        const bySeq = [...rows].sort((a, b) => a.seq - b.seq);
        let shortSeen = false;
        for (const r of bySeq) {
          const fill = fills.get(r.id) ?? 0;
          if (shortSeen) expect(fill).toBe(0);
          if (fill < r.quantity) shortSeen = true;
        }
      }),
    );
  });

  it('pro rata gives each within one unit of its exact share', () => {
    fc.assert(
      fc.property(commitments, fc.integer({ min: 0, max: 80_000_000 }), (rows, harvested) => {
        const fills = allocateHarvest(rows, harvested, 'pro_rata');
        const total = rows.reduce((s, r) => s + r.quantity, 0);
        const pool = Math.min(harvested, total);
        for (const r of rows) {
          const exact = (r.quantity * pool) / total;
          expect(Math.abs((fills.get(r.id) ?? 0) - exact)).toBeLessThan(1);
        }
      }),
    );
  });

  it('examples: 10 t harvested for 6 t + 6 t', () => {
    const rows = [
      { id: 'a', seq: 1, quantity: 6_000_000, depositFen: 0 },
      { id: 'b', seq: 2, quantity: 6_000_000, depositFen: 0 },
    ];
    expect([...allocateHarvest(rows, 10_000_000, 'commitment')]).toEqual([
      ['a', 6_000_000],
      ['b', 4_000_000],
    ]);
    expect([...allocateHarvest(rows, 10_000_000, 'pro_rata')]).toEqual([
      ['a', 5_000_000],
      ['b', 5_000_000],
    ]);
  });
});

describe('depositOutcome', () => {
  it('applied plus released is the deposit; applied never passes what the order costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100_000 }),
        (quantity, depositFen, pct, unitPriceFen) => {
          const filled = Math.floor((quantity * pct) / 100);
          const out = depositOutcome({ quantity, depositFen }, filled, { unitPriceFen, perBase: 1000 });
          expect(out.appliedFen + out.releasedFen).toBe(depositFen);
          expect(out.appliedFen).toBeGreaterThanOrEqual(0);
          expect(out.appliedFen).toBeLessThanOrEqual(out.subtotalFen);
          if (filled === 0) expect(out.releasedFen).toBe(depositFen);
        },
      ),
    );
  });
});

describe('harvestUnitPrice and planChanges', () => {
  it('reads the reference adjusted, else the plan price', () => {
    const plan = { priceMode: 'reference' as const, unitPriceFen: 3_000, referenceAdjustBps: -500 };
    expect(harvestUnitPrice(plan, 4_000)).toBe(3_800);
    expect(harvestUnitPrice(plan, null)).toBe(3_000);
    expect(harvestUnitPrice({ ...plan, priceMode: 'fixed' }, 4_000)).toBe(3_000);
  });

  it('a window moved by more than N days or a quantity cut is material; a wording change is not', () => {
    const base = {
      title: 'a',
      grade: '',
      expectedMin: 10,
      expectedMax: 20,
      harvestFrom: '2026-06-01',
      harvestTo: '2026-06-10',
      cutoffDate: '2026-05-20',
      priceMode: 'fixed' as const,
      unitPriceFen: 100,
      referenceAdjustBps: 0,
      originName: 'pond 3',
      notes: null,
      delivery: ['pickup'],
    };
    expect(planChanges(base, { ...base, harvestFrom: '2026-06-05' }, 7)).toEqual({
      changes: ['window'],
      material: false,
    });
    expect(planChanges(base, { ...base, harvestTo: '2026-06-20' }, 7).material).toBe(true);
    expect(planChanges(base, { ...base, expectedMax: 15 }, 7)).toEqual({
      changes: ['quantity'],
      material: true,
    });
    expect(planChanges(base, { ...base, title: 'b' }, 7)).toEqual({ changes: ['title'], material: false });
  });
});
