// The demand, quote and counter forms: what a trader typed (spec ranges, units, prices, dates) into drafts, or per-field messages.
import { endOfMarketDay } from '../lib/market-time';
import type { Category } from '../../db/schema';
import { CITIES } from '../geo/cities';
import type { FieldErrors } from '../lib/forms.server';
import { parseMoney } from '../lib/money';
import { type QuantityUnit, pricePerKgFrom, toBase, unitsFor } from '../lib/units';
import { marketToday } from '../listings/form.server';
import { parseAttributes } from '../listings/catalogue';
import type { DemandSpec } from '../matching/score';
import { unitPriceFor } from '../orders/pricing';

export type PriceUnit = 'kg' | 'jin' | 't' | 'piece';
const COLD_CHAINS = ['frozen', 'chilled', 'live', 'ambient'] as const;
const VISIBILITIES = ['all', 'verified'] as const;
/** A demand may stay on the board at most this long. */
export const MAX_DEMAND_DAYS = 90;
export const MAX_QUOTE_TIERS = 3;

export type DemandDraft = {
  categoryId: string;
  title: string;
  spec: DemandSpec;
  quantity: number;
  displayUnit: QuantityUnit;
  targetPriceFen: number | null;
  priceUnit: PriceUnit;
  deliveryCityId: string;
  deliverBy: string;
  coldChain: (typeof COLD_CHAINS)[number];
  notes: string | null;
  visibility: (typeof VISIBILITIES)[number];
  expiresAt: Date;
};

export type OfferDraft = {
  tiers: { minQuantity: number; unitPriceFen: number }[];
  unitPriceFen: number;
  priceUnit: PriceUnit;
  quantity: number;
  deliverBy: string;
  validUntil: Date;
  note: string | null;
};

const QUANTITY_ERRORS: Record<string, string> = {
  invalid: 'errors.notANumber',
  tooPrecise: 'errors.tooPrecise',
  notPositive: 'errors.mustBePositive',
  tooLarge: 'errors.tooLarge',
  caseWeightMissing: 'errors.wrongUnit',
  wrongUnitForBase: 'errors.wrongUnit',
};

/** The values of a submitted form; a field sent several times (the spec's checkboxes) is joined with commas. */
export function demandFormValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === 'string');
    values[key] = all.join(',');
  }
  return values;
}

/** A real calendar day written YYYY-MM-DD (Date.parse accepts 2026-02-30; PostgreSQL does not). */
function validDay(value: string | undefined): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value && value >= '2000-01-01';
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first instant after a market day, when something that lasts "until that day" ends (app/lib/market-time.ts). */
export { endOfMarketDay };

function parsePrice(text: string, byPiece: boolean, unit: PriceUnit): { fen: number } | { error: string } {
  const price = parseMoney(text);
  if (!price.ok) return { error: price.error === 'tooPrecise' ? 'errors.tooPrecise' : 'errors.priceInvalid' };
  if (price.amount <= 0) return { error: 'errors.pricePositive' };
  const fen = byPiece ? price.amount : pricePerKgFrom(price.amount, unit as 'kg' | 'jin' | 't');
  return fen > 0 ? { fen } : { error: 'errors.pricePositive' };
}

function priceUnitOf(value: string | undefined, byPiece: boolean, errors: FieldErrors): PriceUnit {
  const unit = (value || (byPiece ? 'piece' : 'kg')) as PriceUnit;
  if (!['kg', 'jin', 't', 'piece'].includes(unit) || byPiece !== (unit === 'piece')) {
    errors.priceUnit = 'errors.wrongUnit';
    return byPiece ? 'piece' : 'kg';
  }
  return unit;
}

function quantityOf(
  form: Record<string, string>,
  field: string,
  category: Pick<Category, 'baseUnit'>,
  errors: FieldErrors,
): { quantity: number; unit: QuantityUnit } | null {
  const unit = (form.unit || (category.baseUnit === 'piece' ? 'piece' : 'kg')) as QuantityUnit;
  // Demands and quotes are for a weight or a count; cases have no declared weight here.
  if (!unitsFor(category.baseUnit).includes(unit) || unit === 'case') {
    errors.unit = 'errors.wrongUnit';
    return null;
  }
  const text = form[field]?.trim() ?? '';
  if (!text) {
    errors[field] = 'errors.required';
    return null;
  }
  const parsed = toBase(text, unit, { base: category.baseUnit });
  if (!parsed.ok) {
    errors[field] = QUANTITY_ERRORS[parsed.error] ?? 'errors.invalid';
    return null;
  }
  return { quantity: parsed.value, unit };
}

