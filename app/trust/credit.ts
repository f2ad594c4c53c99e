// Pure credit rules: a 0–100 score from an org's trading record, and the A/B/C quality class from complaints.

/** What the score is computed from; counts over the look-back window (app/trust/credit.server.ts). */
export type CreditRecord = {
  /** Orders the org delivered as seller, and how many of those arrived on time. */
  delivered: number;
  deliveredOnTime: number;
  /** Disputes resolved against the org as seller (full or partial refund). */
  disputesLost: number;
  /** Orders the org was party to, and how many it cancelled itself. */
  orders: number;
  cancelledByOrg: number;
  /** Orders the org bought and how many expired unpaid. */
  bought: number;
  unpaid: number;
  /** Buyers' ratings of the org's completed orders (1–5). */
  ratings: number[];
};

/**
 * How much each part weighs. Delivery and disputes dominate because they are what a buyer risks;
 * ratings are opinions and weigh less than facts.
 */
export const CREDIT_WEIGHTS = {
  onTime: 0.3,
  disputes: 0.25,
  cancellations: 0.15,
  payment: 0.1,
  ratings: 0.2,
} as const;

/** A new org starts at 70 (the column's default), and each part leans on that prior until it has evidence. */
export const PRIOR_SHARE = 0.7;
export const PRIOR_WEIGHT = 5;

/** A share of good outcomes pulled toward the prior: two orders do not make a perfect or a ruined record. */
export function smoothedShare(good: number, total: number): number {
  return (PRIOR_SHARE * PRIOR_WEIGHT + Math.max(0, good)) / (PRIOR_WEIGHT + Math.max(0, total));
}

export type CreditBreakdown = Record<keyof typeof CREDIT_WEIGHTS, number> & { score: number };

export function creditScore(record: CreditRecord): CreditBreakdown {
  const stars = record.ratings.filter((s) => s >= 1 && s <= 5);
  const parts = {
    onTime: smoothedShare(record.deliveredOnTime, record.delivered),
    disputes: smoothedShare(record.delivered - record.disputesLost, record.delivered),
    cancellations: smoothedShare(record.orders - record.cancelledByOrg, record.orders),
    payment: smoothedShare(record.bought - record.unpaid, record.bought),
    // 1 star counts as 0, 5 stars as 1.
    ratings: smoothedShare(
      stars.reduce((sum, s) => sum + (s - 1) / 4, 0),
      stars.length,
    ),
  };
  const weighted = (Object.keys(CREDIT_WEIGHTS) as (keyof typeof CREDIT_WEIGHTS)[]).reduce(
    (sum, key) => sum + CREDIT_WEIGHTS[key] * parts[key],
    0,
  );
  const score = Math.min(100, Math.max(0, Math.round(weighted * 100)));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    onTime: round(parts.onTime),
    disputes: round(parts.disputes),
    cancellations: round(parts.cancellations),
    payment: round(parts.payment),
    ratings: round(parts.ratings),
    score,
  };
}

export type QualityClass = 'A' | 'B' | 'C';

/** Quality looks back this far. */
export const QUALITY_WINDOW_DAYS = 56;
/** Up to 2 % of deliveries with justified complaints is class A; up to 8 % is B; above is C. */
export const QUALITY_A_MAX = 0.02;
export const QUALITY_B_MAX = 0.08;
/** Fewer deliveries than this in the window say too little: such an org stays B, unless complaints already push it to C. */
export const QUALITY_MIN_DELIVERIES = 5;

export function qualityClass(deliveries: number, justifiedComplaints: number): QualityClass {
  if (deliveries <= 0) return 'B';
  const share = justifiedComplaints / deliveries;
  if (share > QUALITY_B_MAX) return 'C';
  if (deliveries < QUALITY_MIN_DELIVERIES) return 'B';
  return share <= QUALITY_A_MAX ? 'A' : 'B';
}
