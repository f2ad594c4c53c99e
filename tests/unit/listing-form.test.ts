// The listing form's parsing: units and prices to base units and fen per kg, cases, tiers, spec, and per-field refusals.
import { describe, expect, it } from 'vitest';
import type { Category } from '../../db/schema';
import { CATALOGUE } from '../../app/listings/catalogue';
import { DEFAULT_CATEGORY_SETTINGS } from '../../app/market/settings';
import { parseListingForm } from '../../app/listings/form.server';

const TODAY = '2026-05-10';
const created = new Date('2026-01-01T00:00:00Z');
const categoriesById = new Map<string, Category>(
  CATALOGUE.map((category, sort) => [
    category.id,
    {
      ...category,
      ...DEFAULT_CATEGORY_SETTINGS,
      certificateRequired: false,
      sort,
      active: true,
      createdAt: created,
      updatedAt: created,
    },
  ]),
);

/** A valid lot of live whiteleg shrimp; each case changes what it tests. */
function shrimp(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    categoryId: 'whiteleg-shrimp',
    titleZh: '湛江鲜活南美白对虾 40/50 头',
    originName: '海兴 3 号塘',
    originRegion: '广东湛江',
    harvestDate: '2026-05-09',
    shelfLifeDays: '2',
    quantity: '1000',
    unit: 'kg',
    moq: '50',
    priceUnit: 'kg',
    saleMode: 'fixed',
    coldChain: 'live',
    pickupPlace: '湛江霞山水产批发市场 A 区 12 号',
    'spec.count': '40/50',
    'spec.state': 'live',
    'tiers.0.price': '36.00',
    ...overrides,
  };
}

function parse(form: Record<string, string>) {
  return parseListingForm(form, categoriesById, TODAY);
}

function draftOf(form: Record<string, string>) {
  const result = parse(form);
  if (!result.ok) throw new Error(`expected a draft, got ${JSON.stringify(result.errors)}`);
  return result.draft;
}

function errorsOf(form: Record<string, string>) {
  const result = parse(form);
  if (result.ok) throw new Error('expected errors, got a draft');
  return result.errors;
}

describe('parseListingForm: units and prices', () => {
  it('reads 100 斤 as 50,000 g and a 10 斤 minimum as 5,000 g', () => {
    const draft = draftOf(shrimp({ quantity: '100', unit: 'jin', moq: '10' }));
    expect(draft.quantityTotal).toBe(50_000);
    expect(draft.minOrderQuantity).toBe(5_000);
    expect(draft.displayUnit).toBe('jin');
  });

  it('stores ¥18/斤 as 3,600 fen per kg, and ¥36,000/t as 3,600 fen per kg', () => {
    expect(draftOf(shrimp({ priceUnit: 'jin', 'tiers.0.price': '18' })).tiers).toEqual([
      { minQuantity: 50_000, unitPriceFen: 3_600 },
    ]);
    expect(draftOf(shrimp({ priceUnit: 't', 'tiers.0.price': '36000' })).tiers[0].unitPriceFen).toBe(3_600);
  });

  it('accepts full-width digits and a currency sign as a seller types them', () => {
    const draft = draftOf(shrimp({ quantity: '１２００', 'tiers.0.price': '¥35.50' }));
    expect(draft.quantityTotal).toBe(1_200_000);
    expect(draft.tiers[0].unitPriceFen).toBe(3_550);
  });

  it('sells by the case with its declared net weight: 20 cases of 10 kg are 200,000 g', () => {
    const draft = draftOf(
      shrimp({
        unit: 'case',
        caseNetKg: '10',
        quantity: '20',
        moq: '2',
        'tiers.1.min': '5',
        'tiers.1.price': '34',
      }),
    );
    expect(draft).toMatchObject({
      quantityTotal: 200_000,
      minOrderQuantity: 20_000,
      caseNetGrams: 10_000,
      displayUnit: 'case',
    });
    expect(draft.tiers.map((t) => t.minQuantity)).toEqual([20_000, 50_000]);
  });

  it('refuses cases without a net weight, on the case weight field', () => {
    expect(errorsOf(shrimp({ unit: 'case', quantity: '20', moq: '2' }))).toEqual({
      caseNetKg: 'errors.caseWeightMissing',
    });
  });

  it('counts oysters in pieces and prices them per piece; a weight unit for them is refused', () => {
    const oyster = {
      categoryId: 'oyster',
      unit: 'piece',
      priceUnit: 'piece',
      quantity: '5000',
      moq: '100',
      'tiers.0.price': '2.80',
      'spec.shellLength': '12',
      'spec.form': 'shell',
      'spec.state': 'chilled',
    };
    const form = shrimp(oyster);
    delete form['spec.count'];
    const draft = draftOf(form);
    expect(draft).toMatchObject({ quantityTotal: 5_000, minOrderQuantity: 100 });
    expect(draft.tiers[0].unitPriceFen).toBe(280);
    expect(draft.spec).toEqual({ shellLength: 12, form: 'shell', state: 'chilled' });
    expect(errorsOf({ ...form, priceUnit: 'kg' }).priceUnit).toBe('errors.wrongUnit');
    expect(errorsOf({ ...form, unit: 'kg' }).quantity).toBe('errors.wrongUnit');
  });
});

