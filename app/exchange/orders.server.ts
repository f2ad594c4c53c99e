// Exchange order entry (issue #14, ADR 0031): validate a ticket, check who may trade, take the order's backing —
// deposit cover held in the ledger for a buy, stock reserved from a fitting lot for a sell — then hand the command
// to the instrument's writer, and project what the writer decided (its journal) onto exchange_orders, making each
// fill one normal order.
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client';
import {
  type ExchangeOrder,
  type Instrument,
  categories,
  exchangeCursors,
  exchangeFills,
  exchangeOrders,
  instruments,
  listings,
  memberships,
  organisations,
} from '../../db/schema';
import { depositFor } from '../auctions/deposit';
import { assertOrgMayAct, roleAtLeast } from '../lib/auth.server';
import { startOfMarketDay, marketToday } from '../lib/market-time';
import { type Currency, parseMoney } from '../lib/money';
import { redis, redisKey } from '../lib/redis.server';
import { LedgerError, holdDeposit, releaseDeposit } from '../ledger/ledger.server';
import { ListingError, releaseStock, reserveStock } from '../listings/listings.server';
import { lotReferencePriceFen } from '../market-data/lot-reference.server';
import { createOrderInTx } from '../orders/orders.server';
import { checkLimitPrice, priceBand } from './rules';
import { type JournalEntry, readJournal } from './journal.server';
import { submitCommand } from './submit.server';
import type { Command, Event } from './types';

/** A refusal the ticket shows beside a field (or the form): an i18n key and an HTTP status. */
export class ExchangeOrderError extends Error {
  constructor(
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

/** How long a page waits for the instrument's writer before it answers 503. */
const SUBMIT_TIMEOUT_MS = 5_000;

/**
 * What order entry needs of the engine: submit a command to the instrument's writer, answered after its batch
 * committed (app/exchange/submit.server.ts); throws ExchangeUnavailable when no writer answers.
 */
export type ExchangeEngine = {
  submit(instrumentId: string, command: Command): Promise<{ seq: number; events: Event[] }>;
};

/** The engine through this process's Redis client. */
export function liveExchange(timeoutMs = SUBMIT_TIMEOUT_MS): ExchangeEngine {
  return { submit: (instrumentId, command) => submitCommand(redis(), instrumentId, command, { timeoutMs }) };
}

const intField = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : value),
    z
      .string({ required_error: 'errors.required' })
      .min(1, 'errors.required')
      .regex(/^\d+$/, 'errors.notANumber')
      .transform(Number)
      .pipe(z.number().int().min(1, 'errors.mustBePositive').max(max, 'errors.outOfRange')),
  );
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

