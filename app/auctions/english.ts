// English auction rules: manual and proxy (maximum) bids, increments by price band, reserve, ties to the earlier bid. Pure.
import { type IncrementBands, incrementAt } from '../market/increments';

export type EnglishRules = {
  startPriceFen: number;
  reservePriceFen: number | null;
  increments: IncrementBands;
};

export type EnglishBidKind = 'manual' | 'proxy';

export type Leader = { bidderId: string; maxFen: number; kind: EnglishBidKind; seq: number };

/** `secondMaxFen`: the highest maximum of anyone but the leader, which sets what the leader pays. */
export type EnglishState = { priceFen: number | null; leader: Leader | null; secondMaxFen: number | null };

export type EnglishBid = { bidderId: string; kind: EnglishBidKind; amountFen: number; seq: number };

export type EnglishRefusal = 'too_low' | 'already_leading';

export type EnglishResult =
  | { accepted: false; reason: EnglishRefusal; minimumFen: number }
  | {
      accepted: true;
      /** leading: the bid took the lead; outbid: a proxy answered it at once; raised: the leader raised its maximum. */
      outcome: 'leading' | 'outbid' | 'raised';
      state: EnglishState;
      /** The leader before the bid, when the bid took the lead from it. */
      displaced: Leader | null;
    };

export const EMPTY_STATE: EnglishState = { priceFen: null, leader: null, secondMaxFen: null };

/** The least a bid from someone other than the leader must offer now. */
export function minimumBid(state: EnglishState, rules: EnglishRules): number {
  if (!state.leader || state.priceFen === null) return rules.startPriceFen;
  return state.priceFen + incrementAt(rules.increments, state.priceFen);
}

/** Whether the leader's maximum reaches the hidden reserve (what the page calls "reserve met"). */
export function reserveMet(state: EnglishState, rules: Pick<EnglishRules, 'reservePriceFen'>): boolean {
  if (!state.leader) return false;
  return rules.reservePriceFen === null || state.leader.maxFen >= rules.reservePriceFen;
}

/** A leader whose maximum reaches the reserve is bid up to it at once (capped at its maximum). */
function withReserve(state: EnglishState, rules: EnglishRules): EnglishState {
  const { leader, priceFen } = state;
  if (!leader || priceFen === null || rules.reservePriceFen === null) return state;
  if (leader.maxFen < rules.reservePriceFen || priceFen >= rules.reservePriceFen) return state;
  return { ...state, priceFen: rules.reservePriceFen };
}

/**
 * Applies one bid. A new maximum above the leader's takes the lead at the old maximum plus one
 * increment (capped at its own maximum); one at or below it is answered by the leader's proxy at
 * the bid plus one increment (capped at the leader's maximum) — a tie stays with the earlier bid.
 * A manual bid that takes the lead sets the price to exactly its amount.
 */
export function applyBid(state: EnglishState, rules: EnglishRules, bid: EnglishBid): EnglishResult {
  const minimumFen = minimumBid(state, rules);
  const { leader, priceFen } = state;
  if (!leader || priceFen === null) {
    if (bid.amountFen < minimumFen) return { accepted: false, reason: 'too_low', minimumFen };
    const next: EnglishState = {
      leader: { bidderId: bid.bidderId, maxFen: bid.amountFen, kind: bid.kind, seq: bid.seq },
      priceFen: bid.kind === 'manual' ? bid.amountFen : rules.startPriceFen,
      secondMaxFen: null,
    };
    return { accepted: true, outcome: 'leading', state: withReserve(next, rules), displaced: null };
  }
  if (bid.bidderId === leader.bidderId) {
    // The leader may only raise its own maximum; bidding against itself would just raise its price.
    if (bid.kind === 'manual') return { accepted: false, reason: 'already_leading', minimumFen };
    if (bid.amountFen <= leader.maxFen || bid.amountFen < minimumFen)
      return { accepted: false, reason: 'too_low', minimumFen: Math.max(minimumFen, leader.maxFen + 1) };
    // A leader that took the lead with a manual bid below the runner-up's maximum plus an increment
    // now has room to pay what the rule says: the runner-up's maximum plus one increment.
    const second = state.secondMaxFen;
    const owed =
      second === null ? priceFen : Math.min(bid.amountFen, second + incrementAt(rules.increments, second));
    const next: EnglishState = {
      priceFen: Math.max(priceFen, owed),
      leader: { ...leader, maxFen: bid.amountFen, kind: 'proxy' },
      secondMaxFen: second,
    };
    return { accepted: true, outcome: 'raised', state: withReserve(next, rules), displaced: null };
  }
  if (bid.amountFen < minimumFen) return { accepted: false, reason: 'too_low', minimumFen };
  if (bid.amountFen > leader.maxFen) {
    const price =
      bid.kind === 'manual'
        ? bid.amountFen
        : Math.min(bid.amountFen, leader.maxFen + incrementAt(rules.increments, leader.maxFen));
    const next: EnglishState = {
      priceFen: price,
      leader: { bidderId: bid.bidderId, maxFen: bid.amountFen, kind: bid.kind, seq: bid.seq },
      secondMaxFen: leader.maxFen,
    };
    return { accepted: true, outcome: 'leading', state: withReserve(next, rules), displaced: leader };
  }
  const answered = Math.min(leader.maxFen, bid.amountFen + incrementAt(rules.increments, bid.amountFen));
  return {
    accepted: true,
    outcome: 'outbid',
    state: withReserve(
      { leader, priceFen: answered, secondMaxFen: Math.max(state.secondMaxFen ?? 0, bid.amountFen) },
      rules,
    ),
    displaced: null,
  };
}
