// Repeat buying (issue #18 part 4, ADR 0054): reorder from a past order, requisition lists (常购清单) checked out
// at once into one order per line, and weekly standing orders (每周定期采购) run by the b2b sweep.
import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, db } from '../../db/client';
import {
  type CheckoutLineResult,
  checkouts,
  listings,
  memberships,
  orders,
  organisations,
  requisitionLines,
  requisitionLists,
  standingOrderRuns,
  standingOrders,
} from '../../db/schema';
import { assertOrgMayAct, orgMayTrade, roleAtLeast } from '../lib/auth.server';
import { log } from '../lib/log.server';
import { newId, newToken } from '../lib/ids';
import { marketToday } from '../lib/market-time';
import { type QuantityUnit, fromBase, toBase } from '../lib/units';
import { notify } from '../notify/notify.server';
import { placeBuyNow } from '../orders/orders.server';
import { lotForBuying } from '../orders/pages.server';
import { QUANTITY_ERRORS, quoteBuy, unitPriceFor } from '../orders/pricing';
import { type Weekday, weekOf, weekdayOf } from './schedule';

export class RepeatError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 400,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

const UNITS = ['g', 'kg', 'jin', 't', 'case', 'piece'] as const;
const id = z.string().trim().min(1, 'errors.required').max(64, 'errors.invalid');

export const lineSchema = z.object({
  listingId: id,
  quantity: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(20, 'errors.tooLarge'),
  unit: z.enum(UNITS, { errorMap: () => ({ message: 'errors.chooseOne' }) }),
});

export const listNameSchema = z
  .string({ required_error: 'errors.required' })
  .trim()
  .min(1, 'errors.required')
  .max(60, 'errors.tooLong');

export const createListSchema = z.object({ name: listNameSchema });

export const lineIdSchema = z.object({
  lineId: z.string().min(1, 'errors.required').max(64, 'errors.invalid'),
});
export const saveLineSchema = lineIdSchema.merge(lineSchema.pick({ quantity: true, unit: true }));

