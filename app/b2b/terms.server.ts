// Credit terms (账期; issue #18, part 2; ADR 0056): a seller grants a buyer org net 7/15/30 days up to a credit
// limit. An order on terms is confirmed without a payment — the buyer's `receivable` funds its escrow — and runs the
// usual lifecycle; at settlement the seller's share waits in `uncollected`, the invoice gets a due date, and each
// payment the operator records (bank transfers to the market) moves the seller's share of it to `available`.
// An hourly sweep reminds buyers three days before the due date and marks what is overdue (once), which counts
// against the buyer's credit score. Statements (对账单) per month are read from the receivable entries.
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { db, type DbOrTx, type Tx } from '../../db/client';
import { type CreditTerms, type Order, creditTerms, listings, organisations, orders } from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import { eligibleBuyer } from './price-lists.server';
import { newId } from '../lib/ids';
import { addDays, marketDate, marketToday, startOfMarketDay } from '../lib/market-time';
import { parseMoney } from '../lib/money';
import { drawOnTerms, recordTermsPayment, termsPositionOfOrder } from '../ledger/ledger.server';
import { notify } from '../notify/notify.server';
import { moneyParam } from '../notify/render';
import { OrderError, addEvent } from '../orders/orders.server';
import { recomputeCredit } from '../trust/credit.server';
import { type NetDays, isMonth, isNetDays, monthOf, shiftMonth } from './terms-rules';

/** Days before the due date the buyer is reminded. */
export const REMINDER_DAYS = 3;
/** The largest credit limit a form accepts: ¥1,000,000,000.00 (the database's CHECK says the same). */
export const MAX_LIMIT_FEN = 100_000_000_000;

