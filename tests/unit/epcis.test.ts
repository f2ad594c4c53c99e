// EPCIS 2.0: Wharf's events validate against GS1's JSON schema, as GS1's own examples do; GTINs, lot codes and the CSV.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type KdeRow,
  buildEvent,
  categoryGtin,
  digitalLinkPath,
  epcisDocument,
  gtinCheckDigit,
  isValidGtin,
  kdeCsv,
  listingIdOfLot,
  lotCodeOf,
} from '../../app/trace/epcis';
import { epcisValidator } from '../support/epcis-validator';

const fixtures = path.resolve('tests/fixtures/epcis');
const shared = path.resolve('../shared/epcis');
const schemaPath = path.join(fixtures, 'EPCIS-JSON-Schema.json');

describe('the GS1 schema and examples', () => {
  it('are kept in the repository (copied from ../shared/epcis)', () => {
    // Fails loudly on a checkout without them: the validation below would prove nothing.
    expect(existsSync(schemaPath), `${schemaPath} is missing`).toBe(true);
    expect(readdirSync(fixtures).filter((f) => f.endsWith('.jsonld')).length).toBeGreaterThanOrEqual(5);
  });

  it.runIf(existsSync(shared))('match the shared originals byte for byte', () => {
    for (const file of readdirSync(shared).filter((f) => f.endsWith('.json') || f.endsWith('.jsonld'))) {
      expect(readFileSync(path.join(fixtures, file), 'utf8'), file).toBe(
        readFileSync(path.join(shared, file), 'utf8'),
      );
    }
  });

  it.each(readdirSync(fixtures).filter((f) => f.endsWith('.jsonld')))('GS1 example %s validates', (file) => {
    const validate = epcisValidator(schemaPath);
    const doc = JSON.parse(readFileSync(path.join(fixtures, file), 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses a broken document (the validator can fail)', () => {
    const validate = epcisValidator(schemaPath);
    const event = buildEvent({ ...base, id: 'tev_x', step: 'shipping' });
    expect(validate(epcisDocument([{ ...event, action: 'MOVE' }], new Date()))).toBe(false);
    expect(
      validate(epcisDocument([{ ...event, bizStep: 'urn:epcglobal:cbv:bizstep:flying' }], new Date())),
    ).toBe(false);
    const { eventTimeZoneOffset: _, ...noOffset } = event;
    expect(validate(epcisDocument([noOffset], new Date()))).toBe(false);
  });
});

const base = {
  time: new Date('2026-11-20T04:00:00Z'),
  categoryId: 'whiteleg-shrimp',
  listingId: 'lst_01jf0000000000000000',
  baseUnit: 'g' as const,
  readPoint: 'urn:wharf:loc:city:zhanjiang',
};

describe('Wharf events', () => {
  it('every step, with harvest data, certificates, parties and sensor data, validates', () => {
    const validate = epcisValidator(schemaPath);
    const events = [
      buildEvent({
        ...base,
        id: 'tev_1',
        step: 'harvest',
        quantity: 3_000_000,
        harvest: { date: '2026-11-20', area: '湛江东海岛', region: '广东' },
        placeName: '湛江',
      }),
      buildEvent({ ...base, id: 'tev_2', step: 'inspection', certificates: ['粤湛水合格 2026-0412-118'] }),
      buildEvent({
        ...base,
        id: 'tev_3',
        step: 'sale',
        orderId: 'ord_1',
        quantity: 500_000,
        source: { party: 'urn:wharf:org:a' },
        destination: { party: 'urn:wharf:org:b' },
      }),
      buildEvent({
        ...base,
        id: 'tev_4',
        step: 'packing',
        orderId: 'ord_1',
        bookingId: 'bkg_1',
        quantity: 500_000,
      }),
      buildEvent({
        ...base,
        id: 'tev_5',
        step: 'weighing',
        orderId: 'ord_1',
        bookingId: 'bkg_1',
        quantity: 498_500,
      }),
      buildEvent({
        ...base,
        id: 'tev_6',
        step: 'shipping',
        orderId: 'ord_1',
        bookingId: 'bkg_1',
        source: { party: 'urn:wharf:org:a', location: 'urn:wharf:loc:city:zhanjiang' },
        destination: { party: 'urn:wharf:org:b', location: 'urn:wharf:loc:city:guangzhou' },
      }),
      buildEvent({
        ...base,
        id: 'tev_7',
        step: 'receiving',
        orderId: 'ord_1',
        bookingId: 'bkg_1',
        sensor: {
          deviceId: 'dev_1',
          startTime: base.time,
          endTime: new Date(),
          minC: 1.5,
          maxC: 9,
          meanC: 3.4,
          excursions: 1,
        },
      }),
    ];
    const doc = epcisDocument(events, new Date());
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(events.map((e) => e.bizStep)).toEqual([
      'commissioning',
      'inspecting',
      'reserving',
      'packing',
      'loading',
      'shipping',
      'receiving',
    ]);
  });

  it('names the lot by a GS1 Digital Link with a valid GTIN-14 and a lot code of at most 20 characters', () => {
    const gtin = categoryGtin('whiteleg-shrimp');
    expect(isValidGtin(gtin)).toBe(true);
    expect(categoryGtin('whiteleg-shrimp')).toBe(gtin);
    expect(categoryGtin('oyster')).not.toBe(gtin);
    // EAN-13 4006381333931, as a GTIN-14 with a leading zero, has check digit 1.
    expect(gtinCheckDigit('0400638133393')).toBe(1);
    expect(isValidGtin('04006381333931')).toBe(true);
    expect(isValidGtin('04006381333932')).toBe(false);
    const lot = lotCodeOf(base.listingId);
    expect(lot.length).toBeLessThanOrEqual(20);
    expect(listingIdOfLot(lot)).toBe(base.listingId);
    expect(listingIdOfLot('../etc')).toBeNull();
    expect(digitalLinkPath('whiteleg-shrimp', base.listingId)).toBe(`/01/${gtin}/10/${lot}`);
  });
});

describe('the key data elements CSV', () => {
  const row = (lotCode: string, eventTime: string, place = '湛江'): KdeRow => ({
    lotCode,
    gtin: '06970001234565',
    product: '南美白对虾',
    quantity: '3000',
    unit: 'KGM',
    harvestDate: '2026-11-20',
    harvestArea: '湛江东海岛 (广东)',
    step: 'harvest',
    eventTime,
    place,
    referenceDocuments: 'urn:wharf:order:ord_1',
  });

  it('has one header, one row per event, sorted by lot then time', () => {
    const csv = kdeCsv([
      row('b', '2026-11-21T00:00:00Z'),
      row('a', '2026-11-22T00:00:00Z'),
      row('a', '2026-11-20T00:00:00Z'),
    ]);
    const lines = csv.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe(
      'lot_code,gtin,product,quantity,unit,harvest_date,harvest_area,event,event_time,place,reference_documents',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0] + l.split(',')[8])).toEqual([
      'a2026-11-20T00:00:00Z',
      'a2026-11-22T00:00:00Z',
      'b2026-11-21T00:00:00Z',
    ]);
  });

  it('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const csv = kdeCsv([row('a', 't', '=HYPERLINK("x"),y')]);
    expect(csv).toContain(`"'=HYPERLINK(""x""),y"`);
  });
});