/**
 * Validates a demand form against its category. Spec fields: `spec.<key>` (an enum attribute may be
 * sent several times, or comma-joined: any of those values will do), `spec.<key>.min` / `.max` for
 * number attributes, `spec.<key>` text for text ones. Every field is checked, so one submit shows every message.
 */
export function parseDemandForm(
  form: Record<string, string>,
  category: Category | undefined,
  today = marketToday(),
): { ok: true; draft: DemandDraft } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!category) return { ok: false, errors: { categoryId: 'errors.chooseOne' } };
  const byPiece = category.baseUnit === 'piece';

  const spec: DemandSpec = {};
  for (const attribute of parseAttributes(category.attributes)) {
    const name = `spec.${attribute.key}`;
    if (attribute.type === 'enum') {
      const chosen = (form[name] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      const allowed = new Set(attribute.options.map((o) => o.value));
      if (chosen.some((v) => !allowed.has(v))) errors[name] = 'errors.chooseOne';
      else if (chosen.length > 0) spec[attribute.key] = [...new Set(chosen)];
    } else if (attribute.type === 'number') {
      const range: { min?: number; max?: number } = {};
      for (const end of ['min', 'max'] as const) {
        const text = form[`${name}.${end}`]?.trim();
        if (!text) continue;
        const value = Number(text.normalize('NFKC'));
        if (!Number.isFinite(value)) errors[`${name}.${end}`] = 'errors.notANumber';
        else if (value < attribute.min || value > attribute.max)
          errors[`${name}.${end}`] = 'errors.outOfRange';
        else range[end] = value;
      }
      if (range.min !== undefined && range.max !== undefined && range.min > range.max)
        errors[`${name}.max`] = 'demand.errors.rangeReversed';
      else if (range.min !== undefined || range.max !== undefined) spec[attribute.key] = range;
    } else {
      const text = form[name]?.trim();
      if (text && text.length > attribute.maxLength) errors[name] = 'errors.tooLong';
      else if (text) spec[attribute.key] = text;
    }
  }

  const amount = quantityOf(form, 'quantity', category, errors);
  const priceUnit = priceUnitOf(form.priceUnit, byPiece, errors);
  let targetPriceFen: number | null = null;
  if (form.targetPrice?.trim()) {
    const price = parsePrice(form.targetPrice.trim(), byPiece, priceUnit);
    if ('error' in price) errors.targetPrice = price.error;
    else targetPriceFen = price.fen;
  }

  const city = CITIES.find((c) => c.id === form.deliveryCity);
  if (!city) errors.deliveryCity = 'errors.chooseOne';

  const deliverBy = form.deliverBy?.trim();
  if (!deliverBy) errors.deliverBy = 'errors.required';
  else if (!validDay(deliverBy)) errors.deliverBy = 'errors.dateInvalid';
  else if (deliverBy < today) errors.deliverBy = 'demand.errors.deliverByPast';

  // The demand leaves the board at the end of this day; by default when delivery is due.
  const expiresOn = form.expiresOn?.trim() || (validDay(deliverBy) ? deliverBy : '');
  if (!validDay(expiresOn)) errors.expiresOn = 'errors.dateInvalid';
  else if (expiresOn < today) errors.expiresOn = 'demand.errors.expiresPast';
  else if (expiresOn > addDays(today, MAX_DEMAND_DAYS)) errors.expiresOn = 'demand.errors.expiresTooLate';

  const coldChain = (COLD_CHAINS as readonly string[]).includes(form.coldChain ?? '')
    ? (form.coldChain as DemandDraft['coldChain'])
    : null;
  if (!coldChain) errors.coldChain = 'errors.chooseOne';
  const visibility = (VISIBILITIES as readonly string[]).includes(form.visibility || 'all')
    ? ((form.visibility || 'all') as DemandDraft['visibility'])
    : null;
  if (!visibility) errors.visibility = 'errors.chooseOne';

  const title = form.title?.trim() ?? '';
  if (title.length > 80) errors.title = 'errors.tooLong';
  const notes = form.notes?.trim() ?? '';
  if (notes.length > 1000) errors.notes = 'errors.tooLong';

  if (Object.keys(errors).length > 0 || !amount || !city || !coldChain || !visibility)
    return { ok: false, errors };
  return {
    ok: true,
    draft: {
      categoryId: category.id,
      title: title || `${category.nameZh} → ${city.nameZh}`,
      spec,
      quantity: amount.quantity,
      displayUnit: amount.unit,
      targetPriceFen,
      priceUnit,
      deliveryCityId: city.id,
      deliverBy: deliverBy as string,
      coldChain,
      notes: notes || null,
      visibility,
      expiresAt: endOfMarketDay(expiresOn),
    },
  };
}