export const standingActSchema = z.object({
  standingId: z.string().min(1, 'errors.required').max(64, 'errors.invalid'),
  intent: z.enum(['paused', 'active', 'deleted'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
});

export const addToListSchema = lineSchema.extend({
  /** An existing list of the org, or 'new' with `newName`. */
  listId: id,
  newName: z.string().trim().max(60, 'errors.tooLong').optional(),
});

export const standingSchema = lineSchema.extend({
  weekday: z.coerce
    .number({ invalid_type_error: 'errors.chooseOne' })
    .int('errors.chooseOne')
    .min(1, 'errors.chooseOne')
    .max(7, 'errors.chooseOne'),
  maxRisePercent: z.coerce
    .number({ invalid_type_error: 'errors.notANumber' })
    .min(0, 'errors.outOfRange')
    .max(100, 'errors.outOfRange'),
});

/** A quantity as typed, checked against the lot's base unit (the same parse placeBuyNow makes). */
async function checkedLot(tx: DbOrTx, line: z.infer<typeof lineSchema>) {
  const lot = await lotForBuying(tx, line.listingId);
  if (!lot) throw new RepeatError('errors.notFound', 404);
  if (lot.saleMode !== 'fixed') throw new RepeatError('orders.errors.notFixedPrice', 409);
  const parsed = toBase(line.quantity, line.unit, {
    caseNetGrams: lot.caseNetGrams ?? undefined,
    base: lot.baseUnit,
  });
  if (!parsed.ok) throw new RepeatError(QUANTITY_ERRORS[parsed.error], 400, 'quantity');
  if (parsed.value < lot.minOrderQuantity) throw new RepeatError('orders.errors.belowMoq', 400, 'quantity');
  return { lot, baseQuantity: parsed.value };
}

// ——— Reorder ———

export type ReorderTarget =
  | { ok: true; href: string }
  | { ok: false; reason: string; categoryId: string | null; listingId: string };

/**
 * Where "reorder" leads for an order of the buyer org: the buy step of the same lot with the same quantity, or,
 * when the lot is gone (withdrawn, sold out, no longer fixed price, too little left), why, and its category.
 * Null for an order that is not the org's (the page answers 404).
 */
export async function reorderTarget(
  tx: DbOrTx,
  orderId: string,
  buyerOrgId: string,
): Promise<ReorderTarget | null> {
  const [order] = await tx
    .select({ listingId: orders.listingId, quantity: orders.quantity, categoryId: listings.categoryId })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .where(and(eq(orders.id, orderId), eq(orders.buyerOrgId, buyerOrgId)));
  if (!order) return null;
  const gone = (reason: string) => ({
    ok: false as const,
    reason,
    categoryId: order.categoryId,
    listingId: order.listingId,
  });
  const lot = await lotForBuying(tx, order.listingId);
  if (!lot) return gone('repeat.reorder.gone');
  if (lot.status === 'sold_out' || lot.quantityAvailable < lot.minOrderQuantity)
    return gone('repeat.reorder.soldOut');
  if (lot.saleMode !== 'fixed') return gone('orders.errors.notFixedPrice');
  const unit = lot.displayUnit as QuantityUnit;
  const quantity = fromBase(order.quantity, unit, { caseNetGrams: lot.caseNetGrams ?? undefined });
  const params = new URLSearchParams({ listingId: lot.id, quantity, unit });
  return { ok: true, href: `/orders/new?${params}` };
}

// ——— Requisition lists ———

export const LIST_SORTS = ['updated', 'name', 'lines'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export async function listsOf(tx: DbOrTx, buyerOrgId: string, sort: ListSort = 'updated') {
  const lines = count(requisitionLines.id);
  return tx
    .select({
      id: requisitionLists.id,
      name: requisitionLists.name,
      updatedAt: requisitionLists.updatedAt,
      lines,
    })
    .from(requisitionLists)
    .leftJoin(requisitionLines, eq(requisitionLines.listId, requisitionLists.id))
    .where(eq(requisitionLists.buyerOrgId, buyerOrgId))
    .groupBy(requisitionLists.id)
    .orderBy(
      sort === 'name'
        ? asc(requisitionLists.name)
        : sort === 'lines'
          ? desc(lines)
          : desc(requisitionLists.updatedAt),
      asc(requisitionLists.id),
    )
    .limit(200);
}

export async function createList(input: {
  buyerOrgId: string;
  actorUserId: string;
  name: string;
}): Promise<string> {
  return db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const listId = newId('rql');
    await tx
      .insert(requisitionLists)
      .values({ id: listId, buyerOrgId: input.buyerOrgId, name: input.name, createdBy: input.actorUserId });
    return listId;
  });
}

/** The org's list, or null (another org's list is "not found"). */
export async function listOfOrg(tx: DbOrTx, listId: string, buyerOrgId: string) {
  const [list] = await tx
    .select()
    .from(requisitionLists)
    .where(and(eq(requisitionLists.id, listId), eq(requisitionLists.buyerOrgId, buyerOrgId)));
  return list ?? null;
}

export async function linesOf(tx: DbOrTx, listId: string) {
  return tx
    .select({
      id: requisitionLines.id,
      listingId: requisitionLines.listingId,
      quantity: requisitionLines.quantity,
      unit: requisitionLines.unit,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      status: listings.status,
      sellerName: organisations.name,
    })
    .from(requisitionLines)
    .innerJoin(listings, eq(listings.id, requisitionLines.listingId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(eq(requisitionLines.listId, listId))
    .orderBy(asc(requisitionLines.createdAt), asc(requisitionLines.id));
}

/** Adds a lot to a list (or a new list), or sets its quantity if the list has it already. Returns the list. */
export async function addToList(input: {
  buyerOrgId: string;
  actorUserId: string;
  form: z.infer<typeof addToListSchema>;
}): Promise<string> {
  const { form } = input;
  return db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const { lot } = await checkedLot(tx, form);
    if (lot.sellerOrgId === input.buyerOrgId) throw new RepeatError('orders.errors.ownLot', 403);
    let listId = form.listId;
    if (listId === 'new') {
      const name = listNameSchema.safeParse(form.newName ?? '');
      if (!name.success)
        throw new RepeatError(name.error.issues[0]?.message ?? 'errors.required', 400, 'newName');
      listId = newId('rql');
      await tx
        .insert(requisitionLists)
        .values({ id: listId, buyerOrgId: input.buyerOrgId, name: name.data, createdBy: input.actorUserId });
    } else {
      // Locked so a delete of the list cannot slip between the check and the insert.
      const [list] = await tx
        .select({ id: requisitionLists.id })
        .from(requisitionLists)
        .where(and(eq(requisitionLists.id, listId), eq(requisitionLists.buyerOrgId, input.buyerOrgId)))
        .for('update');
      if (!list) throw new RepeatError('errors.chooseOne', 400, 'listId');
      await tx.update(requisitionLists).set({ updatedAt: new Date() }).where(eq(requisitionLists.id, listId));
    }
    await tx
      .insert(requisitionLines)
      .values({
        id: newId('rqn'),
        listId,
        listingId: form.listingId,
        quantity: form.quantity,
        unit: form.unit,
      })
      .onConflictDoUpdate({
        target: [requisitionLines.listId, requisitionLines.listingId],
        set: { quantity: form.quantity, unit: form.unit, updatedAt: new Date() },
      });
    return listId;
  });
}

/** Sets a line's quantity; the line must be on the org's list. */
export async function changeLine(input: {
  buyerOrgId: string;
  listId: string;
  lineId: string;
  quantity: string;
  unit: QuantityUnit;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const [line] = await lineOfOrg(tx, input);
    if (!line) throw new RepeatError('errors.notFound', 404);
    // A lot withdrawn since it was listed is said so on its line, not answered as a missing page.
    if (!(await lotForBuying(tx, line.listingId)))
      throw new RepeatError('repeat.reorder.gone', 409, 'quantity');
    await checkedLot(tx, { listingId: line.listingId, quantity: input.quantity, unit: input.unit });
    await tx
      .update(requisitionLines)
      .set({ quantity: input.quantity, unit: input.unit })
      .where(eq(requisitionLines.id, line.id));
  });
}

