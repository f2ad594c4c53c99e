// Sealed-bid rules: the last bid of each bidder counts; first- or second-price; reserve; ties to the earlier bid. Pure.
export type SealedBid = { bidderId: string; amountFen: number; seq: number };

export type SealedRules = {
  pricing: 'first' | 'second';
  startPriceFen: number;
  reservePriceFen: number | null;
};

export type SealedOutcome =
  | { sold: true; winner: SealedBid; priceFen: number; runnerUp: SealedBid | null }
  | { sold: false; reason: 'no_bids' | 'reserve_not_met' };

/** Highest amount first; of equal amounts the earlier bid. */
export function ranked(bids: readonly SealedBid[]): SealedBid[] {
  return [...bids].sort((a, b) => b.amountFen - a.amountFen || a.seq - b.seq);
}

/**
 * The result at the close. Second price (Vickrey): the winner pays the second-highest bid, or the start
 * price (or the reserve, if higher) when it bid alone — never more than its own bid.
 */
export function settleSealed(bids: readonly SealedBid[], rules: SealedRules): SealedOutcome {
  const [winner, runnerUp = null] = ranked(bids);
  if (!winner) return { sold: false, reason: 'no_bids' };
  if (rules.reservePriceFen !== null && winner.amountFen < rules.reservePriceFen)
    return { sold: false, reason: 'reserve_not_met' };
  if (rules.pricing === 'first') return { sold: true, winner, priceFen: winner.amountFen, runnerUp };
  const floor = Math.max(rules.startPriceFen, rules.reservePriceFen ?? 0);
  const priceFen = Math.min(winner.amountFen, Math.max(floor, runnerUp?.amountFen ?? 0));
  return { sold: true, winner, priceFen, runnerUp };
}