export class TermsError extends Error {
  constructor(
    readonly messageKey: string,
    readonly status = 400,
    readonly field = 'form',
  ) {
    super(messageKey);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the buyer owes

/** What a buyer org owes a seller on terms now: minus the sum of its receivable entries for that seller's orders. */
export async function owedToSeller(tx: DbOrTx, sellerOrgId: string, buyerOrgId: string): Promise<number> {
  const [row] = await tx.execute<{ owed: string | null }>(sql`
    select -coalesce(sum(e.amount), 0) as owed
      from ledger_entries e
      join ledger_accounts a on a.id = e.account_id and a.kind = 'receivable' and a.org_id = ${buyerOrgId}
      join ledger_transactions t on t.id = e.transaction_id
      join orders o on o.id = t.order_id and o.seller_org_id = ${sellerOrgId}`);
  return Number(row?.owed ?? 0);
}

/** The terms a seller grants a buyer org now (not revoked), without locking. */
export async function activeTerms(
  tx: DbOrTx,
  sellerOrgId: string,
  buyerOrgId: string,
): Promise<CreditTerms | null> {
  const [row] = await tx
    .select()
    .from(creditTerms)
    .where(
      and(
        eq(creditTerms.sellerOrgId, sellerOrgId),
        eq(creditTerms.buyerOrgId, buyerOrgId),
        isNull(creditTerms.revokedAt),
      ),
    );
  return row ?? null;
}

/** What the buy box shows a buyer about its terms with a lot's seller: net days and what is left of the limit. */
export async function termsForBuyBox(tx: DbOrTx, sellerOrgId: string, buyerOrgId: string) {
  const terms = await activeTerms(tx, sellerOrgId, buyerOrgId);
  if (!terms) return null;
  const owed = await owedToSeller(tx, sellerOrgId, buyerOrgId);
  return {
    netDays: terms.netDays,
    limitFen: terms.limitFen,
    availableFen: Math.max(0, terms.limitFen - owed),
  };
}

/**
 * Confirms an order on terms inside the caller's transaction (the order's `record_payment` step): the terms row is
 * locked, so concurrent orders of one buyer with one seller sum what is owed one after another and can never
 * together pass the limit; then the order's escrow is funded from the buyer's receivable.
 */
export async function drawTermsForOrder(tx: Tx, order: Order, createdBy: string | null): Promise<NetDays> {
  const [terms] = await tx
    .select()
    .from(creditTerms)
    .where(and(eq(creditTerms.sellerOrgId, order.sellerOrgId), eq(creditTerms.buyerOrgId, order.buyerOrgId)))
    .for('update');
  if (!terms || terms.revokedAt) throw new OrderError('terms.errors.noTerms', 409, 'payment');
  const amount = order.subtotalFen - order.depositAppliedFen;
  const owed = await owedToSeller(tx, order.sellerOrgId, order.buyerOrgId);
  if (owed + amount > terms.limitFen) throw new OrderError('terms.errors.overLimit', 409, 'payment');
  await drawOnTerms(tx, {
    orderId: order.id,
    buyerOrgId: order.buyerOrgId,
    amount,
    currency: order.currency as 'CNY',
    idempotencyKey: `order:${order.id}:terms`,
    createdBy,
    memo: `net ${terms.netDays} days`,
  });
  return terms.netDays as NetDays;
}

/** The invoice's due date: the settlement's market day plus the net days, at the end of that market day. */
export function dueDateOf(settledAt: Date, netDays: number): Date {
  const day = addDays(marketDate(settledAt), netDays);
  return new Date(startOfMarketDay(addDays(day, 1)).getTime() - 1000);
}

// ---------------------------------------------------------------------------------------------------------------
// Granting

export type TermsDraft = { buyerOrgId: string; netDays: string; limit: string };

/** Parses the grant form; field errors by name. */
export function parseTermsForm(form: FormData):
  | { ok: true; netDays: NetDays; limitFen: number; buyerOrgId: string }
  | {
      ok: false;
      errors: Record<string, string>;
      values: TermsDraft;
    } {
  const values = {
    buyerOrgId: String(form.get('buyerOrgId') ?? '').trim(),
    netDays: String(form.get('netDays') ?? '').trim(),
    limit: String(form.get('limit') ?? '').trim(),
  };
  const errors: Record<string, string> = {};
  if (!values.buyerOrgId) errors.buyerOrgId = 'terms.errors.chooseBuyer';
  const netDays = Number(values.netDays);
  if (!isNetDays(netDays)) errors.netDays = 'errors.chooseOne';
  const money = parseMoney(values.limit);
  if (!values.limit) errors.limit = 'errors.required';
  else if (!money.ok || money.amount <= 0) errors.limit = 'errors.invalidMoney';
  else if (money.amount > MAX_LIMIT_FEN) errors.limit = 'errors.outOfRange';
  if (Object.keys(errors).length > 0 || !money.ok || !isNetDays(netDays))
    return { ok: false, errors, values };
  return { ok: true, netDays, limitFen: money.amount, buyerOrgId: values.buyerOrgId };
}

/** Grants (or changes) a buyer org's terms; a revoked grant is granted again. */
export async function grantTerms(
  tx: DbOrTx,
  input: { sellerOrgId: string; buyerOrgId: string; netDays: NetDays; limitFen: number; userId: string },
): Promise<string> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  if (input.buyerOrgId === input.sellerOrgId)
    throw new TermsError('terms.errors.chooseBuyer', 400, 'buyerOrgId');
  // Only a buyer the page offers (verified, or one that has bought from the seller): terms are credit, and a
  // seller has no ground to extend it to an org nobody vouches for. A grant already made may still be changed.
  const [buyer] = await tx
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      and(
        eq(organisations.id, input.buyerOrgId),
        or(
          eligibleBuyer(input.sellerOrgId),
          and(
            isNull(organisations.closedAt),
            sql`exists (select 1 from credit_terms c where c.buyer_org_id = organisations.id and c.seller_org_id = ${input.sellerOrgId})`,
          ),
        ),
      ),
    );
  if (!buyer) throw new TermsError('terms.errors.chooseBuyer', 400, 'buyerOrgId');
  const [row] = await tx
    .insert(creditTerms)
    .values({
      id: newId('ctm'),
      sellerOrgId: input.sellerOrgId,
      buyerOrgId: input.buyerOrgId,
      netDays: input.netDays,
      limitFen: input.limitFen,
      grantedBy: input.userId,
    })
    .onConflictDoUpdate({
      target: [creditTerms.sellerOrgId, creditTerms.buyerOrgId],
      set: {
        netDays: input.netDays,
        limitFen: input.limitFen,
        grantedBy: input.userId,
        revokedAt: null,
        updatedAt: new Date(),
      },
    })
    .returning({ id: creditTerms.id });
  await notify(tx, {
    type: 'terms-granted',
    orgId: input.buyerOrgId,
    minRole: 'trader',
    params: { days: input.netDays, limit: moneyParam(input.limitFen, 'CNY') },
    link: '/statements',
    subject: { type: 'credit_terms', id: row.id },
  });
  return row.id;
}

