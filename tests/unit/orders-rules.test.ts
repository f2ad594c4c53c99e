// The order state machine and catch-weight arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weigh } from '../../app/orders/catch-weight';
import { RULES, availableActions, refusal } from '../../app/orders/lifecycle';
import { lineTotal } from '../../app/lib/money';

describe('order lifecycle', () => {
  it('refuses the wrong party and the wrong state', () => {
    expect(refusal('ship', 'paid', 'seller')).toBeNull();
    expect(refusal('ship', 'paid', 'buyer')).toBe('wrongParty');
    expect(refusal('ship', 'pending_payment', 'seller')).toBe('wrongState');
    expect(refusal('record_payment', 'cancelled', 'operator')).toBe('wrongState');
    expect(refusal('cancel', 'paid', 'buyer')).toBe('wrongState');
    expect(refusal('complete', 'delivered', 'buyer')).toBe('wrongParty');
  });

  it('never leaves a final state', () => {
    for (const final of ['completed', 'resolved', 'cancelled'] as const) {
      for (const rule of Object.values(RULES)) expect(rule.from).not.toContain(final);
    }
  });

  it('offers a buyer of a shipping order to confirm delivery, and a seller to record the weight', () => {
    expect(availableActions('shipping', ['buyer'])).toEqual(['confirm_delivery']);
    expect(availableActions('shipping', ['seller'])).toEqual(['record_weight']);
  });
});

describe('weigh', () => {
  const order = {
    quantity: 500_000,
    unitPriceFen: 3800,
    perBase: 1000,
    subtotalFen: 1_900_000,
    toleranceBps: 300,
  };

  it('invoices 492 kg of a 500 kg order and refunds the 8 kg difference', () => {
    const w = weigh({ ...order, deliveredQuantity: 492_000 });
    expect(w).toEqual({
      finalTotalFen: 1_869_600,
      differenceFen: 30_400,
      withinTolerance: true,
      deviationBps: 160,
    });
  });

  it('asks the buyer when the weight is outside the tolerance', () => {
    expect(weigh({ ...order, deliveredQuantity: 480_000 }).withinTolerance).toBe(false);
    expect(weigh({ ...order, deliveredQuantity: 515_000 }).withinTolerance).toBe(true);
    expect(weigh({ ...order, deliveredQuantity: 515_001 }).withinTolerance).toBe(false);
  });

  it('always balances: the final total plus the difference is the amount paid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (quantity, delivered, price) => {
          const subtotalFen = lineTotal(price, quantity, 1000);
          const w = weigh({
            quantity,
            deliveredQuantity: delivered,
            unitPriceFen: price,
            perBase: 1000,
            subtotalFen,
            toleranceBps: 200,
          });
          return (
            w.finalTotalFen + w.differenceFen === subtotalFen &&
            w.finalTotalFen === lineTotal(price, delivered, 1000)
          );
        },
      ),
    );
  });

  it('refuses a weight of zero', () => {
    expect(() => weigh({ ...order, deliveredQuantity: 0 })).toThrow(RangeError);
  });
});
