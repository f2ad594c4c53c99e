// Quotes on demands: a seller's offer, counters in turns (each a new version), withdrawal, messages, and acceptance into an order.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  type Demand,
  type Quote,
  type QuoteSide,
  type QuoteVersion,
  categories,
  demands,
  listings,
  organisations,
  quoteMessages,
  quoteVersions,
  quotes,
} from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { lineTotal } from '../lib/money';
import { ListingError, reserveStock } from '../listings/listings.server';
import { notify } from '../notify/notify.server';
import { createOrderInTx } from '../orders/orders.server';
import { perBaseOf } from '../orders/pricing';
import { DemandError, takesQuotes } from './demands.server';
import { priceParam } from './format';
import type { OfferDraft } from './form.server';

export type Party = { orgId: string; userId: string };

function threadLink(demandId: string, quoteId: string): string {
  return `/demands/${demandId}/quotes/${quoteId}`;
}

/** The demand a seller may quote on: it exists, is visible to the seller, is not its own, and takes quotes. */
async function demandForQuoting(tx: DbOrTx, demandId: string, sellerOrgId: string): Promise<Demand> {
  // FOR SHARE: a close or an edit waits for the quote, and the quote never lands on a demand closed meanwhile.
  const [demand] = await tx.select().from(demands).where(eq(demands.id, demandId)).for('share');
  if (!demand) throw new DemandError('errors.notFound', 404);
  if (demand.buyerOrgId === sellerOrgId) throw new DemandError('demand.errors.ownDemand', 403);
  if (!takesQuotes(demand)) throw new DemandError('demand.errors.closed', 409);
  if (demand.visibility === 'verified') {
    const [seller] = await tx
      .select({ verification: organisations.verification })
      .from(organisations)
      .where(eq(organisations.id, sellerOrgId));
    if (seller?.verification !== 'verified') throw new DemandError('demand.errors.verifiedOnly', 403);
  }
  return demand;
}

/** A backing lot must be the seller's own, live, and of the demand's category. */
async function checkBackingListing(tx: DbOrTx, listingId: string, sellerOrgId: string, demand: Demand) {
  const [lot] = await tx
    .select({ sellerOrgId: listings.sellerOrgId, status: listings.status, categoryId: listings.categoryId })
    .from(listings)
    .where(eq(listings.id, listingId));
  if (
    !lot ||
    lot.sellerOrgId !== sellerOrgId ||
    lot.status !== 'live' ||
    lot.categoryId !== demand.categoryId
  )
    throw new DemandError('demand.errors.listingUnfit', 400, 'listingId');
}

async function orgName(tx: DbOrTx, orgId: string): Promise<string> {
  const [org] = await tx
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return org?.name ?? '';
}

/** A seller org's first offer on a demand: the thread and its version 1. One open thread per seller and demand. */
export async function createQuote(
  tx: DbOrTx,
  input: { demandId: string; seller: Party; listingId: string | null; draft: OfferDraft },
): Promise<string> {
  await assertOrgMayAct(tx, input.seller.orgId);
  const demand = await demandForQuoting(tx, input.demandId, input.seller.orgId);
  if (input.listingId) await checkBackingListing(tx, input.listingId, input.seller.orgId, demand);
  const id = newId('quo');
  const inserted = await tx
    .insert(quotes)
    .values({
      id,
      demandId: demand.id,
      sellerOrgId: input.seller.orgId,
      listingId: input.listingId,
      createdBy: input.seller.userId,
    })
    .onConflictDoNothing()
    .returning({ id: quotes.id });
  if (inserted.length === 0) throw new DemandError('demand.errors.alreadyQuoted', 409);
  await insertVersion(tx, id, 1, 'seller', input.seller.userId, input.draft);
  await notify(tx, {
    type: 'quote-received',
    orgId: demand.buyerOrgId,
    minRole: 'trader',
    params: {
      demand: demand.title,
      seller: await orgName(tx, input.seller.orgId),
      price: priceParam(input.draft.unitPriceFen, input.draft.priceUnit),
    },
    link: threadLink(demand.id, id),
    subject: { type: 'quote', id },
  });
  return id;
}

