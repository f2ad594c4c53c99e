// A lot's trace: records each step as an EPCIS event (once), and reads it back for the public page and the exports.
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { currentCertificate } from '../compliance/certificates.server';
import type { DbOrTx } from '../../db/client';
import { categories, listingFiles, listings, organisations, traceEvents } from '../../db/schema';
import { cityOf } from '../geo/cities';
import { newId } from '../lib/ids';
import { marketDayAt } from '../lib/market-time';
import {
  type KdeRow,
  type SensorSummary,
  type StepInput,
  type TraceStep,
  buildEvent,
  categoryGtin,
  epcisDocument,
  lotCodeOf,
  urn,
} from './epcis';

type LotFacts = {
  id: string;
  categoryId: string;
  baseUnit: 'g' | 'piece';
  sellerOrgId: string;
  originName: string;
  originRegion: string;
  harvestDate: string;
  pickupPlace: string;
  quantityTotal: number;
};

async function lotFacts(tx: DbOrTx, listingId: string): Promise<LotFacts | null> {
  const [lot] = await tx
    .select({
      id: listings.id,
      categoryId: listings.categoryId,
      baseUnit: categories.baseUnit,
      sellerOrgId: listings.sellerOrgId,
      originName: listings.originName,
      originRegion: listings.originRegion,
      harvestDate: listings.harvestDate,
      pickupPlace: listings.pickupPlace,
      quantityTotal: listings.quantityTotal,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(listings.id, listingId));
  return lot ?? null;
}

/** A place as an EPCIS location: its city when we know it, else the lot's origin. */
export function placeUri(place: string | null | undefined, listingId: string): string {
  const city = cityOf(place);
  return city ? urn.city(city.id) : urn.origin(listingId);
}

/** A public place name: the city (or county) only, so no one's street address is published. */
export function publicPlace(place: string | null | undefined): string | null {
  const city = cityOf(place);
  return city ? city.nameZh : null;
}

export type StepRecord = {
  step: TraceStep;
  listingId: string;
  /** One event per dedupe key: a repeated hook or a retried job records nothing twice. */
  dedupeKey: string;
  time?: Date;
  quantity?: number | null;
  place?: string | null;
  orderId?: string | null;
  bookingId?: string | null;
  certificates?: string[];
  source?: StepInput['source'];
  destination?: StepInput['destination'];
  sensor?: SensorSummary;
};

/** Records one step of a lot's trace inside the caller's transaction; returns false if it was already recorded. */
export async function recordTraceStep(tx: DbOrTx, record: StepRecord): Promise<boolean> {
  const lot = await lotFacts(tx, record.listingId);
  if (!lot) return false;
  const id = newId('tev');
  const time = record.time ?? new Date();
  const place = record.place ?? lot.pickupPlace;
  const event = buildEvent({
    id,
    step: record.step,
    time,
    recordTime: new Date(),
    categoryId: lot.categoryId,
    listingId: lot.id,
    baseUnit: lot.baseUnit,
    quantity: record.quantity,
    readPoint: placeUri(place, lot.id),
    orderId: record.orderId,
    bookingId: record.bookingId,
    certificates: record.certificates,
    source: record.source,
    destination: record.destination,
    harvest:
      record.step === 'harvest'
        ? { date: lot.harvestDate, area: lot.originName, region: lot.originRegion }
        : undefined,
    sensor: record.sensor,
    placeName: publicPlace(place) ?? (record.step === 'harvest' ? lot.originName : null),
  });
  const inserted = await tx
    .insert(traceEvents)
    .values({
      id,
      listingId: lot.id,
      orderId: record.orderId ?? null,
      bookingId: record.bookingId ?? null,
      step: record.step,
      eventTime: time,
      bizStep: String(event.bizStep),
      place: typeof event['wharf:place'] === 'string' ? event['wharf:place'] : null,
      event,
      dedupeKey: record.dedupeKey,
    })
    .onConflictDoNothing({ target: traceEvents.dedupeKey })
    .returning({ id: traceEvents.id });
  return inserted.length > 0;
}

/** Harvest or catch: the lot comes into being at its pond, farm or sea area. */
export async function recordHarvest(tx: DbOrTx, listingId: string): Promise<void> {
  const lot = await lotFacts(tx, listingId);
  if (!lot) return;
  await recordTraceStep(tx, {
    step: 'harvest',
    listingId,
    dedupeKey: `harvest:${listingId}`,
    // The harvest date at noon market time (the form asks for a day, not an hour), or now if that is still ahead.
    time: new Date(Math.min(marketDayAt(lot.harvestDate, '12:00').getTime(), Date.now())),
    quantity: lot.quantityTotal,
    place: `${lot.originName} ${lot.originRegion}`,
    source: { party: urn.org(lot.sellerOrgId), location: urn.origin(listingId) },
  });
}

/** Inspection: one event per certificate the seller attaches, carrying its number. */
export async function recordInspections(tx: DbOrTx, listingId: string): Promise<void> {
  const certs = await tx
    .select({
      id: listingFiles.id,
      number: listingFiles.certificateNumber,
      type: listingFiles.certificateType,
      at: listingFiles.createdAt,
    })
    .from(listingFiles)
    .where(and(eq(listingFiles.listingId, listingId), eq(listingFiles.kind, 'certificate')));
  for (const cert of certs) {
    await recordTraceStep(tx, {
      step: 'inspection',
      listingId,
      dedupeKey: `inspection:${cert.id}`,
      time: cert.at,
      certificates: cert.number ? [cert.number] : [],
    });
  }
}

export type PublicStep = {
  id: string;
  step: TraceStep;
  time: string;
  place: string | null;
  quantity: number | null;
  uom: string | null;
  certificates: string[];
  sensor: { minC: number; maxC: number; excursions: number } | null;
};

function quantityOf(event: Record<string, unknown>): { quantity: number | null; uom: string | null } {
  const list = event.quantityList as { quantity?: number; uom?: string }[] | undefined;
  return { quantity: list?.[0]?.quantity ?? null, uom: list?.[0]?.uom ?? null };
}

function certificatesOf(event: Record<string, unknown>): string[] {
  const info = event.certificationInfo;
  const list = Array.isArray(info) ? info : typeof info === 'string' ? [info] : [];
  return list.map((uri) => decodeURIComponent(String(uri).replace('urn:wharf:cert:', '')));
}

function sensorOf(event: Record<string, unknown>): PublicStep['sensor'] {
  const list = event.sensorElementList as
    | { sensorReport: { minValue?: number; maxValue?: number }[] }[]
    | undefined;
  const report = list?.[0]?.sensorReport?.[0];
  if (!report || report.minValue === undefined || report.maxValue === undefined) return null;
  return { minC: report.minValue, maxC: report.maxValue, excursions: Number(event['wharf:excursions'] ?? 0) };
}

/**
 * What the public trace page shows of a lot: product, origin, harvest date, certificate numbers, and
 * each step's time, place (a city, never an address), quantity and temperatures. No parties' names
 * beyond the producer, no prices, no order or booking ids.
 */
export async function publicTrace(tx: DbOrTx, listingId: string) {
  const [lot] = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      categoryId: listings.categoryId,
      categoryZh: categories.nameZh,
      categoryEn: categories.nameEn,
      originName: listings.originName,
      originRegion: listings.originRegion,
      harvestDate: listings.harvestDate,
      coldChain: listings.coldChain,
      producer: organisations.name,
      status: listings.status,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(eq(listings.id, listingId));
  if (!lot || lot.status === 'draft' || lot.status === 'removed') return null;
  const rows = await tx
    .select()
    .from(traceEvents)
    .where(eq(traceEvents.listingId, listingId))
    .orderBy(asc(traceEvents.eventTime), asc(traceEvents.id));
  const steps: PublicStep[] = rows.map((row) => ({
    id: row.id,
    step: row.step as TraceStep,
    time: row.eventTime.toISOString(),
    place: row.place,
    ...quantityOf(row.event),
    certificates: certificatesOf(row.event),
    sensor: sensorOf(row.event),
  }));
  const qualityCerts = await tx
    .select({ number: listingFiles.certificateNumber, type: listingFiles.certificateType })
    .from(listingFiles)
    .where(and(eq(listingFiles.listingId, listingId), eq(listingFiles.kind, 'certificate')));
  // The producer's certificate numbers: from the files attached to the lot and from recorded inspections.
  const certificateNumbers = [
    ...new Set([
      ...qualityCerts.map((c) => c.number).filter((n): n is string => Boolean(n)),
      ...steps.filter((s) => s.step === 'inspection').flatMap((s) => s.certificates),
    ]),
  ];
  // The lot's 承诺达标合格证: who promises and when, and the number its page is found by (ADR 0044).
  const current = await currentCertificate(tx, listingId);
  const certificate = current
    ? {
        id: current.id,
        number: current.number,
        promisingParty: current.promisingParty,
        issuedAt: current.issuedAt.toISOString(),
      }
    : null;
  return {
    lot,
    steps,
    certificateNumbers,
    certificate,
    gtin: categoryGtin(lot.categoryId),
    lotCode: lotCodeOf(lot.id),
  };
}

export type TraceScope = { listingIds?: string[]; sellerOrgId?: string; from?: Date; to?: Date };

async function eventsIn(tx: DbOrTx, scope: TraceScope) {
  const where = [
    scope.listingIds ? inArray(traceEvents.listingId, scope.listingIds) : undefined,
    scope.sellerOrgId
      ? sql`${traceEvents.listingId} in (select id from listings where seller_org_id = ${scope.sellerOrgId})`
      : undefined,
    scope.from ? gte(traceEvents.eventTime, scope.from) : undefined,
    scope.to ? lt(traceEvents.eventTime, scope.to) : undefined,
  ].filter(Boolean);
  return tx
    .select()
    .from(traceEvents)
    .where(and(...where))
    .orderBy(asc(traceEvents.eventTime), asc(traceEvents.id))
    .limit(50_000);
}

/** The EPCIS 2.0 JSON-LD document of the events in scope. */
export async function exportEpcis(tx: DbOrTx, scope: TraceScope): Promise<Record<string, unknown>> {
  const rows = await eventsIn(tx, scope);
  return epcisDocument(
    rows.map((row) => row.event),
    new Date(),
  );
}

/** The key data elements of the events in scope, one row per event. */
export async function exportKdeRows(tx: DbOrTx, scope: TraceScope): Promise<KdeRow[]> {
  const rows = await eventsIn(tx, scope);
  if (rows.length === 0) return [];
  const lots = await tx
    .select({
      id: listings.id,
      categoryId: listings.categoryId,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      categoryZh: categories.nameZh,
      harvestDate: listings.harvestDate,
      originName: listings.originName,
      originRegion: listings.originRegion,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(inArray(listings.id, [...new Set(rows.map((r) => r.listingId))]));
  const byId = new Map(lots.map((lot) => [lot.id, lot]));
  return rows.flatMap((row) => {
    const lot = byId.get(row.listingId);
    if (!lot) return [];
    const { quantity, uom } = quantityOf(row.event);
    const refs = ((row.event.bizTransactionList as { bizTransaction: string }[] | undefined) ?? []).map(
      (t) => t.bizTransaction,
    );
    return [
      {
        lotCode: lotCodeOf(lot.id),
        gtin: categoryGtin(lot.categoryId),
        product: `${lot.categoryZh} ${lot.titleZh ?? lot.titleEn ?? ''}`.trim(),
        quantity: quantity === null ? '' : String(quantity),
        unit: uom ?? '',
        harvestDate: lot.harvestDate,
        harvestArea: `${lot.originName} (${lot.originRegion})`,
        step: row.step as TraceStep,
        eventTime: row.eventTime.toISOString(),
        place: row.place ?? '',
        referenceDocuments: refs.join(' '),
      },
    ];
  });
}

/** A seller's lots that carry a label (every lot on or recently off the market), newest first. */
export async function labelledLots(tx: DbOrTx, sellerOrgId: string) {
  return tx
    .select({ id: listings.id, titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(listings)
    .where(
      and(
        eq(listings.sellerOrgId, sellerOrgId),
        inArray(listings.status, ['live', 'paused', 'sold_out', 'expired']),
      ),
    )
    .orderBy(desc(listings.createdAt))
    .limit(50);
}
