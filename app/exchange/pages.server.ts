// What the exchange pages show: instruments, a book's depth and trades from the projection, the phase by the
// schedule, the indicative open during the call, an org's own orders and the lots that may back its sell orders.
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import {
  type Instrument,
  categories,
  exchangeFills,
  exchangeOrders,
  instruments,
  listings,
} from '../../db/schema';
import { notFound } from '../lib/http.server';
import { marketToday, toMarketDateTime } from '../lib/market-time';
import { OrderBook } from './book';
import { lotFitsGrade, referencePriceFen } from './orders.server';
import { priceBand, scheduledPhase, sessionTimes } from './rules';
import type { Level } from './types';

export const DEPTH_LEVELS = 5;

export async function instrumentByCode(tx: DbOrTx, code: string): Promise<Instrument> {
  const [row] = await tx.select().from(instruments).where(eq(instruments.code, code.toUpperCase()));
  if (!row) throw notFound();
  return row;
}

/** The phase the page shows: the schedule's, the call lasting until the open (its drawn end is the writer's). */
export function displayPhase(instrument: Instrument, now: Date) {
  const times = sessionTimes(instrument, marketToday(undefined, now));
  return scheduledPhase(times, now, { halted: instrument.status === 'halted' });
}

export async function instrumentList(tx: DbOrTx, now = new Date()) {
  const rows = await tx
    .select({ instrument: instruments, categoryZh: categories.nameZh, categoryEn: categories.nameEn })
    .from(instruments)
    .innerJoin(categories, eq(categories.id, instruments.categoryId))
    .orderBy(asc(instruments.code));
  const last = rows.length
    ? await tx
        .selectDistinctOn([exchangeFills.instrumentId], {
          instrumentId: exchangeFills.instrumentId,
          priceFen: exchangeFills.priceFen,
        })
        .from(exchangeFills)
        .where(
          inArray(
            exchangeFills.instrumentId,
            rows.map((r) => r.instrument.id),
          ),
        )
        .orderBy(exchangeFills.instrumentId, desc(exchangeFills.createdAt), desc(exchangeFills.tradeId))
    : [];
  const lastBy = new Map(last.map((l) => [l.instrumentId, l.priceFen]));
  return rows.map((row) => ({
    ...publicInstrument(row.instrument),
    categoryZh: row.categoryZh,
    categoryEn: row.categoryEn,
    phase: displayPhase(row.instrument, now),
    lastPriceFen: lastBy.get(row.instrument.id) ?? null,
  }));
}

export function publicInstrument(instrument: Instrument) {
  return {
    id: instrument.id,
    code: instrument.code,
    nameZh: instrument.nameZh,
    nameEn: instrument.nameEn,
    categoryId: instrument.categoryId,
    grade: instrument.grade as Record<string, string>,
    unitGrams: instrument.unitGrams,
    unitNameZh: instrument.unitNameZh,
    unitNameEn: instrument.unitNameEn,
    tickFen: instrument.tickFen,
    currency: instrument.currency,
    deliveryPlace: instrument.deliveryPlace,
    deliveryKind: instrument.deliveryKind,
    deliveryDate: instrument.deliveryDate,
    callStart: instrument.callStart.slice(0, 5),
    openTime: instrument.openTime.slice(0, 5),
    closeTime: instrument.closeTime.slice(0, 5),
    bandBps: instrument.bandBps,
    referencePriceFen: instrument.referencePriceFen,
    status: instrument.status,
  };
}

/** Depth (5 levels a side), the last trades, the band, and during the call what the open would print now. */
export async function bookView(tx: DbOrTx, instrument: Instrument, now = new Date()) {
  const phase = displayPhase(instrument, now);
  const reference = await referencePriceFen(tx, instrument);
  const resting = await tx
    .select({
      id: exchangeOrders.id,
      orgId: exchangeOrders.orgId,
      userId: exchangeOrders.userId,
      side: exchangeOrders.side,
      type: exchangeOrders.type,
      tif: exchangeOrders.tif,
      priceFen: exchangeOrders.priceFen,
      remaining: exchangeOrders.remaining,
    })
    .from(exchangeOrders)
    .where(and(eq(exchangeOrders.instrumentId, instrument.id), eq(exchangeOrders.status, 'resting')))
    .orderBy(asc(exchangeOrders.updatedAt), asc(exchangeOrders.id));
  const levels = (side: 'buy' | 'sell'): Level[] => {
    const byPrice = new Map<number, Level>();
    for (const order of resting) {
      if (order.side !== side || order.priceFen === null) continue;
      const level = byPrice.get(order.priceFen) ?? { price: order.priceFen, quantity: 0, orders: 0 };
      level.quantity += order.remaining;
      level.orders += 1;
      byPrice.set(order.priceFen, level);
    }
    return [...byPrice.values()]
      .sort((a, b) => (side === 'buy' ? b.price - a.price : a.price - b.price))
      .slice(0, DEPTH_LEVELS);
  };
  let indicative = null;
  if (phase === 'call') {
    // The projection's resting orders through a book of its own: the uncross the writer would make now.
    const book = new OrderBook({ tick: instrument.tickFen, phase: 'call' });
    for (const order of resting)
      book.apply({
        type: 'place',
        order: {
          id: order.id,
          orgId: order.orgId,
          userId: order.userId,
          side: order.side,
          type: order.type,
          tif: order.tif,
          price: order.priceFen,
          quantity: order.remaining,
          minQuantity: null,
        },
      });
    indicative = book.indicative(reference);
  }
  const trades = await tx
    .select({
      tradeId: exchangeFills.tradeId,
      priceFen: exchangeFills.priceFen,
      quantity: exchangeFills.quantity,
      at: exchangeFills.createdAt,
    })
    .from(exchangeFills)
    .where(eq(exchangeFills.instrumentId, instrument.id))
    .orderBy(desc(exchangeFills.createdAt), desc(exchangeFills.tradeId))
    .limit(10);
  return {
    phase,
    referencePriceFen: reference,
    band: priceBand(reference, instrument.bandBps, instrument.tickFen),
    depth: { bids: levels('buy'), asks: levels('sell') },
    indicative,
    trades: trades.map((t) => ({ ...t, at: toMarketDateTime(t.at).slice(11) })),
  };
}

