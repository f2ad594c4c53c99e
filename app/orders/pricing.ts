// The price of a quantity of a lot: tier pick and line total. Pure, so the buy box's preview and the order agree.
import { lineTotal } from '../lib/money';
import { type BaseUnit, type QuantityUnit, type ToBaseError, toBase } from '../lib/units';

export type PriceTier = { minQuantity: number; unitPriceFen: number };

/** The unit price for a quantity: the tier with the largest minimum the quantity reaches. */
export function tierPrice(tiers: readonly PriceTier[], quantity: number): number | null {
  const reached = tiers
    .filter((tier) => tier.minQuantity <= quantity)
    .sort((a, b) => b.minQuantity - a.minQuantity);
  return reached[0]?.unitPriceFen ?? null;
}

/**
 * The unit price an order of `quantity` pays. Below every tier's minimum (a first tier set above the
 * MOQ) the lowest tier's price applies, so a quantity the MOQ allows is never left without a price.
 */
export function unitPriceFor(tiers: readonly PriceTier[], quantity: number): number | null {
  return (
    tierPrice(tiers, quantity) ??
    [...tiers].sort((a, b) => a.minQuantity - b.minQuantity)[0]?.unitPriceFen ??
    null
  );
}

/** Base units a unit price is for: per kg (1000 g) for goods by weight, per piece otherwise. */
export function perBaseOf(baseUnit: BaseUnit): number {
  return baseUnit === 'g' ? 1000 : 1;
}

/** The message key for a quantity that does not parse, shared by the buy box and the server. */
export const QUANTITY_ERRORS: Record<ToBaseError, string> = {
  invalid: 'errors.notANumber',
  tooPrecise: 'errors.tooPrecise',
  notPositive: 'errors.mustBePositive',
  tooLarge: 'errors.tooLarge',
  caseWeightMissing: 'errors.wrongUnit',
  wrongUnitForBase: 'errors.wrongUnit',
};

export type BuyableLot = {
  tiers: readonly PriceTier[];
  baseUnit: BaseUnit;
  caseNetGrams: number | null;
  minOrderQuantity: number;
  quantityAvailable: number;
};

export type BuyQuote =
  | { ok: true; quantity: number; unitPriceFen: number; perBase: number; subtotalFen: number }
  | { ok: false; error: string };

/**
 * What `quantity` of `unit` of a lot would cost, or why it cannot be bought: the same checks, in the same
 * order and with the same message keys, as placeBuyNow makes before it writes anything.
 */
export function quoteBuy(lot: BuyableLot, quantityText: string, unit: QuantityUnit): BuyQuote {
  const parsed = toBase(quantityText, unit, {
    caseNetGrams: lot.caseNetGrams ?? undefined,
    base: lot.baseUnit,
  });
  if (!parsed.ok) return { ok: false, error: QUANTITY_ERRORS[parsed.error] };
  if (parsed.value < lot.minOrderQuantity) return { ok: false, error: 'orders.errors.belowMoq' };
  if (parsed.value > lot.quantityAvailable) return { ok: false, error: 'listing.errors.insufficientStock' };
  const unitPriceFen = unitPriceFor(lot.tiers, parsed.value);
  if (unitPriceFen === null) return { ok: false, error: 'orders.errors.notOnSale' };
  const perBase = perBaseOf(lot.baseUnit);
  return {
    ok: true,
    quantity: parsed.value,
    unitPriceFen,
    perBase,
    subtotalFen: lineTotal(unitPriceFen, parsed.value, perBase),
  };
}