/** Revokes a grant: new orders cannot use it; orders already on terms keep their due dates. */
export async function revokeTerms(
  tx: DbOrTx,
  input: { sellerOrgId: string; termsId: string },
): Promise<void> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const updated = await tx
    .update(creditTerms)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(creditTerms.id, input.termsId),
        eq(creditTerms.sellerOrgId, input.sellerOrgId),
        isNull(creditTerms.revokedAt),
      ),
    )
    .returning({ id: creditTerms.id });
  if (updated.length === 0) throw new TermsError('errors.notFound', 404);
}

export type TermsRow = {
  id: string;
  buyerOrgId: string;
  buyerName: string;
  creditScore: number | null;
  netDays: number;
  limitFen: number;
  owedFen: number;
  overdueOrders: number;
  revoked: boolean;
};

/** A seller's grants with what each buyer owes now and how many of its orders are overdue. */
export async function sellerTerms(tx: DbOrTx, sellerOrgId: string): Promise<TermsRow[]> {
  const rows = await tx
    .select({
      id: creditTerms.id,
      buyerOrgId: creditTerms.buyerOrgId,
      buyerName: organisations.name,
      creditScore: organisations.creditScore,
      netDays: creditTerms.netDays,
      limitFen: creditTerms.limitFen,
      revokedAt: creditTerms.revokedAt,
      overdueOrders: sql<number>`(select count(*) from orders o where o.seller_org_id = ${sellerOrgId}
        and o.buyer_org_id = ${creditTerms.buyerOrgId} and o.terms_overdue_at is not null
        and o.status not in ('cancelled'))`.mapWith(Number),
    })
    .from(creditTerms)
    .innerJoin(organisations, eq(organisations.id, creditTerms.buyerOrgId))
    .where(eq(creditTerms.sellerOrgId, sellerOrgId))
    .orderBy(sql`${creditTerms.revokedAt} is not null`, asc(organisations.name));
  const out: TermsRow[] = [];
  for (const row of rows)
    out.push({
      ...row,
      revoked: row.revokedAt !== null,
      owedFen: await owedToSeller(tx, sellerOrgId, row.buyerOrgId),
    });
  return out;
}

export type TermsSuggestion = {
  score: number | null;
  completedOrders: number;
  /** What the buyer org paid for completed orders (any seller) in the last 90 days, in fen. */
  spend90Fen: number;
  netDays: NetDays | null;
  limitFen: number | null;
};

/**
 * A suggestion from the buyer's credit score and record: no terms under 60 or without five completed orders;
 * 7 days from 60, 15 from 75, 30 from 90; a limit of half a month's purchases (rounded to ¥1,000).
 */
export async function suggestTerms(
  tx: DbOrTx,
  buyerOrgId: string,
  now = new Date(),
): Promise<TermsSuggestion> {
  const since = new Date(now.getTime() - 90 * 24 * 3600 * 1000);
  const [org] = await tx
    .select({ score: organisations.creditScore })
    .from(organisations)
    .where(eq(organisations.id, buyerOrgId));
  const [record] = await tx
    .select({
      completed: sql<number>`count(*)`.mapWith(Number),
      spend: sql<number>`coalesce(sum(coalesce(${orders.finalTotalFen}, ${orders.subtotalFen})), 0)`.mapWith(
        Number,
      ),
    })
    .from(orders)
    .where(
      and(eq(orders.buyerOrgId, buyerOrgId), eq(orders.status, 'completed'), gte(orders.updatedAt, since)),
    );
  const score = org?.score ?? null;
  const completed = record?.completed ?? 0;
  const spend = record?.spend ?? 0;
  const base = { score, completedOrders: completed, spend90Fen: spend };
  if (score === null || score < 60 || completed < 5) return { ...base, netDays: null, limitFen: null };
  const netDays: NetDays = score >= 90 ? 30 : score >= 75 ? 15 : 7;
  const halfMonth = Math.round(spend / 6 / 100_000) * 100_000;
  return { ...base, netDays, limitFen: Math.max(100_000, halfMonth) };
}

// ---------------------------------------------------------------------------------------------------------------
// Payments

export type TermsPosition = {
  netDays: number;
  dueAt: Date | null;
  overdueAt: Date | null;
  owedFen: number;
  paidFen: number;
  uncollectedFen: number;
  /** Payments can be recorded once the order is settled (invoiced) and while something is owed. */
  payable: boolean;
};

