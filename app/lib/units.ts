// Quantities as integers of a product's base unit (grams or pieces): entry parsing, display, per-unit prices.

import { assertSafeInteger, parseDecimal, ratioToDecimal, roundHalfUpDiv } from './money';

export type BaseUnit = 'g' | 'piece';
export type QuantityUnit = 'g' | 'kg' | 'jin' | 't' | 'case' | 'piece';
export type WeightPriceUnit = 'g' | 'kg' | 'jin' | 't';
export type UnitLocale = 'zh-CN' | 'en';

export type ToBaseError =
  | 'invalid'
  | 'tooPrecise'
  | 'notPositive'
  | 'tooLarge'
  | 'caseWeightMissing'
  | 'wrongUnitForBase';
export type ToBaseResult = { ok: true; value: number } | { ok: false; error: ToBaseError };

export type UnitOptions = { caseNetGrams?: number };
// base is optional so callers that already know the unit fits can skip the check.
export type ToBaseOptions = UnitOptions & { base?: BaseUnit };

// A case is defined by its declared net weight in grams, so it only applies to weight goods;
// count goods are entered in pieces.
const UNITS_FOR: Record<BaseUnit, readonly QuantityUnit[]> = {
  g: ['g', 'kg', 'jin', 't', 'case'],
  piece: ['piece'],
};

const FIXED_PER: Record<Exclude<QuantityUnit, 'case'>, number> = {
  g: 1,
  kg: 1000,
  jin: 500,
  t: 1_000_000,
  piece: 1,
};

// Enough places that g/kg/jin/t always render exactly (1 g = 0.000001 t, 0.002 jin).
// Cases hold an arbitrary number of grams, so they are cut to 3 places (half-up) instead.
const DISPLAY_DECIMALS: Record<QuantityUnit, number> = { g: 0, kg: 3, jin: 3, t: 6, case: 3, piece: 0 };

// zh-CN: 公斤 over 千克 because that is what wholesale markets say; 件 is the neutral counter
// since the catalogue mixes crabs (只), fish (条) and boxes, and a wrong specific counter reads worse.
const LABELS: Record<UnitLocale, Record<QuantityUnit, string>> = {
  'zh-CN': { g: '克', kg: '公斤', jin: '斤', t: '吨', case: '箱', piece: '件' },
  en: { g: 'g', kg: 'kg', jin: 'jin', t: 't', case: 'case', piece: 'pc' },
};
const EN_PLURALS: Partial<Record<QuantityUnit, string>> = { case: 'cases', piece: 'pcs' };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function unitsFor(base: BaseUnit): QuantityUnit[] {
  return [...UNITS_FOR[base]];
}

export function baseUnitOf(unit: QuantityUnit): BaseUnit {
  return unit === 'piece' ? 'piece' : 'g';
}

function isValidCaseWeight(caseNetGrams: number | undefined): caseNetGrams is number {
  return caseNetGrams !== undefined && Number.isSafeInteger(caseNetGrams) && caseNetGrams > 0;
}

/**
 * Base units in one `unit`: grams for weight units, and 1 for 'piece' so callers can treat every
 * unit uniformly as "base units per unit" (this is also the perBase of a price in that unit).
 */
export function gramsPer(unit: QuantityUnit, caseNetGrams?: number): number {
  if (unit !== 'case') return FIXED_PER[unit];
  if (!isValidCaseWeight(caseNetGrams))
    throw new RangeError('case unit needs a positive integer caseNetGrams');
  return caseNetGrams;
}

/**
 * Parse an entered quantity exactly into base units. 'tooPrecise' means the amount is not a whole
 * number of grams/pieces ('1.2345' kg = 1234.5 g); zero and negatives are 'notPositive' because an
 * order or listing quantity must be positive.
 */