export async function removeLine(input: {
  buyerOrgId: string;
  listId: string;
  lineId: string;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const [line] = await lineOfOrg(tx, input);
    if (!line) throw new RepeatError('errors.notFound', 404);
    await tx.delete(requisitionLines).where(eq(requisitionLines.id, line.id));
  });
}

export async function deleteList(input: { buyerOrgId: string; listId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const removed = await tx
      .delete(requisitionLists)
      .where(and(eq(requisitionLists.id, input.listId), eq(requisitionLists.buyerOrgId, input.buyerOrgId)))
      .returning({ id: requisitionLists.id });
    if (removed.length === 0) throw new RepeatError('errors.notFound', 404);
  });
}

function lineOfOrg(tx: DbOrTx, input: { buyerOrgId: string; listId: string; lineId: string }) {
  return tx
    .select({ id: requisitionLines.id, listingId: requisitionLines.listingId })
    .from(requisitionLines)
    .innerJoin(requisitionLists, eq(requisitionLists.id, requisitionLines.listId))
    .where(
      and(
        eq(requisitionLines.id, input.lineId),
        eq(requisitionLines.listId, input.listId),
        eq(requisitionLists.buyerOrgId, input.buyerOrgId),
      ),
    );
}

// ——— Checkout all ———

export const CHECKOUT_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** A fresh token for an "order all" form, made when the list's page is rendered. */
export function newCheckoutToken(): string {
  return newToken();
}

/** The buy token of one line of one checkout: a repeat of the checkout buys each line at most once (placeBuyNow). */
function lineBuyToken(checkoutToken: string, lineId: string): string {
  return createHash('sha256').update(`${checkoutToken}:${lineId}`).digest('base64url').slice(0, 32);
}

/**
 * "Checkout all": every line of the list through placeBuyNow, one order per line (each seller its own order),
 * a line that cannot be bought reported with its reason without stopping the others. Each line is its own
 * transaction (ADR 0054); the checkout's token and each line's derived buy token make a repeated or concurrent
 * post answer with the same orders. Returns the checkout's id.
 */
