// The listing form: parses what a seller typed (units, prices, spec, tiers) into a listing draft, or per-field messages.
import { marketToday } from '../lib/market-time';
import { z } from 'zod';
import type { Category } from '../../db/schema';
import type { FieldErrors } from '../lib/forms.server';
import { parseMoney } from '../lib/money';
import { type QuantityUnit, pricePerKgFrom, toBase } from '../lib/units';
import { parseAttributes, specSchema } from './catalogue';

export const MAX_TIERS = 5;
export const MAX_PHOTOS = 8;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
export const MAX_CERTIFICATES = 4;

export type ListingDraft = {
  categoryId: string;
  titleZh: string | null;
  titleEn: string | null;
  descriptionZh: string | null;
  descriptionEn: string | null;
  spec: Record<string, string | number>;
  originName: string;
  originRegion: string;
  harvestDate: string;
  shelfLifeDays: number;
  quantityTotal: number;
  minOrderQuantity: number;
  displayUnit: QuantityUnit;
  caseNetGrams: number | null;
  saleMode: 'fixed' | 'negotiable' | 'auction';
  coldChain: 'frozen' | 'chilled' | 'live' | 'ambient';
  pickupPlace: string;
  /** Unit prices in fen per kg (goods by weight) or per piece, from a minimum quantity in base units. */
  tiers: { minQuantity: number; unitPriceFen: number }[];
  certificateNumber: string | null;
};

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'errors.tooLong')
    .optional()
    .transform((v) => (v ? v : null));