export function toBase(input: string, unit: QuantityUnit, opts: ToBaseOptions = {}): ToBaseResult {
  if (opts.base !== undefined && !UNITS_FOR[opts.base].includes(unit)) {
    return { ok: false, error: 'wrongUnitForBase' };
  }
  if (unit === 'case' && !isValidCaseWeight(opts.caseNetGrams))
    return { ok: false, error: 'caseWeightMissing' };
  const parsed = parseDecimal(input);
  if (!parsed) return { ok: false, error: 'invalid' };
  if (parsed.negative || parsed.digits === 0n) return { ok: false, error: 'notPositive' };
  const numerator = parsed.digits * BigInt(gramsPer(unit, opts.caseNetGrams));
  const denominator = 10n ** BigInt(parsed.scale);
  if (numerator % denominator !== 0n) return { ok: false, error: 'tooPrecise' };
  const value = numerator / denominator;
  if (value > MAX_SAFE) return { ok: false, error: 'tooLarge' };
  return { ok: true, value: Number(value) };
}

/**
 * Base units as a decimal string in `unit`, trailing zeros trimmed: 1250 g → '1.25' kg, '2.5' jin.
 * Exact for every unit except 'case', which is rounded half-up to 3 places (1000 g of a 3000 g case
 * is '0.333'), so toBase(fromBase(x, 'case')) is only guaranteed to round-trip for whole thousandths.
 */
export function fromBase(value: number, unit: QuantityUnit, opts: UnitOptions = {}): string {
  assertSafeInteger(value, 'value');
  return ratioToDecimal(
    BigInt(value),
    BigInt(gramsPer(unit, opts.caseNetGrams)),
    DISPLAY_DECIMALS[unit],
    true,
  );
}

export function unitLabel(unit: QuantityUnit, locale: UnitLocale): string {
  return LABELS[locale][unit];
}

const numberFormatters = new Map<UnitLocale, Intl.NumberFormat>();

function numberFormatter(locale: UnitLocale): Intl.NumberFormat {
  let formatter = numberFormatters.get(locale);
  if (!formatter) {
    // Max decimals above DISPLAY_DECIMALS so Intl only adds grouping and never re-rounds.
    formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: 20 });
    numberFormatters.set(locale, formatter);
  }
  return formatter;
}

/**
 * Display a quantity with its unit word: zh-CN '1.25 公斤', '12 箱', '40 件';
 * en '1.25 kg', '12 cases', '1 case', '40 pcs'. The space after the number is used in both locales
 * so the two renderings line up in tables.
 */
export function formatQuantity(
  value: number,
  unit: QuantityUnit,
  locale: UnitLocale,
  opts: UnitOptions = {},
): string {
  const decimal = fromBase(value, unit, opts);
  // Intl reads numeric strings as exact decimals (ES2023 Intl.NumberFormat v3).
  const number = numberFormatter(locale).format(decimal as `${number}`);
  const plural = locale === 'en' && decimal !== '1' && decimal !== '-1' ? EN_PLURALS[unit] : undefined;
  return `${number} ${plural ?? unitLabel(unit, locale)}`;
}

/** Price per `unit` from a per-kg price, half-up to the fen: 3651 fen/kg → 1826 fen/jin. */
export function pricePerUnit(pricePerKgFen: number, unit: WeightPriceUnit): number {
  assertSafeInteger(pricePerKgFen, 'pricePerKgFen');
  if (pricePerKgFen < 0) throw new RangeError('price must not be negative');
  const result = roundHalfUpDiv(BigInt(pricePerKgFen) * BigInt(FIXED_PER[unit]), 1000n);
  if (result > MAX_SAFE) throw new RangeError('price exceeds the safe integer range');
  return Number(result);
}

/** Inverse of pricePerUnit: the per-kg price of a price quoted per `unit`, half-up to the fen. */
export function pricePerKgFrom(price: number, unit: WeightPriceUnit): number {
  assertSafeInteger(price, 'price');
  if (price < 0) throw new RangeError('price must not be negative');
  const result = roundHalfUpDiv(BigInt(price) * 1000n, BigInt(FIXED_PER[unit]));
  if (result > MAX_SAFE) throw new RangeError('price exceeds the safe integer range');
  return Number(result);
}
