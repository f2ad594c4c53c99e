// Money as integer minor units (fen): parsing user input, formatting, line totals, fee and refund splits.

// Extend here; minor-unit digits live beside the code so a zero-decimal currency (JPY) only needs a row.
export type Currency = 'CNY' | 'USD' | 'HKD';

// amount is a safe integer of minor units; DB columns are bigint in mode 'number', so 2^53 is the ceiling.
export type Money = { amount: number; currency: Currency };

export type MoneyLocale = 'zh-CN' | 'en';

export type ParseMoneyError = 'invalid' | 'tooPrecise' | 'negative' | 'tooLarge';
export type ParseMoneyResult = { ok: true; amount: number } | { ok: false; error: ParseMoneyError };

export const DEFAULT_CURRENCY: Currency = 'CNY';

const MINOR_DIGITS: Record<Currency, number> = { CNY: 2, USD: 2, HKD: 2 };

// Longest first so 'CN¥' wins over '¥'; compared upper-cased so 'rmb' / 'us$' work too.
const PREFIXES: Record<Currency, readonly string[]> = {
  CNY: ['CN¥', 'RMB', 'CNY', '¥'],
  USD: ['US$', 'USD', '$'],
  HKD: ['HK$', 'HKD', '$'],
};
const SUFFIXES: Record<Currency, readonly string[]> = {
  CNY: ['CNY', 'RMB', '元'],
  USD: ['USD'],
  HKD: ['HKD'],
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// No legitimate amount or quantity is this long; the cap bounds BigInt work on hostile input.
const MAX_INPUT_LENGTH = 64;

export function assertSafeInteger(value: number, what = 'value'): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer, got ${String(value)}`);
  }
}

export function money(amount: number, currency: Currency = DEFAULT_CURRENCY): Money {
  assertSafeInteger(amount, 'amount');
  return { amount, currency };
}

/**
 * numerator / denominator rounded half-up, where "up" means away from zero so that
 * rounding is symmetric for refunds and credits. This is the one rounding rule in the codebase:
 * units.ts and every fee/total computation go through it.
 */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const absRemainder = remainder < 0n ? -remainder : remainder;
  if (absRemainder * 2n >= denominator) return numerator < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

export type ParsedDecimal = { negative: boolean; digits: bigint; scale: number };

/**
 * Exact parse of a plain decimal: value = (negative ? -1 : 1) * digits / 10^scale.
 * Accepts full-width input (NFKC) because Chinese IMEs often type '３６．５', thousands separators
 * only in well-formed groups of three (so a European '1,5' is rejected rather than read as 15),
 * and '.5' / '5.' as people type them. Returns null for anything else, including exponents.
 */
export function parseDecimal(input: string): ParsedDecimal | null {
  const s = input.normalize('NFKC').trim();
  if (s.length === 0 || s.length > MAX_INPUT_LENGTH) return null;
  const match = /^([+\-\u2212])?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(s);
  if (!match) return null;
  const intPart = (match[2] ?? '').replaceAll(',', '');
  const fracPart = match[3] ?? '';
  if (intPart.length === 0 && fracPart.length === 0) return null;
  const sign = match[1];
  return {
    negative: sign === '-' || sign === '\u2212',
    digits: BigInt(`${intPart}${fracPart}` || '0'),
    scale: fracPart.length,
  };
}

/**
 * numerator / denominator as a decimal string with at most maxDecimals places, rounded half-up.
 * trimZeros drops trailing fractional zeros (quantities); without it the width is fixed (money).
 */
export function ratioToDecimal(
  numerator: bigint,
  denominator: bigint,
  maxDecimals: number,
  trimZeros: boolean,
): string {
  if (!Number.isInteger(maxDecimals) || maxDecimals < 0) throw new RangeError('maxDecimals must be >= 0');
  const scaled = roundHalfUpDiv(numerator * 10n ** BigInt(maxDecimals), denominator);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(maxDecimals + 1, '0');
  const intPart = digits.slice(0, digits.length - maxDecimals);
  let fracPart = digits.slice(digits.length - maxDecimals);
  if (trimZeros) fracPart = fracPart.replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}

function stripAffixes(s: string, currency: Currency): { rest: string; negative: boolean } {
  let rest = s;
  let negative = false;
  // Both '-¥5' and '¥-5' occur in the wild; the sign before the symbol is taken here,
  // a sign after it is left for parseDecimal.
  if (rest.startsWith('-') || rest.startsWith('\u2212')) {
    negative = true;
    rest = rest.slice(1).trimStart();
  }
  const upper = rest.toUpperCase();
  const prefix = PREFIXES[currency].find((p) => upper.startsWith(p));
  if (prefix) rest = rest.slice(prefix.length).trimStart();
  const upperRest = rest.toUpperCase();
  const suffix = SUFFIXES[currency].find((p) => upperRest.endsWith(p));
  if (suffix) rest = rest.slice(0, rest.length - suffix.length).trimEnd();
  return { rest, negative };
}

/**
 * Parse what a buyer or seller typed into minor units. Extra decimal places are accepted only
 * when they are zeros ('36.500' is exactly 36.50); any non-zero digit past the minor unit is
 * 'tooPrecise' rather than silently rounded. A minus sign on a non-zero value is 'negative'.
 */
export function parseMoney(input: string, currency: Currency = DEFAULT_CURRENCY): ParseMoneyResult {
  const normalized = input.normalize('NFKC').trim();
  const { rest, negative: leadingMinus } = stripAffixes(normalized, currency);
  const parsed = parseDecimal(rest);
  if (!parsed || (leadingMinus && /^[+\-\u2212]/.test(rest))) return { ok: false, error: 'invalid' };
  if ((leadingMinus || parsed.negative) && parsed.digits !== 0n) return { ok: false, error: 'negative' };
  const numerator = parsed.digits * 10n ** BigInt(MINOR_DIGITS[currency]);
  const denominator = 10n ** BigInt(parsed.scale);
  if (numerator % denominator !== 0n) return { ok: false, error: 'tooPrecise' };
  const amount = numerator / denominator;
  if (amount > MAX_SAFE) return { ok: false, error: 'tooLarge' };
  return { ok: true, amount: Number(amount) };
}

/** Plain decimal for form inputs: 3650 → '36.50'. Always the currency's full minor digits. */
export function toDecimalString(amount: number, currency: Currency = DEFAULT_CURRENCY): string {
  assertSafeInteger(amount, 'amount');
  const digits = MINOR_DIGITS[currency];
  return ratioToDecimal(BigInt(amount), 10n ** BigInt(digits), digits, false);
}

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(locale: MoneyLocale, currency: Currency): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = MINOR_DIGITS[currency];
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Display string via Intl (Node 20 ICU): zh-CN '¥1,234.50', en 'CN¥1,234.50', en USD '$1,234.50'.
 * The decimal string is handed to Intl rather than amount / 100 so huge amounts stay exact.
 */
export function formatMoney(amount: number, currency: Currency, locale: MoneyLocale): string {
  // Intl reads numeric strings as exact decimals (ES2023 Intl.NumberFormat v3).
  const decimal = toDecimalString(amount, currency) as `${number}`;
  return currencyFormatter(locale, currency).format(decimal);
}

/**
 * Order line total: unitPriceFen is the price per `perBase` base units (per 1000 g = per kg,
 * per 1 piece), so total = price × quantity / perBase, rounded half-up to the fen at the line —
 * the documented rule; order totals are sums of already-rounded lines.
 */
export function lineTotal(unitPriceFen: number, quantityInBase: number, perBase: number): number {
  assertSafeInteger(unitPriceFen, 'unitPriceFen');
  assertSafeInteger(quantityInBase, 'quantityInBase');
  assertSafeInteger(perBase, 'perBase');
  if (unitPriceFen < 0) throw new RangeError('unitPriceFen must not be negative');
  if (quantityInBase < 0) throw new RangeError('quantityInBase must not be negative');
  if (perBase <= 0) throw new RangeError('perBase must be positive');
  const total = roundHalfUpDiv(BigInt(unitPriceFen) * BigInt(quantityInBase), BigInt(perBase));
  if (total > MAX_SAFE) throw new RangeError('line total exceeds the safe integer range');
  return Number(total);
}

/**
 * Split total by integer weights (e.g. line totals) with the largest-remainder method so the parts
 * sum exactly to total and each is within one minor unit of its exact share. Ties go to the earlier
 * index so the split is deterministic; a negative total is split as its magnitude and negated
 * so a refund mirrors the charge it reverses.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertSafeInteger(total, 'total');
  if (weights.length === 0) throw new RangeError('weights must not be empty');
  for (const w of weights) {
    assertSafeInteger(w, 'weight');
    if (w < 0) throw new RangeError('weights must not be negative');
  }
  const bigWeights = weights.map((w) => BigInt(w));
  const weightSum = bigWeights.reduce((a, b) => a + b, 0n);
  if (weightSum === 0n) throw new RangeError('weights must not all be zero');
  if (total < 0) return allocate(-total, weights).map((part) => (part === 0 ? 0 : -part));

  const bigTotal = BigInt(total);
  const parts = bigWeights.map((w) => (bigTotal * w) / weightSum);
  const remainders = bigWeights.map((w) => (bigTotal * w) % weightSum);
  let leftover = bigTotal - parts.reduce((a, b) => a + b, 0n);
  const order = remainders
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (leftover === 0n) break;
    parts[i] += 1n;
    leftover -= 1n;
  }
  return parts.map((p) => Number(p));
}

/** amount × basisPoints / 10000, half-up; fees are configured in basis points (250 = 2.5%). */
export function percentOf(amount: number, basisPoints: number): number {
  assertSafeInteger(amount, 'amount');
  assertSafeInteger(basisPoints, 'basisPoints');
  if (basisPoints < 0) throw new RangeError('basisPoints must not be negative');
  const result = roundHalfUpDiv(BigInt(amount) * BigInt(basisPoints), 10_000n);
  if (result > MAX_SAFE || result < -MAX_SAFE) throw new RangeError('result exceeds the safe integer range');
  return Number(result);
}