/** An order's terms position for its page; null for an order not on terms. */
export async function termsPosition(tx: DbOrTx, order: Order): Promise<TermsPosition | null> {
  if (order.provider !== 'terms' || order.termsNetDays === null) return null;
  const position = await termsPositionOfOrder(tx, order.id, order.currency as 'CNY');
  return {
    netDays: order.termsNetDays,
    dueAt: order.dueAt,
    overdueAt: order.termsOverdueAt,
    ...position,
    payable: settled(order) && position.owedFen > 0,
  };
}

function settled(order: Pick<Order, 'status'>): boolean {
  return order.status === 'completed' || order.status === 'resolved';
}

/**
 * The operator records a bank transfer the buyer made against an order on terms (all or part of what it owes).
 * `token` is the form's one-time token: the posting's key, so a repeated submission records the payment once.
 * The seller's share of the payment is what brings its collected share to `floor(paid × share ÷ owed in total)`,
 * so the shares of all the payments add up to exactly the seller's share of the order.
 */
export async function recordPaymentOnTerms(input: {
  orderId: string;
  userId: string;
  amount: string;
  reference: string | null;
  token: string;
}): Promise<{ amountFen: number }> {
  const money = parseMoney(input.amount.trim());
  if (!money.ok || money.amount <= 0) throw new OrderError('errors.invalidMoney', 400, 'amount');
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(input.token)) throw new OrderError('errors.invalid', 400);
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, input.orderId)).for('update');
    if (!order) throw new OrderError('errors.notFound', 404);
    if (order.provider !== 'terms') throw new OrderError('terms.errors.notOnTerms', 409);
    if (!settled(order)) throw new OrderError('terms.errors.notInvoiced', 409);
    const key = `order:${order.id}:terms_payment:${input.token}`;
    const before = await termsPositionOfOrder(tx, order.id, order.currency as 'CNY');
    const [replay] = await tx.execute<{ id: string }>(
      sql`select id from ledger_transactions where idempotency_key = ${key}`,
    );
    if (replay) return { amountFen: money.amount };
    if (money.amount > before.owedFen) throw new OrderError('terms.errors.moreThanOwed', 400, 'amount');
    const total = before.owedFen + before.paidFen;
    const share = before.uncollectedFen + (await collectedShare(tx, order.id));
    const collectedBefore = Math.floor((before.paidFen * share) / total);
    const collectedAfter = Math.floor(((before.paidFen + money.amount) * share) / total);
    await recordTermsPayment(tx, {
      orderId: order.id,
      buyerOrgId: order.buyerOrgId,
      sellerOrgId: order.sellerOrgId,
      amount: money.amount,
      sellerShareFen: collectedAfter - collectedBefore,
      currency: order.currency as 'CNY',
      idempotencyKey: key,
      createdBy: input.userId,
      memo: input.reference ? `bank transfer ${input.reference.slice(0, 80)}` : 'payment on terms',
    });
    const owedAfter = before.owedFen - money.amount;
    await addEvent(tx, order, {
      kind: 'terms_payment',
      actorUserId: input.userId,
      actorOrgId: null,
      fromStatus: null,
      toStatus: null,
      reason: input.reference?.slice(0, 80) || null,
      data: { party: 'operator', amountFen: money.amount, owedFen: owedAfter },
    });
    await notify(tx, {
      type: 'terms-payment-recorded',
      orgId: order.sellerOrgId,
      minRole: 'trader',
      params: {
        order: order.id.slice(-8).toUpperCase(),
        amount: moneyParam(money.amount, order.currency),
        owed: moneyParam(owedAfter, order.currency),
      },
      link: `/orders/${order.id}`,
      subject: { type: 'order', id: order.id },
    });
    return { amountFen: money.amount };
  });
}

