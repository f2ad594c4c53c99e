// Catch weight: fish and shrimp are sold by estimated weight and invoiced by the weight weighed at hand-over.
import { lineTotal } from '../lib/money';

export type Weighing = {
  /** The total for the weighed quantity, half-up at the order line. */
  finalTotalFen: number;
  /** Positive: escrow refunds the buyer this much; negative: the buyer owes this much more. */
  differenceFen: number;
  /** Whether the weighed quantity is within the tolerance the buyer accepted when ordering. */
  withinTolerance: boolean;
  deviationBps: number;
};

export function weigh(order: {
  quantity: number;
  deliveredQuantity: number;
  unitPriceFen: number;
  perBase: number;
  subtotalFen: number;
  toleranceBps: number;
}): Weighing {
  if (!Number.isSafeInteger(order.deliveredQuantity) || order.deliveredQuantity <= 0) {
    throw new RangeError('the weighed quantity must be a positive whole number of base units');
  }
  const finalTotalFen = lineTotal(order.unitPriceFen, order.deliveredQuantity, order.perBase);
  const deviation = Math.abs(order.deliveredQuantity - order.quantity);
  // Integer arithmetic: deviation / quantity compared in basis points without floating error.
  const withinTolerance = BigInt(deviation) * 10_000n <= BigInt(order.toleranceBps) * BigInt(order.quantity);
  return {
    finalTotalFen,
    differenceFen: order.subtotalFen - finalTotalFen,
    withinTolerance,
    deviationBps: Number((BigInt(deviation) * 10_000n) / BigInt(order.quantity)),
  };
}