/** The order ticket as the form posts it: prices in yuan ("400.50"), quantities in units of trade. */
export const ticketSchema = z.object({
  side: z.enum(['buy', 'sell'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  type: z.enum(['limit', 'market'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  tif: z.enum(['gtc', 'day', 'ioc', 'fok'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  price: optional(z.string().trim().max(20, 'errors.invalid')),
  quantity: intField(100_000),
  minQuantity: optional(intField(100_000)),
  listingId: optional(z.string().trim().min(1).max(64)),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const amendSchema = z.object({
  orderId: z.string().uuid('errors.invalid'),
  price: optional(z.string().trim().max(20, 'errors.invalid')),
  quantity: optional(intField(100_000)),
});

type InstrumentRow = Instrument & { depositBps: number; feeBps: number };

async function loadInstrument(tx: DbOrTx, instrumentId: string): Promise<InstrumentRow> {
  const [row] = await tx
    .select({ instrument: instruments, depositBps: categories.depositBps, feeBps: categories.feeBps })
    .from(instruments)
    .innerJoin(categories, eq(categories.id, instruments.categoryId))
    .where(eq(instruments.id, instrumentId));
  if (!row) throw new ExchangeOrderError('errors.notFound', 404);
  return { ...row.instrument, depositBps: row.depositBps, feeBps: row.feeBps };
}

/**
 * The reference price of the band and of the opening call's tie-break, in fen per unit of trade: the market's
 * reference for the instrument's category and grade (issue #15: the 14-day volume-weighted price per kg of every
 * completed trade, app/market-data) scaled to the unit, half up; else, for a grade nothing has traded in, the
 * instrument's last fill before today's market day (yesterday's close); else the operator's reference price.
 */
export async function referencePriceFen(
  tx: DbOrTx,
  instrument: Pick<Instrument, 'id' | 'referencePriceFen' | 'categoryId' | 'grade' | 'unitGrams'>,
  day = marketToday(),
): Promise<number | null> {
  const perKg = await lotReferencePriceFen(
    tx,
    { categoryId: instrument.categoryId, spec: instrument.grade },
    day,
  );
  if (perKg !== null) return Math.floor((perKg * instrument.unitGrams + 500) / 1000);
  const [last] = await tx
    .select({ priceFen: exchangeFills.priceFen })
    .from(exchangeFills)
    .where(
      and(eq(exchangeFills.instrumentId, instrument.id), lt(exchangeFills.createdAt, startOfMarketDay(day))),
    )
    .orderBy(sql`${exchangeFills.createdAt} desc, ${exchangeFills.tradeId} desc`)
    .limit(1);
  return last?.priceFen ?? instrument.referencePriceFen ?? null;
}

/** Yuan as typed → fen per unit of trade, checked against tick and band; the field error otherwise. */
function limitPriceFen(
  raw: string | undefined,
  instrument: InstrumentRow,
  band: ReturnType<typeof priceBand>,
) {
  if (!raw) throw new ExchangeOrderError('errors.required', 400, 'price');
  const parsed = parseMoney(raw, instrument.currency as Currency);
  if (!parsed.ok) throw new ExchangeOrderError('errors.invalid', 400, 'price');
  const problem = checkLimitPrice(parsed.amount, instrument.tickFen, band);
  if (problem === 'tick') throw new ExchangeOrderError('exchange.errors.tick', 400, 'price');
  if (problem === 'band') throw new ExchangeOrderError('exchange.errors.band', 400, 'price');
  if (problem) throw new ExchangeOrderError('errors.invalid', 400, 'price');
  return parsed.amount;
}

/** Whether a lot's spec carries every grade attribute of the instrument with the same value. */
export function lotFitsGrade(grade: unknown, spec: unknown): boolean {
  const wanted = (grade ?? {}) as Record<string, unknown>;
  const has = (spec ?? {}) as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => String(has[key] ?? '') === String(value));
}

/** The trader acting for the org: a member with at least 'trader', the org verified and not sanctioned now. */
async function assertTrader(tx: DbOrTx, orgId: string, userId: string, side: 'buy' | 'sell') {
  await assertOrgMayAct(tx, orgId);
  const [member] = await tx
    .select({ role: memberships.role, verification: organisations.verification, kind: organisations.kind })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  if (!member) throw new ExchangeOrderError('errors.notFound', 404);
  if (!roleAtLeast(member.role, 'trader')) throw new ExchangeOrderError('errors.forbidden', 403);
  if (member.verification !== 'verified') throw new ExchangeOrderError('exchange.errors.notVerified', 403);
  const kinds = side === 'buy' ? ['buyer', 'both'] : ['seller', 'both'];
  if (!kinds.includes(member.kind)) throw new ExchangeOrderError('exchange.errors.wrongSide', 403);
}

async function holdCover(tx: DbOrTx, order: { id: string; orgId: string }, amount: number, version: number) {
  try {
    await holdDeposit(tx, {
      orgId: order.orgId,
      amount,
      currency: 'CNY',
      idempotencyKey: `exchange:${order.id}:cover:${version}`,
      memo: `exchange order ${order.id}`,
    });
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'insufficient_funds')
      throw new ExchangeOrderError('exchange.errors.coverShort', 409);
    throw error;
  }
}

async function reserveLot(tx: DbOrTx, listingId: string, grams: number) {
  try {
    await reserveStock(tx, listingId, grams);
  } catch (error) {
    if (error instanceof ListingError)
      throw new ExchangeOrderError('exchange.errors.stockShort', 409, 'quantity');
    throw error;
  }
}

/** The cover a buy order needs for `remaining` units at `priceFen`: the category's deposit share (as auction bids). */
function coverFor(instrument: InstrumentRow, priceFen: number, remaining: number): number {
  return depositFor({
    priceFen,
    quantity: remaining * instrument.unitGrams,
    perBase: instrument.unitGrams,
    depositBps: instrument.depositBps,
  });
}

export type PlaceInput = {
  instrumentId: string;
  orgId: string;
  userId: string;
  ticket: Ticket;
  orderId?: string;
};

/**
 * Places an order: checks, backing and the pending row in one transaction (nothing is held if any check fails),
 * then the writer decides and its journal up to that decision is projected. Throws ExchangeOrderError for a
 * refusal, a 403 Response for a sanctioned org, and the engine's error (ExchangeUnavailable) when no writer
 * answers — the order then stays pending with its backing until the journal says what became of it.
 */
export async function placeExchangeOrder(
  db: Db,
  engine: ExchangeEngine,
  input: PlaceInput,
): Promise<ExchangeOrder> {
  const { ticket } = input;
  const instrument = await loadInstrument(db, input.instrumentId);
  if (instrument.status !== 'active') throw new ExchangeOrderError('exchange.errors.halted', 409);
  const band = priceBand(await referencePriceFen(db, instrument), instrument.bandBps, instrument.tickFen);
  const priceFen = ticket.type === 'limit' ? limitPriceFen(ticket.price, instrument, band) : null;
  if (ticket.type === 'market' && ticket.price)
    throw new ExchangeOrderError('exchange.errors.marketPrice', 400, 'price');
  if (ticket.minQuantity !== undefined && ticket.minQuantity > ticket.quantity)
    throw new ExchangeOrderError('exchange.errors.minQuantity', 400, 'minQuantity');
  if (ticket.side === 'sell' && !ticket.listingId)
    throw new ExchangeOrderError('errors.required', 400, 'listingId');
  // A market buy is covered at the top of the band: the most it can pay today.
  const coverPrice = priceFen ?? band?.highFen ?? null;
  if (ticket.side === 'buy' && coverPrice === null)
    throw new ExchangeOrderError('exchange.errors.noReference', 409);

  const id = input.orderId ?? crypto.randomUUID();
  await db.transaction(async (tx) => {
    await assertTrader(tx, input.orgId, input.userId, ticket.side);
    let coverFen = 0;
    let reservedGrams = 0;
    if (ticket.side === 'buy') {
      coverFen = coverFor(instrument, coverPrice as number, ticket.quantity);
      if (coverFen > 0) await holdCover(tx, { id, orgId: input.orgId }, coverFen, 1);
    } else {
      const [lot] = await tx
        .select()
        .from(listings)
        .where(eq(listings.id, ticket.listingId as string));
      if (!lot || lot.sellerOrgId !== input.orgId)
        throw new ExchangeOrderError('errors.notFound', 404, 'listingId');
      if (lot.status !== 'live' || lot.screenedVersion !== lot.version)
        throw new ExchangeOrderError('exchange.errors.lotNotLive', 409, 'listingId');
      if (lot.categoryId !== instrument.categoryId || !lotFitsGrade(instrument.grade, lot.spec))
        throw new ExchangeOrderError('exchange.errors.lotDoesNotFit', 409, 'listingId');
      reservedGrams = ticket.quantity * instrument.unitGrams;
      await reserveLot(tx, lot.id, reservedGrams);
    }
    await tx.insert(exchangeOrders).values({
      id,
      instrumentId: instrument.id,
      orgId: input.orgId,
      userId: input.userId,
      side: ticket.side,
      type: ticket.type,
      tif: ticket.tif,
      priceFen,
      quantity: ticket.quantity,
      remaining: ticket.quantity,
      minQuantity: ticket.minQuantity ?? null,
      listingId: ticket.side === 'sell' ? (ticket.listingId as string) : null,
      reservedGrams,
      coverFen,
      coverVersion: coverFen > 0 ? 1 : 0,
    });
  });

  const { seq } = await engine.submit(instrument.id, {
    type: 'place',
    order: {
      id,
      orgId: input.orgId,
      userId: input.userId,
      side: ticket.side,
      type: ticket.type,
      tif: ticket.tif,
      price: priceFen,
      quantity: ticket.quantity,
      minQuantity: ticket.minQuantity ?? null,
    },
  });
  await projectJournal(db, instrument.id, seq);
  return orderById(db, id);
}

async function orderById(tx: DbOrTx, id: string): Promise<ExchangeOrder> {
  const [row] = await tx.select().from(exchangeOrders).where(eq(exchangeOrders.id, id));
  return row;
}

/** An order of the org that can still be changed (resting or pending); 404 for anyone else's. */
async function ownOpenOrder(tx: DbOrTx, orderId: string, orgId: string): Promise<ExchangeOrder> {
  const [row] = await tx
    .select()
    .from(exchangeOrders)
    .where(and(eq(exchangeOrders.id, orderId), eq(exchangeOrders.orgId, orgId)));
  if (!row) throw new ExchangeOrderError('errors.notFound', 404);
  if (row.status !== 'resting' && row.status !== 'pending')
    throw new ExchangeOrderError('exchange.errors.notOpen', 409);
  return row;
}

export async function cancelExchangeOrder(
  db: Db,
  engine: ExchangeEngine,
  input: { orderId: string; orgId: string; userId: string },
): Promise<ExchangeOrder> {
  const order = await ownOpenOrder(db, input.orderId, input.orgId);
  // Cancelling is allowed to a sanctioned org too (it reduces what it has at stake), but only to its traders.
  const [member] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, input.orgId), eq(memberships.userId, input.userId)));
  if (!member) throw new ExchangeOrderError('errors.notFound', 404);
  if (!roleAtLeast(member.role, 'trader')) throw new ExchangeOrderError('errors.forbidden', 403);
  const { seq } = await engine.submit(order.instrumentId, {
    type: 'cancel',
    orderId: order.id,
    orgId: input.orgId,
  });
  await projectJournal(db, order.instrumentId, seq);
  return orderById(db, order.id);
}

/**
 * Amends price and/or open quantity. More backing (a higher buy price, more units) is taken before the writer
 * hears of it, so an amend it accepts is always covered; what the writer refuses or no longer needs is
 * released when its answer is projected.
 */
export async function amendExchangeOrder(
  db: Db,
  engine: ExchangeEngine,
  input: { orderId: string; orgId: string; userId: string; price?: string; quantity?: number },
): Promise<ExchangeOrder> {
  const order = await ownOpenOrder(db, input.orderId, input.orgId);
  const instrument = await loadInstrument(db, order.instrumentId);
  if (instrument.status !== 'active') throw new ExchangeOrderError('exchange.errors.halted', 409);
  if (order.type !== 'limit' && input.price)
    throw new ExchangeOrderError('exchange.errors.marketPrice', 400, 'price');
  const band = priceBand(await referencePriceFen(db, instrument), instrument.bandBps, instrument.tickFen);
  const priceFen = input.price ? limitPriceFen(input.price, instrument, band) : null;
  const quantity = input.quantity ?? null;
  if (priceFen === null && quantity === null)
    throw new ExchangeOrderError('exchange.errors.nothingToAmend', 400);

  await db.transaction(async (tx) => {
    await assertTrader(tx, input.orgId, input.userId, order.side);
    const [locked] = await tx
      .select()
      .from(exchangeOrders)
      .where(eq(exchangeOrders.id, order.id))
      .for('update');
    if (locked.status !== 'resting' && locked.status !== 'pending')
      throw new ExchangeOrderError('exchange.errors.notOpen', 409);
    const remaining = quantity ?? locked.remaining;
    if (locked.side === 'buy') {
      const need = coverFor(instrument, priceFen ?? (locked.priceFen as number), remaining);
      if (need > locked.coverFen) {
        await holdCover(tx, locked, need - locked.coverFen, locked.coverVersion + 1);
        await tx
          .update(exchangeOrders)
          .set({ coverFen: need, coverVersion: locked.coverVersion + 1 })
          .where(eq(exchangeOrders.id, locked.id));
      }
    } else {
      const need = remaining * instrument.unitGrams;
      if (need > locked.reservedGrams) {
        await reserveLot(tx, locked.listingId as string, need - locked.reservedGrams);
        await tx.update(exchangeOrders).set({ reservedGrams: need }).where(eq(exchangeOrders.id, locked.id));
      }
    }
  });

  const { seq } = await engine.submit(order.instrumentId, {
    type: 'amend',
    orderId: order.id,
    orgId: input.orgId,
    price: priceFen,
    quantity,
  });
  await projectJournal(db, order.instrumentId, seq);
  return orderById(db, order.id);
}

// ——— The projection: the journal, in seq order, onto exchange_orders, the ledger, the lots and orders ———

/**
 * Applies every journal entry of the instrument up to `throughSeq` (all there are when null) that is not applied
 * yet, in seq order. The cursor row is locked for the duration, so the web process that just submitted and the
 * worker's consumer never apply the same entry twice nor out of order. Returns the last applied seq.
 */
export async function projectJournal(
  db: Db,
  instrumentId: string,
  throughSeq: number | null = null,
): Promise<number> {
  const instrument = await loadInstrument(db, instrumentId);
  await db.insert(exchangeCursors).values({ instrumentId }).onConflictDoNothing();
  for (;;) {
    const more = await db.transaction(async (tx) => {
      const [cursor] = await tx
        .select({ lastSeq: exchangeCursors.lastSeq })
        .from(exchangeCursors)
        .where(eq(exchangeCursors.instrumentId, instrumentId))
        .for('update');
      if (throughSeq !== null && cursor.lastSeq >= throughSeq)
        return { lastSeq: cursor.lastSeq, more: false };
      const entries = await readJournal(tx, instrumentId, cursor.lastSeq, 100);
      const wanted = entries.filter((entry) => throughSeq === null || entry.seq <= throughSeq);
      for (const entry of wanted) await applyEntry(tx, instrument, entry);
      const lastSeq = wanted.at(-1)?.seq ?? cursor.lastSeq;
      if (lastSeq !== cursor.lastSeq)
        await tx
          .update(exchangeCursors)
          .set({ lastSeq, updatedAt: new Date() })
          .where(eq(exchangeCursors.instrumentId, instrumentId));
      const reached = throughSeq === null ? entries.length < 100 : lastSeq >= throughSeq;
      return { lastSeq, more: !reached && wanted.length > 0 };
    });
    if (!more.more) return more.lastSeq;
  }
}

type Working = ExchangeOrder & { consumedGrams: number };

function orderIdsOf(entry: JournalEntry): string[] {
  const ids = new Set<string>();
  for (const event of entry.events) {
    if (event.type === 'fill') {
      ids.add(event.buyOrderId);
      ids.add(event.sellOrderId);
    } else if ('orderId' in event) ids.add(event.orderId);
  }
  return [...ids].sort();
}

/** One journal entry onto the projection, inside the caller's transaction (see projectJournal). */
async function applyEntry(tx: DbOrTx, instrument: InstrumentRow, entry: JournalEntry): Promise<void> {
  const ids = orderIdsOf(entry);
  if (ids.length === 0) return;
  const rows = await tx
    .select()
    .from(exchangeOrders)
    .where(inArray(exchangeOrders.id, ids))
    .orderBy(asc(exchangeOrders.id))
    .for('update');
  const work = new Map<string, Working>(
    rows.filter((row) => row.lastSeq < entry.seq).map((row) => [row.id, { ...row, consumedGrams: 0 }]),
  );
  const placedId = entry.command.type === 'place' ? entry.command.order.id : null;
  const fills: Extract<Event, { type: 'fill' }>[] = [];
  for (const event of entry.events) {
    if (event.type === 'fill') {
      const buy = work.get(event.buyOrderId);
      const sell = work.get(event.sellOrderId);
      for (const order of [buy, sell]) {
        if (!order) continue;
        order.remaining -= event.quantity;
        if (order.remaining === 0) order.status = 'filled';
      }
      if (sell) sell.consumedGrams += event.quantity * instrument.unitGrams;
      fills.push(event);
      continue;
    }
    if (!('orderId' in event)) continue;
    const order = work.get(event.orderId);
    if (!order) continue;
    if (event.type === 'rejected') {
      // A refused cancel or amend leaves the order as it was; only a refused place ends it.
      if (event.orderId === placedId) {
        order.status = 'rejected';
        order.statusReason = event.reason;
      }
    } else if (event.type === 'accepted') {
      if (order.status === 'pending') order.status = 'resting';
    } else if (event.type === 'rested') {
      order.status = 'resting';
      order.remaining = event.remaining;
    } else if (event.type === 'amended') {
      const filled = order.quantity - order.remaining;
      if (order.type === 'limit') order.priceFen = event.price;
      order.remaining = event.remaining;
      order.quantity = Math.max(filled + event.remaining, 1);
    } else if (event.type === 'cancelled') {
      order.status = 'cancelled';
      order.statusReason = event.reason;
    }
  }

  for (const order of work.values()) {
    // 'accepted' without a rest or a fill to the end (IOC in the call cannot happen; a market order that traded
    // everything is 'filled'): an order whose remaining is 0 is filled.
    if (order.status === 'resting' && order.remaining === 0) order.status = 'filled';
    const open = order.status === 'resting' || order.status === 'pending';
    const changes: Partial<ExchangeOrder> = {
      status: order.status,
      statusReason: order.statusReason,
      remaining: order.remaining,
      quantity: order.quantity,
      priceFen: order.priceFen,
      lastSeq: entry.seq,
      closedAt: open ? null : new Date(),
    };
    if (order.side === 'buy') {
      // Cover shrinks with what is left (the fills' own orders are paid through escrow); never grows here.
      const target =
        open && order.priceFen !== null ? coverFor(instrument, order.priceFen, order.remaining) : 0;
      const keep = open && order.priceFen === null ? order.coverFen : Math.min(order.coverFen, target);
      if (keep < order.coverFen) {
        const version = order.coverVersion + 1;
        await releaseDeposit(tx, {
          orgId: order.orgId,
          amount: order.coverFen - keep,
          currency: 'CNY',
          idempotencyKey: `exchange:${order.id}:cover:${version}`,
          memo: `exchange order ${order.id}`,
        });
        changes.coverFen = keep;
        changes.coverVersion = version;
      }
    } else {
      // Stock taken by fills moves into their orders; stock beyond what is left goes back to the lot.
      const held = order.reservedGrams - order.consumedGrams;
      const keep = open ? Math.min(held, order.remaining * instrument.unitGrams) : 0;
      if (held > keep) await releaseStock(tx, order.listingId as string, held - keep);
      changes.reservedGrams = keep;
    }
    await tx.update(exchangeOrders).set(changes).where(eq(exchangeOrders.id, order.id));
  }

  for (const fill of fills) await fillToOrder(tx, instrument, entry.seq, fill);
}

/** A fill becomes one normal order (buy-side pays through escrow as any order); idempotent by its unique key. */
async function fillToOrder(
  tx: DbOrTx,
  instrument: InstrumentRow,
  seq: number,
  fill: Extract<Event, { type: 'fill' }>,
): Promise<void> {
  const [claimed] = await tx
    .insert(exchangeFills)
    .values({
      instrumentId: instrument.id,
      seq,
      tradeId: fill.tradeId,
      buyOrderId: fill.buyOrderId,
      sellOrderId: fill.sellOrderId,
      priceFen: fill.price,
      quantity: fill.quantity,
    })
    .onConflictDoNothing()
    .returning({ tradeId: exchangeFills.tradeId });
  if (!claimed) return;
  const [buy] = await tx.select().from(exchangeOrders).where(eq(exchangeOrders.id, fill.buyOrderId));
  const [sell] = await tx.select().from(exchangeOrders).where(eq(exchangeOrders.id, fill.sellOrderId));
  const orderId = await createOrderInTx(tx, {
    listingId: sell.listingId as string,
    buyerOrgId: buy.orgId,
    sellerOrgId: sell.orgId,
    source: 'exchange',
    quantity: fill.quantity * instrument.unitGrams,
    unitPriceFen: fill.price,
    perBase: instrument.unitGrams,
    subtotalFen: fill.price * fill.quantity,
    currency: instrument.currency,
    feeBps: instrument.feeBps,
    createdBy: buy.userId,
    origin: {
      instrumentId: instrument.id,
      seq,
      tradeId: fill.tradeId,
      buyOrderId: fill.buyOrderId,
      sellOrderId: fill.sellOrderId,
    },
  });
  await tx
    .update(exchangeFills)
    .set({ orderId })
    .where(and(eq(exchangeFills.instrumentId, instrument.id), eq(exchangeFills.tradeId, fill.tradeId)));
}

/** The live channel of an instrument's pages: a ping after each projected batch, the page reloads its book. */
export function exchangeChannel(instrumentId: string): string {
  return redisKey('live', 'exchange', instrumentId);
}

/**
 * Ends orders still pending since before `before` (their submitter gave up; the writer drops a command it picks up
 * after its deadline, so the journal will never have them): rejected 'unanswered', cover and stock given back.
 * Run after the journal is projected, so a pending order here is one the writer never decided.
 */
export async function expireUnansweredOrders(db: Db, instrumentId: string, before: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const stale = await tx
      .select()
      .from(exchangeOrders)
      .where(
        and(
          eq(exchangeOrders.instrumentId, instrumentId),
          eq(exchangeOrders.status, 'pending'),
          lt(exchangeOrders.createdAt, before),
        ),
      )
      .orderBy(asc(exchangeOrders.id))
      .for('update', { skipLocked: true });
    for (const order of stale) {
      if (order.coverFen > 0)
        await releaseDeposit(tx, {
          orgId: order.orgId,
          amount: order.coverFen,
          currency: 'CNY',
          idempotencyKey: `exchange:${order.id}:cover:${order.coverVersion + 1}`,
          memo: `exchange order ${order.id}`,
        });
      if (order.reservedGrams > 0) await releaseStock(tx, order.listingId as string, order.reservedGrams);
      await tx
        .update(exchangeOrders)
        .set({
          status: 'rejected',
          statusReason: 'unanswered',
          coverFen: 0,
          coverVersion: order.coverVersion + 1,
          reservedGrams: 0,
          closedAt: new Date(),
        })
        .where(eq(exchangeOrders.id, order.id));
    }
    return stale.length;
  });
}
