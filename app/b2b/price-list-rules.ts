// The arithmetic of seller price lists (ADR 0051): what a rule makes of a tier price, which rules win, and which
// list priced a quantity. Pure, so the lot page's preview, the market card and the order agree.
import { type PriceTier, unitPriceFor } from '../orders/pricing';

export const PRICE_RULE_KINDS = ['fixed', 'tier_pct', 'reference_pct'] as const;
export type PriceRuleKind = (typeof PRICE_RULE_KINDS)[number];

/** One rule of a list that reaches the buyer and the lot, as resolution reads it. */
export type CandidateRule = {
  priceListId: string;
  /** A rule naming the lot beats a rule for its category. */
  scope: 'lot' | 'category';
  kind: PriceRuleKind;
  /** 'fixed': fen per kg (goods by weight) or per piece. */
  priceFen: number | null;
  /** 'tier_pct' and 'reference_pct': basis points, -5 % = -500. */
  adjustBps: number | null;
};

/** A tier as a buyer pays it, with the list that lowered it (null: the seller's own tier price). */
export type PricedTier = PriceTier & { priceListId: string | null };

/** Percent bounds a rule may carry, in basis points (also CHECKed in db/migrations/0038_price_lists.sql). */
export const ADJUST_LIMITS = {
  tier_pct: { min: -9000, max: -1 },
  reference_pct: { min: -9000, max: 10000 },
} as const;

/**
 * `fen` changed by `bps` basis points, rounded to a whole fen, half up (¥10.05 − 5 % = 954.75 fen → 955 fen),
 * never below 1 fen. Integer arithmetic: no binary fraction decides a fen.
 */
export function adjustByBps(fen: number, bps: number): number {
  return Math.max(1, Math.floor((fen * (10_000 + bps) + 5_000) / 10_000));
}

/** What one rule makes of a tier price, or null when it cannot price (a reference rule on a day without one). */
export function ruleUnitPrice(
  rule: Pick<CandidateRule, 'kind' | 'priceFen' | 'adjustBps'>,
  tierFen: number,
  referenceFen: number | null,
): number | null {
  switch (rule.kind) {
    case 'fixed':
      return rule.priceFen;
    case 'tier_pct':
      return rule.adjustBps === null ? null : adjustByBps(tierFen, rule.adjustBps);
    case 'reference_pct':
      return rule.adjustBps === null || referenceFen === null
        ? null
        : adjustByBps(referenceFen, rule.adjustBps);
  }
}

/**
 * The tiers a buyer pays under the rules that reach it. For each tier: the lot's rules if any of them can price,
 * else the category's; among those the lowest price; and a list only ever lowers a price, never raises it above
 * the tier price the market shows (a reference rule at +5 % above a cheaper tier leaves the tier as it is).
 */
export function applyPriceRules(
  tiers: readonly PriceTier[],
  rules: readonly CandidateRule[],
  referenceFen: number | null,
): PricedTier[] {
  return tiers.map((tier) => {
    const priced = (scope: CandidateRule['scope']) =>
      rules
        .filter((rule) => rule.scope === scope)
        .flatMap((rule) => {
          const fen = ruleUnitPrice(rule, tier.unitPriceFen, referenceFen);
          return fen === null ? [] : [{ fen, priceListId: rule.priceListId }];
        });
    const lot = priced('lot');
    const offers = lot.length > 0 ? lot : priced('category');
    const best = offers.reduce<(typeof offers)[number] | null>(
      (low, offer) =>
        low === null || offer.fen < low.fen || (offer.fen === low.fen && offer.priceListId < low.priceListId)
          ? offer
          : low,
      null,
    );
    return best !== null && best.fen < tier.unitPriceFen
      ? { minQuantity: tier.minQuantity, unitPriceFen: best.fen, priceListId: best.priceListId }
      : { minQuantity: tier.minQuantity, unitPriceFen: tier.unitPriceFen, priceListId: null };
  });
}

/** The list that priced `quantity` (the tier unitPriceFor picks), or null when the seller's own price applies. */
export function pricedBy(tiers: readonly PricedTier[], quantity: number): string | null {
  const fen = unitPriceFor(tiers, quantity);
  if (fen === null) return null;
  const reached = tiers
    .filter((tier) => tier.minQuantity <= quantity)
    .sort((a, b) => b.minQuantity - a.minQuantity)[0];
  const tier = reached ?? [...tiers].sort((a, b) => a.minQuantity - b.minQuantity)[0];
  return tier?.priceListId ?? null;
}

/** The lowest price among the tiers a list lowered, or null when no list lowers any: the "your price" a card shows. */
export function lowestListedPrice(tiers: readonly PricedTier[]): number | null {
  const listed = tiers.filter((tier) => tier.priceListId !== null).map((tier) => tier.unitPriceFen);
  return listed.length === 0 ? null : Math.min(...listed);
}

/**
 * A percent as typed ("-5", "−2.5", "+10", "3 %") in basis points, or an error key. Two decimals at most.
 */
export function parsePercentBps(text: string): { ok: true; bps: number } | { ok: false; error: string } {
  const cleaned = text
    .replace(/[\s%％]/g, '')
    .replace(/[−–—]/g, '-')
    .replace(/^\+/, '');
  if (cleaned === '') return { ok: false, error: 'errors.required' };
  const match = /^(-?)(\d{1,5})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return { ok: false, error: 'errors.notANumber' };
  const bps = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return { ok: true, bps: match[1] === '-' ? -bps : bps };
}

/** Basis points as the form shows them again: -500 → "-5", 250 → "2.5". */
export function bpsToPercentText(bps: number): string {
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(bps);
  const fraction = abs % 100;
  return `${sign}${Math.floor(abs / 100)}${fraction === 0 ? '' : `.${String(fraction).padStart(2, '0').replace(/0$/, '')}`}`;
}