export async function checkoutList(input: {
  buyerOrgId: string;
  actorUserId: string;
  listId: string;
  token: string;
}): Promise<string> {
  if (!CHECKOUT_TOKEN.test(input.token)) throw new RepeatError('errors.invalid', 400);
  const list = await listOfOrg(db, input.listId, input.buyerOrgId);
  if (!list) throw new RepeatError('errors.notFound', 404);
  const lines = await linesOf(db, list.id);
  if (lines.length === 0) throw new RepeatError('repeat.errors.emptyList', 400);
  await assertOrgMayAct(db, input.buyerOrgId);
  const [claimed] = await db
    .insert(checkouts)
    .values({
      id: newId('chk'),
      buyerOrgId: input.buyerOrgId,
      listId: list.id,
      token: input.token,
      createdBy: input.actorUserId,
    })
    .onConflictDoUpdate({
      target: [checkouts.buyerOrgId, checkouts.token],
      set: { token: sql`excluded.token` },
    })
    .returning({ id: checkouts.id });
  if (!claimed) throw new Error('checkout claim returned nothing');
  const results: CheckoutLineResult[] = [];
  for (const line of lines) {
    const unit = UNITS.find((u) => u === line.unit) ?? 'kg';
    const placed = await placeBuyNow({
      buyerOrgId: input.buyerOrgId,
      actorUserId: input.actorUserId,
      form: {
        listingId: line.listingId,
        quantity: line.quantity,
        unit,
        tolerancePercent: 0,
        buyToken: lineBuyToken(input.token, line.id),
      },
    });
    results.push({
      listingId: line.listingId,
      quantity: line.quantity,
      unit: line.unit,
      orderId: placed.ok ? placed.orderId : null,
      error: placed.ok
        ? null
        : (placed.errors.form ??
          placed.errors.quantity ??
          Object.values(placed.errors)[0] ??
          'errors.invalid'),
    });
  }
  await db.update(checkouts).set({ results }).where(eq(checkouts.id, claimed.id));
  return claimed.id;
}

/** A checkout of the org with its orders and what they cost together; null for another org's. */
export async function checkoutOfOrg(tx: DbOrTx, checkoutId: string, buyerOrgId: string) {
  const [checkout] = await tx
    .select()
    .from(checkouts)
    .where(and(eq(checkouts.id, checkoutId), eq(checkouts.buyerOrgId, buyerOrgId)));
  if (!checkout) return null;
  const orderIds = checkout.results.flatMap((r) => (r.orderId ? [r.orderId] : []));
  const made =
    orderIds.length === 0
      ? []
      : await tx
          .select({
            id: orders.id,
            status: orders.status,
            subtotalFen: orders.subtotalFen,
            depositAppliedFen: orders.depositAppliedFen,
            currency: orders.currency,
            provider: orders.provider,
            payBy: orders.payBy,
            sellerName: organisations.name,
          })
          .from(orders)
          .innerJoin(organisations, eq(organisations.id, orders.sellerOrgId))
          .where(and(inArray(orders.id, orderIds), eq(orders.buyerOrgId, buyerOrgId)));
  const titles = new Map(
    (checkout.results.length === 0
      ? []
      : await tx
          .select({ id: listings.id, titleZh: listings.titleZh, titleEn: listings.titleEn })
          .from(listings)
          .where(
            inArray(
              listings.id,
              checkout.results.map((r) => r.listingId),
            ),
          )
    ).map((l) => [l.id, l]),
  );
  const byId = new Map(made.map((o) => [o.id, o]));
  const lines = checkout.results.map((r) => ({
    ...r,
    lot: titles.get(r.listingId) ?? null,
    order: r.orderId ? (byId.get(r.orderId) ?? null) : null,
  }));
  // What is still to pay: orders awaiting payment, each less a deposit already in its escrow.
  const toPayFen = made
    .filter((o) => o.status === 'pending_payment')
    .reduce((sum, o) => sum + (o.subtotalFen - o.depositAppliedFen), 0);
  return { id: checkout.id, listId: checkout.listId, createdAt: checkout.createdAt, lines, toPayFen };
}

// ——— Standing orders ———

