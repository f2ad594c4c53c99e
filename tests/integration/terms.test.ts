// Credit terms (账期; issue #18 part 2, ADR 0056) against real PostgreSQL: granting, orders on terms drawing on the
// limit (20 at once never above it), the ledger's receivable and the seller's uncollected share through the whole
// lifecycle, partial payments, the reminder and overdue sweep (idempotent, with its credit effect), approvals on terms,
// and the month's statement with its CSV and PDF.
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  creditHistory,
  creditTerms,
  ledgerTransactions,
  memberSpendingLimits,
  memberships,
  notificationEvents,
  orders,
  organisations,
  users,
} from '../../db/schema';
import { decideApproval } from '../../app/b2b/approvals.server';
import { statementCsv, statementPdf } from '../../app/b2b/statement-docs.server';
import { shiftMonth } from '../../app/b2b/terms-rules';
import {
  currentMonth,
  grantTerms,
  owedToSeller,
  recordPaymentOnTerms,
  statementTitles,
  suggestTerms,
  sweepTerms,
  termsPosition,
  termsStatement,
} from '../../app/b2b/terms.server';
import { balances, escrowHeldForOrder } from '../../app/ledger/ledger.server';
import { actOnOrder, placeBuyNow, recordOfflinePayout } from '../../app/orders/orders.server';
import { paymentsDesk } from '../../app/orders/pages.server';
import { processSettlementJob } from '../../workers/settlement';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { call, formRequest } from '../support/http';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

process.env.DATABASE_POOL_MAX = '40';

