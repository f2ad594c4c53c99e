// A deliberately simple reference model of the English auction, recomputed from scratch after each bid,
// that the engine (app/auctions/english.ts) is checked against — by property tests and by the 5,000-bid replay.
import { type IncrementBands, incrementAt } from '../../app/market/settings';

export type ModelBid = { bidderId: string; kind: 'manual' | 'proxy'; amountFen: number; seq: number };
export type ModelRules = {
  startPriceFen: number;
  reservePriceFen: number | null;
  increments: IncrementBands;
};
export type ModelState = { leader: string | null; leaderMax: number | null; priceFen: number | null };

/**
 * The state after a set of accepted bids, in closed form: each bidder's maximum is its highest accepted
 * bid; the leader has the highest maximum (the earlier on a tie); the price is the highest of the start
 * price, any manual amount, and the second-highest maximum plus its increment capped at the leader's
 * maximum — raised to the reserve when the leader's maximum reaches it.
 */
export function closedForm(accepted: readonly ModelBid[], rules: ModelRules): ModelState {
  if (accepted.length === 0) return { leader: null, leaderMax: null, priceFen: null };
  const best = new Map<string, ModelBid>();
  for (const bid of accepted) {
    const current = best.get(bid.bidderId);
    if (!current || bid.amountFen > current.amountFen) best.set(bid.bidderId, bid);
  }
  const ranked = [...best.values()].sort((a, b) => b.amountFen - a.amountFen || a.seq - b.seq);
  const leader = ranked[0];
  const second = ranked[1];
  let price = rules.startPriceFen;
  for (const bid of accepted) if (bid.kind === 'manual') price = Math.max(price, bid.amountFen);
  if (second)
    price = Math.max(
      price,
      Math.min(leader.amountFen, second.amountFen + incrementAt(rules.increments, second.amountFen)),
    );
  if (rules.reservePriceFen !== null && leader.amountFen >= rules.reservePriceFen)
    price = Math.max(price, rules.reservePriceFen);
  return { leader: leader.bidderId, leaderMax: leader.amountFen, priceFen: price };
}

/** Whether a bid is accepted after `accepted`: above the price by an increment, and a leader only raises its maximum. */
export function modelAccepts(accepted: readonly ModelBid[], rules: ModelRules, bid: ModelBid): boolean {
  const state = closedForm(accepted, rules);
  if (state.leader === null || state.priceFen === null) return bid.amountFen >= rules.startPriceFen;
  const minimum = state.priceFen + incrementAt(rules.increments, state.priceFen);
  if (bid.bidderId === state.leader)
    return bid.kind === 'proxy' && bid.amountFen > (state.leaderMax ?? 0) && bid.amountFen >= minimum;
  return bid.amountFen >= minimum;
}

/** Replays bids in order: which are accepted, and the state after each. */
export function replay(bids: readonly ModelBid[], rules: ModelRules) {
  const accepted: ModelBid[] = [];
  const steps: { accepted: boolean; state: ModelState }[] = [];
  for (const bid of bids) {
    const ok = modelAccepts(accepted, rules, bid);
    if (ok) accepted.push(bid);
    steps.push({ accepted: ok, state: closedForm(accepted, rules) });
  }
  return { steps, final: closedForm(accepted, rules), accepted };
}
