// GS1 EPCIS 2.0 and Digital Link, pure: a lot's identifiers, the event of each trace step, the JSON-LD document, the CSV of key data elements.

import { zoneOffset } from '../lib/market-time';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
/** Wharf's own extension fields in events are named `wharf:…` under this namespace. */
export const WHARF_NS = 'https://wharf.market/epcis/';

/**
 * The company prefix under which Wharf numbers its product classes. Sellers have no GTINs of their
 * own, so each category gets a GTIN-14 under this (illustrative) prefix; a seller with real GTINs
 * would replace it.
 */
const COMPANY_PREFIX = '0697000';

/** GS1 mod-10 check digit of the first 13 digits of a GTIN-14. */
export function gtinCheckDigit(first13: string): number {
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(first13[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && gtinCheckDigit(gtin.slice(0, 13)) === Number(gtin[13]);
}

/** A stable GTIN-14 per category: the item reference is a hash of the category id. */
export function categoryGtin(categoryId: string): string {
  let hash = 2166136261;
  for (const char of categoryId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const itemRef = String(hash % 1_000_000).padStart(6, '0');
  const first13 = `${COMPANY_PREFIX}${itemRef}`;
  return `${first13}${gtinCheckDigit(first13)}`;
}

/** A listing id (`lst_` + 20 characters) without its prefix is the lot code: GS1's AI (10) takes up to 20. */
export function lotCodeOf(listingId: string): string {
  return listingId.replace(/^lst_/, '');
}

export function listingIdOfLot(lot: string): string | null {
  return /^[0-9a-z]{1,20}$/.test(lot) ? `lst_${lot}` : null;
}

/** The lot's public trace page, shaped as a GS1 Digital Link on the market's own origin. */
export function digitalLinkPath(categoryId: string, listingId: string): string {
  return `/01/${categoryGtin(categoryId)}/10/${lotCodeOf(listingId)}`;
}

/** The lot as an EPCIS class-level identifier (GS1's canonical Digital Link URI). */
export function lotEpcClass(categoryId: string, listingId: string): string {
  return `https://id.gs1.org${digitalLinkPath(categoryId, listingId)}`;
}

export const urn = {
  org: (orgId: string) => `urn:wharf:org:${orgId}`,
  city: (cityId: string) => `urn:wharf:loc:city:${cityId}`,
  origin: (listingId: string) => `urn:wharf:loc:origin:${lotCodeOf(listingId)}`,
  order: (orderId: string) => `urn:wharf:order:${orderId}`,
  booking: (bookingId: string) => `urn:wharf:booking:${bookingId}`,
  certificate: (number: string) => `urn:wharf:cert:${encodeURIComponent(number)}`,
  device: (deviceId: string) => `urn:wharf:device:${encodeURIComponent(deviceId)}`,
  event: (id: string) => `urn:uuid:${uuidOf(id)}`,
};

/** A deterministic UUID-shaped id from a Wharf id (event ids must be URIs). */
function uuidOf(id: string): string {
  let hex = '';
  for (const char of id) hex += char.charCodeAt(0).toString(16).padStart(2, '0').slice(-2);
  hex = hex.padStart(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export type TraceStep = 'harvest' | 'inspection' | 'packing' | 'shipping' | 'receiving' | 'weighing' | 'sale';

/** What each step is in the Core Business Vocabulary: its business step, disposition and action. */
export const STEP_VOCABULARY: Record<
  TraceStep,
  { bizStep: string; disposition: string; action: 'ADD' | 'OBSERVE' }
> = {
  harvest: { bizStep: 'commissioning', disposition: 'active', action: 'ADD' },
  inspection: { bizStep: 'inspecting', disposition: 'conformant', action: 'OBSERVE' },
  sale: { bizStep: 'reserving', disposition: 'reserved', action: 'OBSERVE' },
  packing: { bizStep: 'packing', disposition: 'in_progress', action: 'OBSERVE' },
  weighing: { bizStep: 'loading', disposition: 'in_progress', action: 'OBSERVE' },
  shipping: { bizStep: 'shipping', disposition: 'in_transit', action: 'OBSERVE' },
  receiving: { bizStep: 'receiving', disposition: 'in_progress', action: 'OBSERVE' },
};

/** UN/CEFACT units EPCIS quantities use. */
export function uomOf(baseUnit: 'g' | 'piece'): { uom: string; factor: number } {
  return baseUnit === 'g' ? { uom: 'KGM', factor: 1000 } : { uom: 'H87', factor: 1 };
}

export type SensorSummary = {
  deviceId: string;
  startTime: Date;
  endTime: Date;
  minC: number;
  maxC: number;
  meanC: number;
  excursions: number;
};

export type StepInput = {
  id: string;
  step: TraceStep;
  time: Date;
  recordTime?: Date;
  categoryId: string;
  listingId: string;
  /** Quantity of the lot the event is about, in the category's base unit. */
  quantity?: number | null;
  baseUnit: 'g' | 'piece';
  readPoint: string;
  bizLocation?: string;
  orderId?: string | null;
  bookingId?: string | null;
  certificates?: string[];
  source?: { party?: string; location?: string };
  destination?: { party?: string; location?: string };
  /** Harvest: instance/lot master data (harvest date, area). */
  harvest?: { date: string; area: string; region: string };
  sensor?: SensorSummary;
  /** The public place name, kept as an extension field for the page and the CSV. */
  placeName?: string | null;
};

/** One EPCIS 2.0 ObjectEvent for a trace step (without @context: the document carries it). */
export function buildEvent(input: StepInput): Record<string, unknown> {
  const vocab = STEP_VOCABULARY[input.step];
  const event: Record<string, unknown> = {
    type: 'ObjectEvent',
    eventTime: input.time.toISOString(),
    eventTimeZoneOffset: zoneOffset(input.time),
    eventID: urn.event(input.id),
    action: vocab.action,
    bizStep: vocab.bizStep,
    disposition: vocab.disposition,
  };
  if (input.recordTime) event.recordTime = input.recordTime.toISOString();
  const element: Record<string, unknown> = { epcClass: lotEpcClass(input.categoryId, input.listingId) };
  if (input.quantity && input.quantity > 0) {
    const unit = uomOf(input.baseUnit);
    element.quantity = Math.round((input.quantity / unit.factor) * 1000) / 1000;
    element.uom = unit.uom;
  }
  event.quantityList = [element];
  event.readPoint = { id: input.readPoint };
  if (input.bizLocation) event.bizLocation = { id: input.bizLocation };
  const transactions: { type: string; bizTransaction: string }[] = [];
  if (input.orderId) transactions.push({ type: 'po', bizTransaction: urn.order(input.orderId) });
  if (input.bookingId) transactions.push({ type: 'bol', bizTransaction: urn.booking(input.bookingId) });
  for (const cert of input.certificates ?? [])
    transactions.push({ type: 'cert', bizTransaction: urn.certificate(cert) });
  if (transactions.length) event.bizTransactionList = transactions;
  if (input.certificates?.length) event.certificationInfo = input.certificates.map(urn.certificate);
  const sourceList = sourceDest(input.source);
  if (sourceList.length) event.sourceList = sourceList.map(({ type, id }) => ({ type, source: id }));
  const destinationList = sourceDest(input.destination);
  if (destinationList.length)
    event.destinationList = destinationList.map(({ type, id }) => ({ type, destination: id }));
  if (input.harvest) {
    event.ilmd = {
      'cbvmda:harvestStartDate': input.harvest.date,
      'cbvmda:harvestEndDate': input.harvest.date,
      'wharf:harvestArea': input.harvest.area,
      'cbvmda:countryOfOrigin': 'CN',
      'wharf:region': input.harvest.region,
    };
  }
  if (input.sensor) {
    const s = input.sensor;
    event.sensorElementList = [
      {
        sensorMetadata: {
          deviceID: urn.device(s.deviceId),
          startTime: s.startTime.toISOString(),
          endTime: s.endTime.toISOString(),
        },
        sensorReport: [
          { type: 'Temperature', minValue: s.minC, maxValue: s.maxC, meanValue: round1(s.meanC), uom: 'CEL' },
        ],
      },
    ];
    event['wharf:excursions'] = s.excursions;
  }
  if (input.placeName) event['wharf:place'] = input.placeName;
  event['wharf:step'] = input.step;
  return event;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function sourceDest(side: StepInput['source']): { type: string; id: string }[] {
  const list: { type: string; id: string }[] = [];
  if (side?.party) list.push({ type: 'owning_party', id: side.party });
  if (side?.location) list.push({ type: 'location', id: side.location });
  return list;
}

/** The EPCIS 2.0 JSON-LD document of a list of stored events. */
export function epcisDocument(events: Record<string, unknown>[], createdAt: Date): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT, { wharf: WHARF_NS, cbvmda: 'urn:epcglobal:cbv:mda:' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: createdAt.toISOString(),
    epcisBody: { eventList: events },
  };
}

export type KdeRow = {
  lotCode: string;
  gtin: string;
  product: string;
  quantity: string;
  unit: string;
  harvestDate: string;
  harvestArea: string;
  step: TraceStep;
  eventTime: string;
  place: string;
  referenceDocuments: string;
};

export const KDE_COLUMNS: [keyof KdeRow, string][] = [
  ['lotCode', 'lot_code'],
  ['gtin', 'gtin'],
  ['product', 'product'],
  ['quantity', 'quantity'],
  ['unit', 'unit'],
  ['harvestDate', 'harvest_date'],
  ['harvestArea', 'harvest_area'],
  ['step', 'event'],
  ['eventTime', 'event_time'],
  ['place', 'place'],
  ['referenceDocuments', 'reference_documents'],
];

function csvCell(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet; quote it as text.
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The traceability spreadsheet: one row per event, sorted by lot then time, ISO times that sort as text. */
export function kdeCsv(rows: KdeRow[]): string {
  const sorted = [...rows].sort(
    (a, b) => a.lotCode.localeCompare(b.lotCode) || a.eventTime.localeCompare(b.eventTime),
  );
  const lines = [KDE_COLUMNS.map(([, header]) => header).join(',')];
  for (const row of sorted) lines.push(KDE_COLUMNS.map(([key]) => csvCell(String(row[key] ?? ''))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