const fields = z.object({
  categoryId: z.string({ required_error: 'errors.chooseOne' }).min(1, 'errors.chooseOne'),
  titleZh: optionalText(80),
  titleEn: optionalText(120),
  descriptionZh: optionalText(2000),
  descriptionEn: optionalText(3000),
  originName: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(80, 'errors.tooLong'),
  originRegion: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(40, 'errors.tooLong'),
  harvestDate: z
    .string({ required_error: 'errors.required' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'errors.dateInvalid'),
  // A blank box is "required", not 0 days "out of range".
  shelfLifeDays: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .pipe(
      z.coerce
        .number({ invalid_type_error: 'errors.notANumber' })
        .int('errors.wholeNumber')
        .min(1, 'errors.outOfRange')
        .max(730, 'errors.outOfRange'),
    ),
  quantity: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
  unit: z.enum(['g', 'kg', 'jin', 't', 'case', 'piece'], {
    errorMap: () => ({ message: 'errors.chooseOne' }),
  }),
  caseNetKg: z.string().trim().optional(),
  moq: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required'),
  priceUnit: z.enum(['kg', 'jin', 't', 'piece'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  saleMode: z.enum(['fixed', 'negotiable', 'auction'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  coldChain: z.enum(['frozen', 'chilled', 'live', 'ambient'], {
    errorMap: () => ({ message: 'errors.chooseOne' }),
  }),
  pickupPlace: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(120, 'errors.tooLong'),
  certificateNumber: optionalText(60),
});

const QUANTITY_ERRORS: Record<string, string> = {
  invalid: 'errors.notANumber',
  tooPrecise: 'errors.tooPrecise',
  notPositive: 'errors.mustBePositive',
  tooLarge: 'errors.tooLarge',
  caseWeightMissing: 'errors.caseWeightMissing',
  wrongUnitForBase: 'errors.wrongUnit',
};

/** Today's market day, YYYY-MM-DD (app/lib/market-time.ts). */
export { marketToday };

/**
 * Validates a listing form against its category. Field names: the fields above, `spec.<key>` for
 * each attribute, and `tiers.<i>.min` / `tiers.<i>.price` for the price tiers (quantity in the
 * listing's unit, price per `priceUnit`).
 */
export function parseListingForm(
  form: Record<string, string>,
  categoriesById: Map<string, Category>,
  today = marketToday(),
): { ok: true; draft: ListingDraft } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const parsed = fields.safeParse(form);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors[String(issue.path[0])] ??= issue.message.startsWith('errors.')
        ? issue.message
        : 'errors.invalid';
  }
  const category = categoriesById.get(form.categoryId ?? '');
  if (form.categoryId && !category) errors.categoryId = 'errors.chooseOne';
  if (!form.titleZh?.trim() && !form.titleEn?.trim()) errors.titleZh = 'errors.titleRequired';
  if (!category) return { ok: false, errors };

  // Each check below needs only its own fields, so one submit shows every message rather than the first few.
  if (!errors.harvestDate) {
    // Date.parse takes 2026-02-30 (and year 0) that PostgreSQL refuses, so the date must read back the same.
    const harvestDate = form.harvestDate;
    const harvestMs = Date.parse(`${harvestDate}T00:00:00Z`);
    if (harvestDate > today) errors.harvestDate = 'errors.harvestInFuture';
    else if (
      Number.isNaN(harvestMs) ||
      new Date(harvestMs).toISOString().slice(0, 10) !== harvestDate ||
      harvestDate < '2000-01-01'
    )
      errors.harvestDate = 'errors.dateInvalid';
  }

  // Spec: exactly the category's attributes, typed and bounded.
  const specInput: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    if (name.startsWith('spec.') && value !== '') specInput[name.slice(5)] = value;
  }
  const spec = specSchema(parseAttributes(category.attributes)).safeParse(specInput);
  if (!spec.success) {
    for (const issue of spec.error.issues) {
      if (issue.code === 'unrecognized_keys')
        for (const k of issue.keys) errors[`spec.${k}`] = 'errors.unknownAttribute';
      else
        errors[`spec.${String(issue.path[0])}`] ??= issue.message.startsWith('errors.')
          ? issue.message
          : 'errors.invalid';
    }
  }

  const amounts = fields
    .pick({ quantity: true, unit: true, caseNetKg: true, moq: true, priceUnit: true })
    .safeParse(form);
  if (!amounts.success) return { ok: false, errors };
  const data = amounts.data;

  // Quantities: the unit must fit the category's base unit; cases need their net weight.
  let caseNetGrams: number | null = null;
  if (data.unit === 'case') {
    const net = toBase(data.caseNetKg ?? '', 'kg');
    if (!net.ok) errors.caseNetKg = data.caseNetKg ? QUANTITY_ERRORS[net.error] : 'errors.caseWeightMissing';
    else caseNetGrams = net.value;
  }
  const unitOptions = { caseNetGrams: caseNetGrams ?? undefined, base: category.baseUnit };
  const quantity = toBase(data.quantity, data.unit, unitOptions);
  const moq = toBase(data.moq, data.unit, unitOptions);
  if (!errors.caseNetKg) {
    if (!quantity.ok) errors.quantity = QUANTITY_ERRORS[quantity.error] ?? 'errors.invalid';
    if (!moq.ok) errors.moq = QUANTITY_ERRORS[moq.error] ?? 'errors.invalid';
  }
  if (quantity.ok && moq.ok && moq.value > quantity.value) errors.moq = 'errors.moqAboveQuantity';
  const byPiece = category.baseUnit === 'piece';
  if (byPiece !== (data.priceUnit === 'piece')) errors.priceUnit = 'errors.wrongUnit';

  // Tiers: at least one; minimums distinct; prices positive; the first applies from the MOQ.
  const tiers: ListingDraft['tiers'] = [];
  for (let i = 0; i < MAX_TIERS; i++) {
    const minText = form[`tiers.${i}.min`]?.trim() ?? '';
    const priceText = form[`tiers.${i}.price`]?.trim() ?? '';
    if (!minText && !priceText) continue;
    const price = parseMoney(priceText);
    let unitPriceFen = 0;
    if (!price.ok)
      errors[`tiers.${i}.price`] = price.error === 'tooPrecise' ? 'errors.tooPrecise' : 'errors.priceInvalid';
    else if (price.amount <= 0) errors[`tiers.${i}.price`] = 'errors.pricePositive';
    else {
      unitPriceFen = byPiece
        ? price.amount
        : pricePerKgFrom(price.amount, data.priceUnit as 'kg' | 'jin' | 't');
      // Under ¥5 a tonne rounds to 0 fen per kg, which the price_tiers CHECK would refuse with a 500.
      if (unitPriceFen <= 0) errors[`tiers.${i}.price`] = 'errors.pricePositive';
    }
    let minQuantity = moq.ok ? moq.value : 0;
    if (i > 0 || minText) {
      const min = toBase(minText || '0', data.unit, unitOptions);
      if (!min.ok) errors[`tiers.${i}.min`] = QUANTITY_ERRORS[min.error] ?? 'errors.invalid';
      else minQuantity = min.value;
    }
    if (!errors[`tiers.${i}.min`] && !errors[`tiers.${i}.price`]) tiers.push({ minQuantity, unitPriceFen });
  }
  if (tiers.length === 0 && !Object.keys(errors).some((k) => k.startsWith('tiers.')))
    errors['tiers.0.price'] = 'errors.priceRequired';
  const mins = tiers.map((t) => t.minQuantity);
  if (new Set(mins).size !== mins.length) errors['tiers.1.min'] = 'errors.tierDuplicate';
  if (moq.ok && tiers.length > 0 && Math.min(...mins) > moq.value)
    errors['tiers.0.min'] = 'errors.tierAboveMoq';

  if (Object.keys(errors).length > 0 || !parsed.success || !quantity.ok || !moq.ok || !spec.success)
    return { ok: false, errors };
  const all = parsed.data;
  return {
    ok: true,
    draft: {
      categoryId: category.id,
      titleZh: all.titleZh,
      titleEn: all.titleEn,
      descriptionZh: all.descriptionZh,
      descriptionEn: all.descriptionEn,
      spec: spec.data as Record<string, string | number>,
      originName: all.originName,
      originRegion: all.originRegion,
      harvestDate: all.harvestDate,
      shelfLifeDays: all.shelfLifeDays,
      quantityTotal: quantity.value,
      minOrderQuantity: moq.value,
      displayUnit: data.unit,
      caseNetGrams,
      saleMode: all.saleMode,
      coldChain: all.coldChain,
      pickupPlace: all.pickupPlace,
      tiers: tiers.sort((a, b) => a.minQuantity - b.minQuantity),
      certificateNumber: all.certificateNumber,
    },
  };
}