async function insertVersion(
  tx: DbOrTx,
  quoteId: string,
  version: number,
  side: QuoteSide,
  userId: string,
  draft: OfferDraft,
) {
  await tx.insert(quoteVersions).values({
    quoteId,
    version,
    side,
    authorUserId: userId,
    tiers: draft.tiers,
    unitPriceFen: draft.unitPriceFen,
    priceUnit: draft.priceUnit,
    quantity: draft.quantity,
    deliverBy: draft.deliverBy,
    validUntil: draft.validUntil,
    note: draft.note,
  });
}

type LockedThread = { quote: Quote; demand: Demand; latest: QuoteVersion; side: QuoteSide };

/**
 * Locks a thread's quote row (every counter, acceptance and withdrawal of one thread runs one at a
 * time) and works out which side the acting org is on. A third org gets 404: the thread is not its business.
 */
async function lockThread(tx: DbOrTx, quoteId: string, actorOrgId: string): Promise<LockedThread> {
  const [row] = await tx
    .select({ quote: quotes, demand: demands })
    .from(quotes)
    .innerJoin(demands, eq(demands.id, quotes.demandId))
    .where(eq(quotes.id, quoteId))
    .for('update', { of: quotes });
  if (!row) throw new DemandError('errors.notFound', 404);
  const side: QuoteSide | null =
    row.demand.buyerOrgId === actorOrgId ? 'buyer' : row.quote.sellerOrgId === actorOrgId ? 'seller' : null;
  if (!side) throw new DemandError('errors.notFound', 404);
  await assertOrgMayAct(tx, actorOrgId);
  const [latest] = await tx
    .select()
    .from(quoteVersions)
    .where(and(eq(quoteVersions.quoteId, quoteId), eq(quoteVersions.version, row.quote.currentVersion)));
  return { quote: row.quote, demand: row.demand, latest, side };
}

/** The checks a counter and an acceptance share: the thread is open, the version is the latest, and it is this side's turn. */
function checkTurn(thread: LockedThread, expectedVersion: number) {
  if (thread.quote.status !== 'open') throw new DemandError('demand.errors.quoteClosed', 409);
  if (expectedVersion !== thread.quote.currentVersion) throw new DemandError('demand.errors.superseded', 409);
  if (thread.latest.side === thread.side) throw new DemandError('demand.errors.notYourTurn', 409);
}

/** A counter-offer: version N+1 by the side whose turn it is, on top of exactly the version it answers. */
export async function counterQuote(
  tx: DbOrTx,
  input: { quoteId: string; actor: Party; expectedVersion: number; draft: OfferDraft },
): Promise<number> {
  const thread = await lockThread(tx, input.quoteId, input.actor.orgId);
  checkTurn(thread, input.expectedVersion);
  if (!takesQuotes(thread.demand)) throw new DemandError('demand.errors.closed', 409);
  const next = thread.quote.currentVersion + 1;
  // The row lock already serializes the thread; the version condition is the database's own guard.
  const [moved] = await tx
    .update(quotes)
    .set({ currentVersion: next })
    .where(and(eq(quotes.id, input.quoteId), eq(quotes.currentVersion, input.expectedVersion)))
    .returning({ id: quotes.id });
  if (!moved) throw new DemandError('demand.errors.superseded', 409);
  await insertVersion(tx, input.quoteId, next, thread.side, input.actor.userId, input.draft);
  await notify(tx, {
    type: 'quote-countered',
    orgId: thread.side === 'buyer' ? thread.quote.sellerOrgId : thread.demand.buyerOrgId,
    minRole: 'trader',
    params: {
      demand: thread.demand.title,
      price: priceParam(input.draft.unitPriceFen, input.draft.priceUnit),
    },
    link: threadLink(thread.demand.id, input.quoteId),
    subject: { type: 'quote', id: input.quoteId },
  });
  return next;
}

/** Either side ends the negotiation; an accepted or withdrawn thread cannot be withdrawn again. */
export async function withdrawQuote(tx: DbOrTx, input: { quoteId: string; actor: Party }): Promise<void> {
  const thread = await lockThread(tx, input.quoteId, input.actor.orgId);
  if (thread.quote.status !== 'open') throw new DemandError('demand.errors.quoteClosed', 409);
  await tx.update(quotes).set({ status: 'withdrawn' }).where(eq(quotes.id, input.quoteId));
  await notify(tx, {
    type: 'quote-withdrawn',
    orgId: thread.side === 'buyer' ? thread.quote.sellerOrgId : thread.demand.buyerOrgId,
    minRole: 'trader',
    params: { demand: thread.demand.title },
    link: threadLink(thread.demand.id, input.quoteId),
    subject: { type: 'quote', id: input.quoteId },
  });
}