/**
 * A quote or a counter: price (tier 0, from any quantity) with up to two more tiers (`tiers.<i>.min`
 * / `tiers.<i>.price`, quantities in the form's unit) for a first quote, the quantity, deliver-by,
 * and how long it stands (`validDays`, 1–30). A counter sends a single price.
 */
export function parseOfferForm(
  form: Record<string, string>,
  category: Pick<Category, 'baseUnit'>,
  today = marketToday(),
  now = new Date(),
): { ok: true; draft: OfferDraft } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const byPiece = category.baseUnit === 'piece';
  const amount = quantityOf(form, 'quantity', category, errors);
  const priceUnit = priceUnitOf(form.priceUnit, byPiece, errors);

  const tiers: OfferDraft['tiers'] = [];
  const first = form.price?.trim() ?? '';
  if (!first) errors.price = 'errors.priceRequired';
  else {
    const price = parsePrice(first, byPiece, priceUnit);
    if ('error' in price) errors.price = price.error;
    else tiers.push({ minQuantity: 1, unitPriceFen: price.fen });
  }
  for (let i = 1; i < MAX_QUOTE_TIERS; i++) {
    const minText = form[`tiers.${i}.min`]?.trim() ?? '';
    const priceText = form[`tiers.${i}.price`]?.trim() ?? '';
    if (!minText && !priceText) continue;
    const price = parsePrice(priceText, byPiece, priceUnit);
    if ('error' in price) errors[`tiers.${i}.price`] = price.error;
    const unit = (form.unit || (byPiece ? 'piece' : 'kg')) as QuantityUnit;
    const min = toBase(minText, unit, { base: category.baseUnit });
    if (!min.ok) errors[`tiers.${i}.min`] = QUANTITY_ERRORS[min.error] ?? 'errors.invalid';
    if (min.ok && 'fen' in price) tiers.push({ minQuantity: min.value, unitPriceFen: price.fen });
  }
  const mins = tiers.map((t) => t.minQuantity);
  if (new Set(mins).size !== mins.length) errors['tiers.1.min'] = 'errors.tierDuplicate';

  const deliverBy = form.deliverBy?.trim();
  if (!deliverBy) errors.deliverBy = 'errors.required';
  else if (!validDay(deliverBy)) errors.deliverBy = 'errors.dateInvalid';
  else if (deliverBy < today) errors.deliverBy = 'demand.errors.deliverByPast';

  const validDays = Number(form.validDays?.trim() || '2');
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > 30) errors.validDays = 'errors.outOfRange';

  const note = form.note?.trim() ?? '';
  if (note.length > 500) errors.note = 'errors.tooLong';

  if (Object.keys(errors).length > 0 || !amount || tiers.length === 0) return { ok: false, errors };
  const sorted = tiers.sort((a, b) => a.minQuantity - b.minQuantity);
  return {
    ok: true,
    draft: {
      tiers: sorted,
      unitPriceFen: unitPriceFor(sorted, amount.quantity) ?? sorted[0].unitPriceFen,
      priceUnit,
      quantity: amount.quantity,
      deliverBy: deliverBy as string,
      validUntil: new Date(now.getTime() + validDays * 86_400_000),
      note: note || null,
    },
  };
}
