// How a weighed harvest is shared among confirmed pre-orders, and what becomes of each deposit: pure, property-tested.
import { allocate, lineTotal } from '../lib/money';

export type Commitment = { id: string; seq: number; quantity: number; depositFen: number };

/**
 * Fills confirmed pre-orders from `harvested` base units. 'commitment': in order of commitment (seq), each in full
 * until the harvest runs out (the last one filled may be partial). 'pro_rata': everyone gets the same share of what
 * they asked for, the units left by rounding going by largest remainder, then earliest commitment.
 * Never allocates more than harvested nor more than a pre-order asked for.
 */
export function allocateHarvest(
  commitments: readonly Commitment[],
  harvested: number,
  mode: 'commitment' | 'pro_rata',
): Map<string, number> {
  if (!Number.isSafeInteger(harvested) || harvested < 0)
    throw new RangeError('harvested must be a whole amount');
  const sorted = [...commitments].sort((a, b) => a.seq - b.seq);
  const result = new Map<string, number>();
  const total = sorted.reduce((sum, c) => sum + c.quantity, 0);
  if (sorted.length === 0) return result;
  if (mode === 'pro_rata' && total > 0) {
    const parts = allocate(
      Math.min(harvested, total),
      sorted.map((c) => c.quantity),
    );
    for (const [i, c] of sorted.entries()) result.set(c.id, parts[i]);
    return result;
  }
  let left = harvested;
  for (const c of sorted) {
    const fill = Math.min(c.quantity, left);
    result.set(c.id, fill);
    left -= fill;
  }
  return result;
}

export type DepositOutcome = {
  /** What the fill's order costs. */
  subtotalFen: number;
  /** Moved from the buyer's held deposit into the order's escrow. */
  appliedFen: number;
  /** Back to the buyer's available balance. */
  releasedFen: number;
};

/**
 * A filled pre-order's deposit: the share for the filled quantity is applied to its order (never more than the order
 * costs), the rest goes back. applied + released is always the deposit.
 */
export function depositOutcome(
  commitment: Pick<Commitment, 'quantity' | 'depositFen'>,
  filled: number,
  price: { unitPriceFen: number; perBase: number },
): DepositOutcome {
  const subtotalFen = filled > 0 ? lineTotal(price.unitPriceFen, filled, price.perBase) : 0;
  const share =
    commitment.quantity > 0
      ? Number((BigInt(commitment.depositFen) * BigInt(filled)) / BigInt(commitment.quantity))
      : 0;
  const appliedFen = Math.min(share, subtotalFen);
  return { subtotalFen, appliedFen, releasedFen: commitment.depositFen - appliedFen };
}

/** The price per kg (or piece) at harvest: fixed, or the reference adjusted by basis points (half-up), at least 1 fen. */
export function harvestUnitPrice(
  plan: { priceMode: 'fixed' | 'reference'; unitPriceFen: number; referenceAdjustBps: number },
  referenceFen: number | null,
): number {
  if (plan.priceMode === 'fixed' || referenceFen === null) return plan.unitPriceFen;
  const adjusted = Math.floor((referenceFen * (10_000 + plan.referenceAdjustBps) + 5_000) / 10_000);
  return Math.max(1, adjusted);
}

/** What changed between two versions of a plan, and whether a buyer may walk away because of it. */
export function planChanges(
  before: PlanTerms,
  after: PlanTerms,
  materialDays: number,
): { changes: string[]; material: boolean } {
  const changes: string[] = [];
  let material = false;
  const days = (a: string, b: string) =>
    Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;
  if (before.harvestFrom !== after.harvestFrom || before.harvestTo !== after.harvestTo) {
    changes.push('window');
    if (
      days(before.harvestFrom, after.harvestFrom) > materialDays ||
      days(before.harvestTo, after.harvestTo) > materialDays
    )
      material = true;
  }
  if (before.expectedMin !== after.expectedMin || before.expectedMax !== after.expectedMax) {
    changes.push('quantity');
    if (after.expectedMin < before.expectedMin || after.expectedMax < before.expectedMax) material = true;
  }
  if (
    before.unitPriceFen !== after.unitPriceFen ||
    before.priceMode !== after.priceMode ||
    before.referenceAdjustBps !== after.referenceAdjustBps
  ) {
    changes.push('price');
    if (
      after.priceMode !== before.priceMode ||
      after.unitPriceFen > before.unitPriceFen ||
      after.referenceAdjustBps > before.referenceAdjustBps
    )
      material = true;
  }
  for (const key of ['title', 'grade', 'cutoffDate', 'originName', 'notes', 'delivery'] as const)
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes.push(key);
  return { changes, material };
}

export type PlanTerms = {
  title: string;
  grade: string;
  expectedMin: number;
  expectedMax: number;
  harvestFrom: string;
  harvestTo: string;
  cutoffDate: string;
  priceMode: 'fixed' | 'reference';
  unitPriceFen: number;
  referenceAdjustBps: number;
  originName: string;
  notes: string | null;
  delivery: string[];
};