/** Sets up a weekly standing order for a lot, at the lot's price for that quantity today. */
export async function createStandingOrder(input: {
  buyerOrgId: string;
  actorUserId: string;
  form: z.infer<typeof standingSchema>;
}): Promise<string> {
  const { form } = input;
  return db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const { lot, baseQuantity } = await checkedLot(tx, form);
    if (lot.sellerOrgId === input.buyerOrgId) throw new RepeatError('orders.errors.ownLot', 403);
    const price = unitPriceFor(lot.tiers, baseQuantity);
    if (price === null) throw new RepeatError('orders.errors.notOnSale', 409);
    const standingId = newId('sto');
    await tx.insert(standingOrders).values({
      id: standingId,
      buyerOrgId: input.buyerOrgId,
      listingId: lot.id,
      quantity: form.quantity,
      unit: form.unit,
      weekday: form.weekday,
      basePriceFen: price,
      maxRiseBps: Math.round(form.maxRisePercent * 100),
      createdBy: input.actorUserId,
    });
    return standingId;
  });
}

export async function standingOrdersOf(tx: DbOrTx, buyerOrgId: string) {
  const rows = await tx
    .select({
      id: standingOrders.id,
      listingId: standingOrders.listingId,
      quantity: standingOrders.quantity,
      unit: standingOrders.unit,
      weekday: standingOrders.weekday,
      basePriceFen: standingOrders.basePriceFen,
      maxRiseBps: standingOrders.maxRiseBps,
      status: standingOrders.status,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      currency: listings.currency,
      sellerName: organisations.name,
    })
    .from(standingOrders)
    .innerJoin(listings, eq(listings.id, standingOrders.listingId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(eq(standingOrders.buyerOrgId, buyerOrgId))
    .orderBy(asc(standingOrders.weekday), asc(standingOrders.createdAt))
    .limit(200);
  const runs =
    rows.length === 0
      ? []
      : await tx
          .selectDistinctOn([standingOrderRuns.standingOrderId])
          .from(standingOrderRuns)
          .where(
            inArray(
              standingOrderRuns.standingOrderId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(standingOrderRuns.standingOrderId, desc(standingOrderRuns.week));
  const last = new Map(runs.map((r) => [r.standingOrderId, r]));
  return rows.map((r) => ({ ...r, lastRun: last.get(r.id) ?? null }));
}

export async function setStandingStatus(input: {
  buyerOrgId: string;
  standingId: string;
  to: 'active' | 'paused' | 'deleted';
}): Promise<void> {
  await db.transaction(async (tx) => {
    await assertOrgMayAct(tx, input.buyerOrgId);
    const mine = and(
      eq(standingOrders.id, input.standingId),
      eq(standingOrders.buyerOrgId, input.buyerOrgId),
    );
    const touched =
      input.to === 'deleted'
        ? await tx.delete(standingOrders).where(mine).returning({ id: standingOrders.id })
        : await tx
            .update(standingOrders)
            .set({ status: input.to })
            .where(mine)
            .returning({ id: standingOrders.id });
    if (touched.length === 0) throw new RepeatError('errors.notFound', 404);
  });
}

export type RunOutcome =
  | 'ordered'
  | 'skipped_stock'
  | 'skipped_price'
  | 'skipped_unavailable'
  | 'already'
  | 'paused';

/**
 * One standing order's run for the market week of `today`. The standing order's row is locked for the run, and
 * the run row's unique key (standing order, week) is the lasting guard: a second sweep, concurrent or later,
 * finds the week done. The order itself is placed by placeBuyNow with a buy token derived from the standing
 * order and the week, so even a run whose bookkeeping was lost after the order committed cannot buy twice.
 */
export async function runStandingOrder(standingId: string, today: string): Promise<RunOutcome> {
  const week = weekOf(today);
  return db.transaction(async (tx) => {
    const [standing] = await tx
      .select()
      .from(standingOrders)
      .where(eq(standingOrders.id, standingId))
      .for('update');
    if (!standing || standing.status !== 'active') return 'paused';
    const [done] = await tx
      .select({ id: standingOrderRuns.id })
      .from(standingOrderRuns)
      .where(and(eq(standingOrderRuns.standingOrderId, standingId), eq(standingOrderRuns.week, week)));
    if (done) return 'already';

    const record = async (
      outcome: Exclude<RunOutcome, 'already' | 'paused'>,
      reason: string | null,
      orderId: string | null,
    ) => {
      await tx
        .insert(standingOrderRuns)
        .values({ id: newId('sor'), standingOrderId: standingId, week, outcome, reason, orderId });
      if (outcome !== 'ordered')
        await notify(tx, {
          type: 'standing-order-skipped',
          orgId: standing.buyerOrgId,
          minRole: 'trader',
          params: { listing: lotTitle, week, reason: `t:${reason ?? 'repeat.skip.unavailable'}` },
          link: '/buy/standing',
          subject: { type: 'standing_order', id: standingId },
          dedupeKey: `standing:${standingId}:${week}`,
        });
      return outcome;
    };

    const lot = await lotForBuying(tx, standing.listingId);
    const lotTitle = lot?.titleZh ?? standing.listingId;
    const unit = UNITS.find((u) => u === standing.unit) ?? 'kg';
    // The one who set it up buys on the org's behalf, while still one of its traders.
    const [member] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.orgId, standing.buyerOrgId), eq(memberships.userId, standing.createdBy)));
    if (!member || !roleAtLeast(member.role, 'trader'))
      return record('skipped_unavailable', 'repeat.skip.noTrader', null);
    // A suspended or banned buyer org buys nothing (placeBuyNow would refuse it by throwing, ADR 0017).
    if (!(await orgMayTrade(tx, standing.buyerOrgId)))
      return record('skipped_unavailable', 'trust.sanction.cannotTrade', null);
    if (!lot || lot.status !== 'live') return record('skipped_stock', 'repeat.skip.stock', null);
    const quote = quoteBuy(lot, standing.quantity, unit);
    if (!quote.ok)
      return quote.error === 'listing.errors.insufficientStock'
        ? record('skipped_stock', 'repeat.skip.stock', null)
        : record('skipped_unavailable', quote.error, null);
    // Integer fen: the cap is the set-up price plus max_rise_bps of it, rounded down.
    const capFen = standing.basePriceFen + Math.floor((standing.basePriceFen * standing.maxRiseBps) / 10_000);
    if (quote.unitPriceFen > capFen) return record('skipped_price', 'repeat.skip.price', null);

    const placed = await placeBuyNow({
      buyerOrgId: standing.buyerOrgId,
      actorUserId: standing.createdBy,
      form: {
        listingId: standing.listingId,
        quantity: standing.quantity,
        unit,
        tolerancePercent: 0,
        buyToken: `standing-${standingId}-${week}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
      },
    });
    if (placed.ok) return record('ordered', null, placed.orderId);
    const error = placed.errors.quantity ?? placed.errors.form ?? 'repeat.skip.unavailable';
    // Bought out between the quote and the order: the same as short stock.
    return error === 'listing.errors.insufficientStock'
      ? record('skipped_stock', 'repeat.skip.stock', null)
      : record('skipped_unavailable', error, null);
  });
}

/** The sweep: every active standing order due today (market time) and not yet run this week. */
export async function runDueStandingOrders(now = new Date()): Promise<Record<string, RunOutcome>> {
  const today = marketToday(undefined, now);
  const weekday: Weekday = weekdayOf(today);
  const week = weekOf(today);
  const due = await db
    .select({ id: standingOrders.id })
    .from(standingOrders)
    .where(
      and(
        eq(standingOrders.status, 'active'),
        eq(standingOrders.weekday, weekday),
        sql`not exists (select 1 from ${standingOrderRuns} r where r.standing_order_id = ${standingOrders.id} and r.week = ${week})`,
      ),
    )
    .limit(1000);
  const outcomes: Record<string, RunOutcome> = {};
  let failed = 0;
  for (const { id: standingId } of due) {
    // One standing order that fails (a database hiccup) must not hold up the rest; it is found again next hour.
    try {
      outcomes[standingId] = await runStandingOrder(standingId, today);
    } catch (error) {
      failed += 1;
      log.warn({ err: error, standingOrderId: standingId }, 'standing order run failed');
    }
  }
  if (failed > 0) throw new Error(`${failed} standing order runs failed`);
  return outcomes;
}