/** What of an order's seller share has reached the seller's available balance (payments so far). */
async function collectedShare(tx: DbOrTx, orderId: string): Promise<number> {
  const [row] = await tx.execute<{ collected: string | null }>(sql`
    select coalesce(sum(e.amount), 0) as collected
      from ledger_entries e
      join ledger_accounts a on a.id = e.account_id and a.kind = 'available'
      join ledger_transactions t on t.id = e.transaction_id and t.kind = 'terms_payment'
     where t.order_id = ${orderId}`);
  return Number(row?.collected ?? 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Reminders and overdue marking (the hourly `terms-sweep` job on the b2b queue)

const OWED_SQL = sql`(select -coalesce(sum(e.amount), 0)
    from ledger_entries e
    join ledger_accounts a on a.id = e.account_id and a.kind = 'receivable'
    join ledger_transactions t on t.id = e.transaction_id
   where t.order_id = orders.id)`;

/**
 * Reminds the buyer of each settled order on terms due within REMINDER_DAYS, and marks each one past its due date
 * with money still owed as overdue: the buyer and the seller are told and the buyer's credit is recomputed (an
 * overdue order counts as unpaid in its record). Each order is reminded and marked once — the stamps are set by a
 * conditional update — so the sweep may run twice at once or again after a crash. Returns what it did.
 */
export async function sweepTerms(
  tx: DbOrTx,
  now = new Date(),
): Promise<{ reminded: string[]; overdue: string[] }> {
  const soon = new Date(now.getTime() + REMINDER_DAYS * 24 * 3600 * 1000);
  const remind = await tx
    .update(orders)
    .set({ termsRemindedAt: now })
    .where(
      and(
        eq(orders.provider, 'terms'),
        isNull(orders.termsRemindedAt),
        isNull(orders.termsOverdueAt),
        lt(orders.dueAt, soon),
        gte(orders.dueAt, now),
        sql`${OWED_SQL} > 0`,
      ),
    )
    .returning();
  for (const order of remind)
    await notify(tx, {
      type: 'terms-due-soon',
      orgId: order.buyerOrgId,
      minRole: 'trader',
      params: { order: order.id.slice(-8).toUpperCase(), due: marketDate(order.dueAt ?? now) },
      link: `/orders/${order.id}`,
      subject: { type: 'order', id: order.id },
      dedupeKey: `order:${order.id}:terms-due-soon`,
    });
  const overdue = await tx
    .update(orders)
    .set({ termsOverdueAt: now })
    .where(
      and(
        eq(orders.provider, 'terms'),
        isNull(orders.termsOverdueAt),
        lt(orders.dueAt, now),
        sql`${OWED_SQL} > 0`,
      ),
    )
    .returning();
  for (const order of overdue) {
    const params = { order: order.id.slice(-8).toUpperCase(), due: marketDate(order.dueAt ?? now) };
    await notify(tx, {
      type: 'terms-overdue',
      orgId: order.buyerOrgId,
      minRole: 'trader',
      params,
      link: `/orders/${order.id}`,
      subject: { type: 'order', id: order.id },
      dedupeKey: `order:${order.id}:terms-overdue:buyer`,
    });
    await notify(tx, {
      type: 'terms-overdue-seller',
      orgId: order.sellerOrgId,
      minRole: 'trader',
      params,
      link: `/orders/${order.id}`,
      subject: { type: 'order', id: order.id },
      dedupeKey: `order:${order.id}:terms-overdue:seller`,
    });
  }
  for (const buyerOrgId of new Set(overdue.map((order) => order.buyerOrgId)))
    await recomputeCredit(tx, buyerOrgId, 'terms-overdue', now);
  return { reminded: remind.map((o) => o.id), overdue: overdue.map((o) => o.id) };
}

// ---------------------------------------------------------------------------------------------------------------
// Statements (对账单)

export type StatementLine = {
  at: Date;
  orderId: string;
  counterpartyId: string;
  counterpartyName: string;
  poNumber: string | null;
  /** terms_drawn: ordered on terms; refund: lowered by a refund; terms_payment: paid. */
  kind: 'terms_drawn' | 'refund' | 'terms_payment';
  /** Signed as the buyer's debt moves: positive adds to what is owed, negative pays it down. */
  amountFen: number;
  dueAt: Date | null;
  overdue: boolean;
};

export type Statement = {
  month: string;
  side: 'buyer' | 'seller';
  openingFen: number;
  lines: StatementLine[];
  closingFen: number;
  orderedFen: number;
  paidFen: number;
};

export function currentMonth(): string {
  return monthOf(marketToday());
}

/**
 * A month's statement of an org's trade on terms, as the buyer (what it owes each seller) or the seller (what each
 * buyer owes it), from the receivable entries: the balance at the start of the month (market time), every order,
 * refund and payment in it, and the balance at its end. Amounts are positive when they add to the debt.
 */
export async function termsStatement(
  tx: DbOrTx,
  input: { orgId: string; side: 'buyer' | 'seller'; month: string },
): Promise<Statement> {
  if (!isMonth(input.month)) throw new TermsError('errors.invalid', 400, 'month');
  const from = startOfMarketDay(`${input.month}-01`);
  const to = startOfMarketDay(`${shiftMonth(input.month, 1)}-01`);
  const mine =
    input.side === 'buyer' ? sql`o.buyer_org_id = ${input.orgId}` : sql`o.seller_org_id = ${input.orgId}`;
  const other = input.side === 'buyer' ? sql`o.seller_org_id` : sql`o.buyer_org_id`;
  const [opening] = await tx.execute<{ total: string | null }>(sql`
    select -coalesce(sum(e.amount), 0) as total
      from ledger_entries e
      join ledger_accounts a on a.id = e.account_id and a.kind = 'receivable'
      join ledger_transactions t on t.id = e.transaction_id
      join orders o on o.id = t.order_id
     where ${mine} and e.created_at < ${from.toISOString()}::timestamptz`);
  const rows = await tx.execute<{
    at: Date;
    order_id: string;
    counterparty_id: string;
    counterparty_name: string;
    po_number: string | null;
    kind: string;
    amount: string;
    due_at: Date | null;
    overdue_at: Date | null;
  }>(sql`
    select e.created_at as at, o.id as order_id, ${other} as counterparty_id, c.name as counterparty_name,
           o.po_number, t.kind, -e.amount as amount, o.due_at, o.terms_overdue_at as overdue_at
      from ledger_entries e
      join ledger_accounts a on a.id = e.account_id and a.kind = 'receivable'
      join ledger_transactions t on t.id = e.transaction_id
      join orders o on o.id = t.order_id
      join organisations c on c.id = ${other}
     where ${mine} and e.created_at >= ${from.toISOString()}::timestamptz
       and e.created_at < ${to.toISOString()}::timestamptz
     order by e.created_at, e.id`);
  const lines: StatementLine[] = [...rows].map((row) => ({
    at: new Date(row.at),
    orderId: row.order_id,
    counterpartyId: row.counterparty_id,
    counterpartyName: row.counterparty_name,
    poNumber: row.po_number,
    kind: (['terms_drawn', 'terms_payment'].includes(row.kind)
      ? row.kind
      : 'refund') as StatementLine['kind'],
    amountFen: Number(row.amount),
    dueAt: row.due_at ? new Date(row.due_at) : null,
    overdue: row.overdue_at !== null,
  }));
  const openingFen = Number(opening?.total ?? 0);
  const moved = lines.reduce((sum, line) => sum + line.amountFen, 0);
  return {
    month: input.month,
    side: input.side,
    openingFen,
    lines,
    closingFen: openingFen + moved,
    orderedFen: lines.filter((l) => l.kind === 'terms_drawn').reduce((s, l) => s + l.amountFen, 0),
    paidFen: -lines.filter((l) => l.kind === 'terms_payment').reduce((s, l) => s + l.amountFen, 0),
  };
}

/** Listing titles for the statement's orders (one query), in the reader's language. */
export async function statementTitles(
  tx: DbOrTx,
  orderIds: string[],
): Promise<Map<string, { zh: string | null; en: string | null }>> {
  if (orderIds.length === 0) return new Map();
  const rows = await tx
    .select({ orderId: orders.id, zh: listings.titleZh, en: listings.titleEn })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .where(inArray(orders.id, orderIds));
  return new Map(rows.map((row) => [row.orderId, { zh: row.zh, en: row.en }]));
}

/** Orders on terms an org has, newest first: for the statement page's "open items". */
export async function openTermsOrders(tx: DbOrTx, orgId: string, side: 'buyer' | 'seller') {
  return tx
    .select({
      id: orders.id,
      status: orders.status,
      dueAt: orders.dueAt,
      overdueAt: orders.termsOverdueAt,
      subtotalFen: orders.subtotalFen,
      owedFen: sql<number>`${OWED_SQL}`.mapWith(Number),
    })
    .from(orders)
    .where(
      and(
        eq(orders.provider, 'terms'),
        side === 'buyer' ? eq(orders.buyerOrgId, orgId) : eq(orders.sellerOrgId, orgId),
        sql`${OWED_SQL} > 0`,
      ),
    )
    .orderBy(asc(orders.dueAt), desc(orders.createdAt))
    .limit(100);
}