/**
 * Accepts the other side's latest version: the buyer a seller's offer, or the seller the buyer's
 * counter. In one transaction: the thread is marked accepted (conditional on the version), the backing
 * lot's stock is reserved, and the order is written awaiting payment. An expired or superseded
 * version, or one without a backing lot, is refused and nothing changes.
 */
export async function acceptQuote(
  tx: DbOrTx,
  input: { quoteId: string; actor: Party; expectedVersion: number; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  const thread = await lockThread(tx, input.quoteId, input.actor.orgId);
  checkTurn(thread, input.expectedVersion);
  const { quote, demand, latest } = thread;
  if (latest.validUntil <= now) throw new DemandError('demand.errors.expired', 409);
  if (demand.status === 'closed') throw new DemandError('demand.errors.closed', 409);
  if (!quote.listingId) throw new DemandError('demand.errors.needsListing', 409);

  const [lot] = await tx
    .select({ currency: listings.currency, baseUnit: categories.baseUnit, feeBps: categories.feeBps })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(listings.id, quote.listingId));
  try {
    await reserveStock(tx, quote.listingId, latest.quantity);
  } catch (error) {
    if (error instanceof ListingError) throw new DemandError('demand.errors.noStock', 409);
    throw error;
  }
  const perBase = perBaseOf(lot.baseUnit);
  const orderId = await createOrderInTx(tx, {
    listingId: quote.listingId,
    buyerOrgId: demand.buyerOrgId,
    sellerOrgId: quote.sellerOrgId,
    source: 'quote',
    quantity: latest.quantity,
    unitPriceFen: latest.unitPriceFen,
    perBase,
    subtotalFen: lineTotal(latest.unitPriceFen, latest.quantity, perBase),
    currency: lot.currency,
    feeBps: lot.feeBps,
    createdBy: input.actor.userId,
    origin: { demandId: demand.id, quoteId: quote.id, version: latest.version },
  });
  const [accepted] = await tx
    .update(quotes)
    .set({ status: 'accepted', orderId })
    .where(
      and(
        eq(quotes.id, quote.id),
        eq(quotes.status, 'open'),
        eq(quotes.currentVersion, input.expectedVersion),
      ),
    )
    .returning({ id: quotes.id });
  if (!accepted) throw new DemandError('demand.errors.superseded', 409);

  // A demand whose whole quantity is now bought leaves the board.
  const [{ bought }] = await tx
    .select({ bought: sql<number>`coalesce(sum(${quoteVersions.quantity}), 0)`.mapWith(Number) })
    .from(quotes)
    .innerJoin(
      quoteVersions,
      and(eq(quoteVersions.quoteId, quotes.id), eq(quoteVersions.version, quotes.currentVersion)),
    )
    .where(and(eq(quotes.demandId, demand.id), eq(quotes.status, 'accepted')));
  if (bought >= demand.quantity) {
    await tx
      .update(demands)
      .set({ status: 'fulfilled', closedAt: now })
      .where(and(eq(demands.id, demand.id), eq(demands.status, 'open')));
    await enqueue(tx, 'matching', 'demand-changed', { demandId: demand.id });
  }

  await notify(tx, {
    type: 'quote-accepted',
    orgId: thread.side === 'buyer' ? quote.sellerOrgId : demand.buyerOrgId,
    minRole: 'trader',
    params: { demand: demand.title, order: orderId.slice(-8) },
    link: `/orders/${orderId}`,
    subject: { type: 'quote', id: quote.id },
  });
  return orderId;
}

/** A free message on the thread, from either side; the other side is told. */
export async function postMessage(
  tx: DbOrTx,
  input: { quoteId: string; actor: Party; body: string },
): Promise<void> {
  const thread = await lockThread(tx, input.quoteId, input.actor.orgId);
  await tx.insert(quoteMessages).values({
    id: newId('qmg'),
    quoteId: input.quoteId,
    authorUserId: input.actor.userId,
    authorOrgId: input.actor.orgId,
    body: input.body,
  });
  await notify(tx, {
    type: 'thread-message',
    orgId: thread.side === 'buyer' ? thread.quote.sellerOrgId : thread.demand.buyerOrgId,
    minRole: 'trader',
    params: { demand: thread.demand.title },
    link: threadLink(thread.demand.id, input.quoteId),
    subject: { type: 'quote', id: input.quoteId },
  });
}