let seller: Seller;
const operatorId = `usr_op${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  seller = await verifiedSeller(db);
  await db
    .insert(users)
    .values({ id: operatorId, email: `${operatorId}@example.test`, name: '运营', passwordHash: 'x' });
});

/** Grants terms to a buyer the seller may choose: the test's buyers are verified first (as a seller would want). */
async function grant(buyer: Seller, limitFen: number, netDays: 7 | 15 | 30 = 15) {
  await db.update(organisations).set({ verification: 'verified' }).where(eq(organisations.id, buyer.orgId));
  await grantTerms(db, {
    sellerOrgId: seller.orgId,
    buyerOrgId: buyer.orgId,
    netDays,
    limitFen,
    userId: seller.userId,
  });
}

/** 10 kg of shrimp at 42 元/kg: 42,000 fen. */
function buyOnTerms(buyer: Seller, lot: string, kg = '10', userId = buyer.userId) {
  return placeBuyNow({
    buyerOrgId: buyer.orgId,
    actorUserId: userId,
    form: { listingId: lot, quantity: kg, unit: 'kg', tolerancePercent: 3, payment: 'terms' },
  });
}

async function orderOf(id: string) {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  return row;
}

async function balanceOf(orgId: string, kind: string) {
  return (await balances(db, orgId)).find((b) => b.kind === kind)?.amount ?? 0;
}

const token = () => randomBytes(12).toString('hex');

/** Ships, weighs `kg`, delivers and settles an order (the release job after the inspection window). */
async function settleOrder(orderId: string, kg: string) {
  const asSeller = { userId: seller.userId, parties: ['seller' as const] };
  await actOnOrder(orderId, asSeller, { action: 'ship' });
  await actOnOrder(orderId, asSeller, { action: 'record_weight', quantity: kg, unit: 'kg' });
  const order = await orderOf(orderId);
  await actOnOrder(orderId, { userId: null, parties: ['operator'] }, { action: 'confirm_delivery' });
  await db
    .update(orders)
    .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
    .where(eq(orders.id, order.id));
  await processSettlementJob({ name: 'release-escrow', data: { orderId } });
}

describe('ordering on terms', () => {
  it('refuses terms the seller never granted, and changes nothing', async () => {
    const buyer = await buyerOrg();
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await buyOnTerms(buyer, lot);
    expect(placed).toEqual({ ok: false, errors: { payment: 'terms.errors.noTerms' }, status: 409 });
    expect(await db.select().from(orders).where(eq(orders.buyerOrgId, buyer.orgId))).toHaveLength(0);
  });

  it('confirms the order at once, funding its escrow from the buyer’s receivable', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 500_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await buyOnTerms(buyer, lot);
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    const order = await orderOf(placed.orderId);
    expect(order).toMatchObject({ status: 'paid', provider: 'terms', termsNetDays: 15, dueAt: null });
    expect(await escrowHeldForOrder(db, order.id)).toBe(42_000);
    expect(await balanceOf(buyer.orgId, 'receivable')).toBe(-42_000);
    expect(await owedToSeller(db, seller.orgId, buyer.orgId)).toBe(42_000);
    // The outbox has no payment job for it: nothing is charged.
    const jobs = await db.execute(
      sql`select 1 from outbox where payload->>'orderId' = ${order.id} and name = 'create-payment'`,
    );
    expect(jobs).toHaveLength(0);
  });

  it('never lets 20 concurrent orders take the buyer past its limit', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 200_000);
    const lot = await liveShrimpLot(db, seller, '1000');
    const results = await Promise.all(Array.from({ length: 20 }, () => buyOnTerms(buyer, lot)));
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    // 4 × 42,000 = 168,000 fits; a fifth would be 210,000.
    expect(ok).toHaveLength(4);
    for (const r of refused)
      expect(r).toEqual({ ok: false, errors: { payment: 'terms.errors.overLimit' }, status: 409 });
    expect(await owedToSeller(db, seller.orgId, buyer.orgId)).toBe(168_000);
    // Refused orders left nothing behind: no order rows, and the stock of only four orders is taken.
    const rows = await db.select().from(orders).where(eq(orders.buyerOrgId, buyer.orgId));
    expect(rows).toHaveLength(4);
    const [stock] = await db.execute<{ q: string }>(
      sql`select quantity_available as q from listings where id = ${lot}`,
    );
    expect(Number(stock.q)).toBe(1_000_000 - 4 * 10_000);
  });

  it('grants terms only to a buyer the seller may choose: verified, or one that has bought from it', async () => {
    const stranger = await buyerOrg();
    const attempt = () =>
      grantTerms(db, {
        sellerOrgId: seller.orgId,
        buyerOrgId: stranger.orgId,
        netDays: 15,
        limitFen: 100_000,
        userId: seller.userId,
      });
    await expect(attempt()).rejects.toMatchObject({ messageKey: 'terms.errors.chooseBuyer', status: 400 });
    expect(
      await db.select().from(creditTerms).where(eq(creditTerms.buyerOrgId, stranger.orgId)),
    ).toHaveLength(0);
    // Once it has bought from the seller (an ordinary paid order), the seller knows it.
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await placeBuyNow({
      buyerOrgId: stranger.orgId,
      actorUserId: stranger.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 3 },
    });
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    await attempt();
    expect(
      await db.select().from(creditTerms).where(eq(creditTerms.buyerOrgId, stranger.orgId)),
    ).toHaveLength(1);
  });

  it('refuses a revoked grant', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 500_000);
    await db
      .update(creditTerms)
      .set({ revokedAt: new Date() })
      .where(eq(creditTerms.buyerOrgId, buyer.orgId));
    const lot = await liveShrimpLot(db, seller, '100');
    expect(await buyOnTerms(buyer, lot)).toMatchObject({
      ok: false,
      errors: { payment: 'terms.errors.noTerms' },
    });
  });
});

describe('settling and paying an order on terms', () => {
  it('refunds the short weight into the debt, holds the seller’s share until paid, and pays it out with each payment', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 5_000_000, 30);
    const lot = await liveShrimpLot(db, seller, '200');
    const placed = await buyOnTerms(buyer, lot, '100'); // 4,200 元
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    const id = placed.orderId;
    const sellerAvailableBefore = await balanceOf(seller.orgId, 'available');
    const sellerUncollectedBefore = await balanceOf(seller.orgId, 'uncollected');
    await settleOrder(id, '98'); // 98 kg: 411,600 fen; 8,400 back off the debt
    const order = await orderOf(id);
    expect(order.status).toBe('completed');
    expect(order.dueAt).not.toBeNull();
    const days = ((order.dueAt as Date).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(31);
    const position = await termsPosition(db, order);
    expect(position).toMatchObject({ owedFen: 411_600, paidFen: 0, payable: true });
    // The fee is the category's; the seller's share waits uncollected, nothing reaches its available balance yet.
    const share = (await balanceOf(seller.orgId, 'uncollected')) - sellerUncollectedBefore;
    expect(share).toBe(411_600 - Math.round((411_600 * order.feeBps) / 10_000));
    expect(await balanceOf(seller.orgId, 'available')).toBe(sellerAvailableBefore);

    // The operator's desk lists it as owed, not as a payout; a payout before the buyer has paid is refused.
    const deskBefore = await paymentsDesk(db);
    expect(deskBefore.onTerms.find((row) => row.id === id)).toMatchObject({ amountFen: 411_600 });
    expect(deskBefore.payouts.some((row) => row.id === id)).toBe(false);
    await expect(recordOfflinePayout(id, operatorId, 'too early')).rejects.toMatchObject({
      messageKey: 'terms.errors.payoutBeforePaid',
      status: 409,
    });

    // A third, then more than is owed (refused), then the rest.
    const first = { orderId: id, userId: operatorId, reference: 'ICBC 8812', token: token() };
    await recordPaymentOnTerms({ ...first, amount: '1372' });
    // The same form posted again records nothing more.
    await recordPaymentOnTerms({ ...first, amount: '1372' });
    const afterFirst = await termsPosition(db, await orderOf(id));
    expect(afterFirst).toMatchObject({ owedFen: 274_400, paidFen: 137_200 });
    const paidOut = (await balanceOf(seller.orgId, 'available')) - sellerAvailableBefore;
    expect(paidOut).toBe(Math.floor((137_200 * share) / 411_600));
    await expect(
      recordPaymentOnTerms({
        orderId: id,
        userId: operatorId,
        reference: null,
        token: token(),
        amount: '2744.01',
      }),
    ).rejects.toMatchObject({ messageKey: 'terms.errors.moreThanOwed', status: 400, field: 'amount' });
    await recordPaymentOnTerms({
      orderId: id,
      userId: operatorId,
      reference: null,
      token: token(),
      amount: '2744',
    });
    const settled = await termsPosition(db, await orderOf(id));
    expect(settled).toMatchObject({ owedFen: 0, paidFen: 411_600, uncollectedFen: 0, payable: false });
    expect((await balanceOf(seller.orgId, 'available')) - sellerAvailableBefore).toBe(share);
    expect(await balanceOf(seller.orgId, 'uncollected')).toBe(sellerUncollectedBefore);
    // Paid in full: off the owed list, on the payouts list, and the payout takes the whole share.
    const deskAfter = await paymentsDesk(db);
    expect(deskAfter.onTerms.some((row) => row.id === id)).toBe(false);
    expect(deskAfter.payouts.find((row) => row.id === id)).toMatchObject({ amountFen: share });
    await recordOfflinePayout(id, operatorId, 'ICBC 9001');
    expect(await balanceOf(seller.orgId, 'available')).toBe(sellerAvailableBefore);
  });

  it('refuses payments before the order is invoiced, and on an order not on terms', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 500_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await buyOnTerms(buyer, lot);
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    await expect(
      recordPaymentOnTerms({
        orderId: placed.orderId,
        userId: operatorId,
        reference: null,
        token: token(),
        amount: '10',
      }),
    ).rejects.toMatchObject({ messageKey: 'terms.errors.notInvoiced', status: 409 });
    const cash = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 0 },
    });
    if (!cash.ok) throw new Error(JSON.stringify(cash));
    expect((await orderOf(cash.orderId)).provider).not.toBe('terms');
    await expect(
      recordPaymentOnTerms({
        orderId: cash.orderId,
        userId: operatorId,
        reference: null,
        token: token(),
        amount: '10',
      }),
    ).rejects.toMatchObject({ messageKey: 'terms.errors.notOnTerms' });
  });

  it('lets only the operator record a payment through the order page', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 500_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await buyOnTerms(buyer, lot);
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    await settleOrder(placed.orderId, '10');
    const { action } = await import('../../app/routes/orders.$orderId');
    const cookie = (
      await commitSessionCookie(await createSession(db, { userId: seller.userId, activeOrgId: seller.orgId }))
    ).split(';')[0];
    const response = await call(() =>
      action({
        request: formRequest(
          `/orders/${placed.orderId}`,
          { intent: 'terms_payment', amount: '100', token: token() },
          { cookie },
        ),
        params: { orderId: placed.orderId },
        context: {},
      }),
    );
    expect(response.status).toBe(403);
    expect((await termsPosition(db, await orderOf(placed.orderId)))?.paidFen).toBe(0);
  });
});

describe('the terms sweep', () => {
  it('reminds before the due date and marks an overdue order once, even when two sweeps race', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 5_000_000, 7);
    const lot = await liveShrimpLot(db, seller, '100');
    const a = await buyOnTerms(buyer, lot);
    const b = await buyOnTerms(buyer, lot);
    if (!a.ok || !b.ok) throw new Error('buy refused');
    await settleOrder(a.orderId, '10');
    await settleOrder(b.orderId, '10');
    // a is due in two days; b was due yesterday.
    await db.update(orders).set({ dueAt: sql`now() + interval '2 days'` }).where(eq(orders.id, a.orderId));
    await db.update(orders).set({ dueAt: sql`now() - interval '1 day'` }).where(eq(orders.id, b.orderId));
    const scoreBefore = await db.select().from(creditHistory).where(eq(creditHistory.orgId, buyer.orgId));
    const [one, two] = await Promise.all([
      db.transaction((tx) => sweepTerms(tx)),
      db.transaction((tx) => sweepTerms(tx)),
    ]);
    const mine = (ids: string[]) => ids.filter((id) => id === a.orderId || id === b.orderId);
    expect([...mine(one.reminded), ...mine(two.reminded)]).toEqual([a.orderId]);
    expect([...mine(one.overdue), ...mine(two.overdue)]).toEqual([b.orderId]);
    const again = await db.transaction((tx) => sweepTerms(tx));
    expect(mine([...again.reminded, ...again.overdue])).toEqual([]);
    expect((await orderOf(b.orderId)).termsOverdueAt).not.toBeNull();
    const events = await db
      .select({ type: notificationEvents.type })
      .from(notificationEvents)
      .where(sql`${notificationEvents.subjectId} in (${a.orderId}, ${b.orderId})`);
    expect(
      events
        .map((e) => e.type)
        .filter((type) => type.startsWith('terms-'))
        .sort(),
    ).toEqual(['terms-due-soon', 'terms-overdue', 'terms-overdue-seller']);
    // The buyer's credit was recomputed with the overdue order counted as unpaid.
    const history = await db.select().from(creditHistory).where(eq(creditHistory.orgId, buyer.orgId));
    expect(history.length).toBeGreaterThan(scoreBefore.length);
    // A paid order is never marked.
    await recordPaymentOnTerms({
      orderId: a.orderId,
      userId: operatorId,
      reference: null,
      token: token(),
      amount: '420',
    });
    await db.update(orders).set({ dueAt: sql`now() - interval '1 day'` }).where(eq(orders.id, a.orderId));
    const later = await db.transaction((tx) => sweepTerms(tx));
    expect(later.overdue).not.toContain(a.orderId);
  });
});

describe('terms with purchase approvals', () => {
  it('draws on the limit when the approver approves, and refuses an approval over it', async () => {
    const buyer = await buyerOrg();
    const junior = `usr_j${randomBytes(4).toString('hex')}`;
    const owner = `usr_o${randomBytes(4).toString('hex')}`;
    await db.insert(users).values([
      { id: junior, email: `${junior}@example.test`, name: '小王', passwordHash: 'x' },
      { id: owner, email: `${owner}@example.test`, name: '老板', passwordHash: 'x' },
    ]);
    await db.insert(memberships).values([
      { orgId: buyer.orgId, userId: junior, role: 'trader' },
      { orgId: buyer.orgId, userId: owner, role: 'owner' },
    ]);
    await db
      .insert(memberSpendingLimits)
      .values({ orgId: buyer.orgId, userId: junior, perOrderFen: 10_000, updatedBy: owner });
    await grant(buyer, 100_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const first = await buyOnTerms(buyer, lot, '10', junior);
    const second = await buyOnTerms(buyer, lot, '20', junior);
    if (!first.ok || !second.ok) throw new Error('buy refused');
    expect((await orderOf(first.orderId)).status).toBe('awaiting_approval');
    expect(await owedToSeller(db, seller.orgId, buyer.orgId)).toBe(0);
    const approved = await decideApproval(first.orderId, owner, 'approve', '可以');
    expect(approved).toMatchObject({ status: 'paid', provider: 'terms' });
    expect(await owedToSeller(db, seller.orgId, buyer.orgId)).toBe(42_000);
    // 42,000 + 84,000 would pass 100,000: the approval is refused and the order keeps waiting.
    await expect(decideApproval(second.orderId, owner, 'approve', '')).rejects.toMatchObject({
      messageKey: 'terms.errors.overLimit',
    });
    expect((await orderOf(second.orderId)).status).toBe('awaiting_approval');
  });
});

describe('statements', () => {
  it('lists the month’s orders, refunds and payments from the ledger, with CSV and PDF', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 5_000_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await db.transaction(async () => buyOnTerms(buyer, lot, '50'));
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    await settleOrder(placed.orderId, '49');
    await recordPaymentOnTerms({
      orderId: placed.orderId,
      userId: operatorId,
      reference: 'B1',
      token: token(),
      amount: '1000',
    });
    const month = currentMonth();
    const asBuyer = await termsStatement(db, { orgId: buyer.orgId, side: 'buyer', month });
    expect(asBuyer.openingFen).toBe(0);
    expect(asBuyer.lines.map((l) => [l.kind, l.amountFen])).toEqual([
      ['terms_drawn', 210_000],
      ['refund', -4_200],
      ['terms_payment', -100_000],
    ]);
    expect(asBuyer).toMatchObject({ orderedFen: 210_000, paidFen: 100_000, closingFen: 105_800 });
    // The seller's side shows the same lines for this buyer; next month opens with what is still owed.
    const asSeller = await termsStatement(db, { orgId: seller.orgId, side: 'seller', month });
    expect(asSeller.lines.filter((l) => l.orderId === placed.orderId)).toHaveLength(3);
    const next = await termsStatement(db, { orgId: buyer.orgId, side: 'buyer', month: shiftMonth(month, 1) });
    expect(next).toMatchObject({ openingFen: 105_800, lines: [], closingFen: 105_800 });
    const titles = await statementTitles(db, [placed.orderId]);
    const csv = statementCsv({ statement: asBuyer, titles, orgName: '粤味轩', locale: 'zh-CN' });
    expect(csv.startsWith('\uFEFF期初欠款')).toBe(true);
    expect(csv).toContain(placed.orderId.slice(-8).toUpperCase());
    expect(csv).toContain('2100.00');
    expect(csv).toContain('-1000.00');
    const pdf = await statementPdf({ statement: asBuyer, titles, orgName: '粤味轩', locale: 'zh-CN' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a month that is not one', async () => {
    await expect(
      termsStatement(db, { orgId: seller.orgId, side: 'seller', month: '2026-13' }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe('the suggestion', () => {
  it('suggests no terms to a buyer without a record', async () => {
    const buyer = await buyerOrg();
    expect(await suggestTerms(db, buyer.orgId)).toMatchObject({
      netDays: null,
      limitFen: null,
      completedOrders: 0,
    });
  });

  it('suggests days and a limit from the score and half a month of purchases', async () => {
    const buyer = await buyerOrg();
    await db.execute(sql`update organisations set credit_score = 80 where id = ${buyer.orgId}`);
    const lot = await liveShrimpLot(db, seller, '500');
    await grant(buyer, 50_000_000);
    for (let i = 0; i < 5; i++) {
      const placed = await buyOnTerms(buyer, lot, '50');
      if (!placed.ok) throw new Error(JSON.stringify(placed));
      await settleOrder(placed.orderId, '50');
    }
    const suggestion = await suggestTerms(db, buyer.orgId);
    // Five orders of 2,100 元 in 90 days: 10,500 元 / 6 ≈ 1,750 → rounded to ¥2,000 (200,000 fen).
    expect(suggestion).toMatchObject({
      completedOrders: 5,
      spend90Fen: 1_050_000,
      netDays: 15,
      limitFen: 200_000,
    });
  });
});

describe('ledger postings on terms', () => {
  it('names every posting of an order on terms by its order', async () => {
    const buyer = await buyerOrg();
    await grant(buyer, 500_000);
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await buyOnTerms(buyer, lot);
    if (!placed.ok) throw new Error(JSON.stringify(placed));
    const kinds = await db
      .select({ kind: ledgerTransactions.kind })
      .from(ledgerTransactions)
      .where(and(eq(ledgerTransactions.orderId, placed.orderId)));
    expect(kinds.map((k) => k.kind)).toEqual(['terms_drawn']);
  });
});