describe('parseListingForm: price tiers', () => {
  it('sorts tiers by their minimum, the first starting at the MOQ when its minimum is blank', () => {
    const draft = draftOf(
      shrimp({
        'tiers.1.min': '500',
        'tiers.1.price': '34.50',
        'tiers.2.min': '200',
        'tiers.2.price': '35',
      }),
    );
    expect(draft.tiers).toEqual([
      { minQuantity: 50_000, unitPriceFen: 3_600 },
      { minQuantity: 200_000, unitPriceFen: 3_500 },
      { minQuantity: 500_000, unitPriceFen: 3_450 },
    ]);
  });

  it('refuses two tiers with the same minimum, also when one is the MOQ by default', () => {
    expect(
      errorsOf(
        shrimp({ 'tiers.1.min': '200', 'tiers.1.price': '35', 'tiers.2.min': '200', 'tiers.2.price': '34' }),
      ),
    ).toEqual({ 'tiers.1.min': 'errors.tierDuplicate' });
    expect(errorsOf(shrimp({ 'tiers.1.min': '50', 'tiers.1.price': '35' }))).toEqual({
      'tiers.1.min': 'errors.tierDuplicate',
    });
  });

  it('refuses a first tier above the minimum order (the MOQ would have no price)', () => {
    expect(errorsOf(shrimp({ 'tiers.0.min': '100' }))['tiers.0.min']).toBe('errors.tierAboveMoq');
  });

  it.each([
    ['zero', '0', 'errors.pricePositive'],
    ['negative', '-5', 'errors.priceInvalid'],
    ['not a number', 'abc', 'errors.priceInvalid'],
    ['a fraction of a fen', '36.001', 'errors.tooPrecise'],
  ])('refuses a %s price', (_label, price, message) => {
    expect(errorsOf(shrimp({ 'tiers.0.price': price }))['tiers.0.price']).toBe(message);
  });

  it('refuses a price per tonne that is less than a fen per kg, instead of storing 0', () => {
    expect(errorsOf(shrimp({ priceUnit: 't', 'tiers.0.price': '4.99' }))['tiers.0.price']).toBe(
      'errors.pricePositive',
    );
    expect(draftOf(shrimp({ priceUnit: 't', 'tiers.0.price': '5' })).tiers[0].unitPriceFen).toBe(1);
  });

  it('needs at least one price', () => {
    expect(errorsOf(shrimp({ 'tiers.0.price': '' }))).toEqual({ 'tiers.0.price': 'errors.priceRequired' });
  });
});

describe('parseListingForm: quantities, dates, spec and titles', () => {
  it.each([
    ['a negative quantity', { quantity: '-5' }, 'quantity', 'errors.mustBePositive'],
    ['a zero quantity', { quantity: '0' }, 'quantity', 'errors.mustBePositive'],
    ['a quantity finer than a gram', { quantity: '1.0005' }, 'quantity', 'errors.tooPrecise'],
    ['a minimum order above the quantity', { moq: '2000' }, 'moq', 'errors.moqAboveQuantity'],
    ['a harvest date in the future', { harvestDate: '2026-05-11' }, 'harvestDate', 'errors.harvestInFuture'],
    ['a day that does not exist', { harvestDate: '2026-02-30' }, 'harvestDate', 'errors.dateInvalid'],
    ['a date PostgreSQL cannot store', { harvestDate: '0000-01-01' }, 'harvestDate', 'errors.dateInvalid'],
    ['a shelf life in fractions of a day', { shelfLifeDays: '1.5' }, 'shelfLifeDays', 'errors.wholeNumber'],
    ['an attribute of another category', { 'spec.brix': '14' }, 'spec.brix', 'errors.unknownAttribute'],
    ['a count not in the list', { 'spec.count': '10/20' }, 'spec.count', 'errors.chooseOne'],
    ['a required attribute left out', { 'spec.state': '' }, 'spec.state', 'errors.chooseOne'],
    ['a glaze out of range', { 'spec.glaze': '55' }, 'spec.glaze', 'errors.outOfRange'],
    ['no title in either language', { titleZh: ' ' }, 'titleZh', 'errors.titleRequired'],
    ['an unknown category', { categoryId: 'whale' }, 'categoryId', 'errors.chooseOne'],
  ])('refuses %s on its field', (_label, override, field, message) => {
    expect(errorsOf(shrimp(override))[field]).toBe(message);
  });

  it('reports every wrong field in one go, not only the first group', () => {
    expect(
      errorsOf(
        shrimp({
          originName: '',
          shelfLifeDays: 'x',
          harvestDate: '2026-06-01',
          quantity: '-5',
          'tiers.0.price': '0',
          'spec.brix': '14',
        }),
      ),
    ).toEqual({
      originName: 'errors.required',
      shelfLifeDays: 'errors.notANumber',
      harvestDate: 'errors.harvestInFuture',
      quantity: 'errors.mustBePositive',
      'tiers.0.price': 'errors.pricePositive',
      'spec.brix': 'errors.unknownAttribute',
    });
  });

  it('keeps the spec typed: numbers as numbers, optional attributes left out when blank', () => {
    const draft = draftOf(shrimp({ 'spec.glaze': '20', 'spec.processing': '' }));
    expect(draft.spec).toEqual({ count: '40/50', state: 'live', glaze: 20 });
  });

  it('accepts an English title alone and trims what was typed', () => {
    const draft = draftOf(shrimp({ titleZh: '', titleEn: '  Live whiteleg shrimp 40/50  ' }));
    expect(draft).toMatchObject({ titleZh: null, titleEn: 'Live whiteleg shrimp 40/50' });
  });
});