export async function myExchangeOrders(tx: DbOrTx, orgId: string, instrumentId: string) {
  const rows = await tx
    .select()
    .from(exchangeOrders)
    .where(and(eq(exchangeOrders.orgId, orgId), eq(exchangeOrders.instrumentId, instrumentId)))
    .orderBy(desc(exchangeOrders.createdAt))
    .limit(30);
  return rows.map((row) => ({
    id: row.id,
    side: row.side,
    type: row.type,
    tif: row.tif,
    priceFen: row.priceFen,
    quantity: row.quantity,
    remaining: row.remaining,
    status: row.status,
    statusReason: row.statusReason,
    open: row.status === 'resting' || row.status === 'pending',
    at: toMarketDateTime(row.createdAt),
  }));
}

/** The org's live, screened lots of the instrument's category and grade, with how many units each can back. */
export async function sellableLots(tx: DbOrTx, orgId: string, instrument: Instrument) {
  const rows = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      spec: listings.spec,
      available: listings.quantityAvailable,
    })
    .from(listings)
    .where(
      and(
        eq(listings.sellerOrgId, orgId),
        eq(listings.categoryId, instrument.categoryId),
        eq(listings.status, 'live'),
        isNotNull(listings.screenedVersion),
        sql`${listings.screenedVersion} = ${listings.version}`,
      ),
    )
    .orderBy(desc(listings.quantityAvailable));
  return rows
    .filter((lot) => lotFitsGrade(instrument.grade, lot.spec))
    .map((lot) => ({
      id: lot.id,
      title: lot.titleZh ?? lot.titleEn ?? lot.id,
      titleEn: lot.titleEn ?? lot.titleZh ?? lot.id,
      units: Math.floor(lot.available / instrument.unitGrams),
    }));
}

/** The book page's forms: which one was posted, and the order a cancel or amend is for. */
export const bookIntentSchema = z.object({ intent: z.enum(['place', 'cancel', 'amend']) });
export const uuidSchema = z.string().uuid();

// ——— The operator's instrument editor ———

export const haltSchema = z.object({ id: z.string().uuid(), intent: z.enum(['halt', 'resume']) });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'errors.invalid');
const whole = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'errors.notANumber')
    .transform(Number)
    .pipe(z.number().int().min(min, 'errors.outOfRange').max(max, 'errors.outOfRange'));

export const instrumentSchema = z
  .object({
    code: z
      .string()
      .trim()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'exchange.errors.code')),
    nameZh: z.string().trim().min(1, 'errors.required').max(60, 'errors.tooLong'),
    nameEn: z.string().trim().min(1, 'errors.required').max(80, 'errors.tooLong'),
    categoryId: z.string().trim().min(1, 'errors.required'),
    grade: z.string().trim().max(400, 'errors.tooLong'),
    unitGrams: whole(1, 100_000_000),
    unitNameZh: z.string().trim().min(1, 'errors.required').max(30, 'errors.tooLong'),
    unitNameEn: z.string().trim().min(1, 'errors.required').max(40, 'errors.tooLong'),
    tickFen: whole(1, 1_000_000),
    deliveryPlace: z.string().trim().min(1, 'errors.required').max(120, 'errors.tooLong'),
    deliveryKind: z.enum(['spot', 'dated'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
    deliveryDate: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'errors.invalid')
        .optional(),
    ),
    callStart: hhmm,
    openTime: hhmm,
    closeTime: hhmm,
    bandPercent: whole(1, 50),
    referencePriceFen: z.preprocess((v) => (v === '' ? undefined : v), whole(1, 1_000_000_000).optional()),
  })
  .superRefine((v, ctx) => {
    if (!(v.callStart < v.openTime && v.openTime < v.closeTime))
      ctx.addIssue({ code: 'custom', path: ['openTime'], message: 'exchange.errors.hours' });
    if (v.deliveryKind === 'dated' && !v.deliveryDate)
      ctx.addIssue({ code: 'custom', path: ['deliveryDate'], message: 'errors.required' });
    if (v.referencePriceFen !== undefined && v.referencePriceFen % v.tickFen !== 0)
      ctx.addIssue({ code: 'custom', path: ['referencePriceFen'], message: 'exchange.errors.tick' });
  });

/** "count=40/50, state=live" → { count: '40/50', state: 'live' }; null when a pair is malformed. */
export function parseGrade(text: string): Record<string, string> | null {
  const grade: Record<string, string> = {};
  for (const part of text.split(/[,，;\n]/)) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const match = trimmed.match(/^([a-zA-Z][a-zA-Z0-9]{0,31})\s*=\s*(.{1,40})$/);
    if (!match) return null;
    grade[match[1]] = match[2].trim();
  }
  return grade;
}

export function gradeText(grade: unknown): string {
  return Object.entries((grade ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** A category's grade attributes for the instrument editor; through here so zod stays out of the page's bundle. */
export { parseAttributes as categoryAttributes } from '../listings/catalogue';
