// Settlement in batches (ADR 0048): completeDueOrders writes what actOnOrder's 'complete' writes for each order,
// skips orders other transactions hold, never settles one twice beside single settlements, and leaves out an order
// whose escrow is short while the rest settle.
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  invoices,
  ledgerAccounts,
  ledgerEntries,
  ledgerTransactions,
  notificationEvents,
  orderEvents,
  orders,
  outbox,
} from '../../db/schema';
import { actOnOrder, completeDueOrders } from '../../app/orders/orders.server';
import { processSettlementJob } from '../../workers/settlement';
import { ledgerTransactionId } from '../../app/ledger/ledger.server';
import { deliveredOrder as delivered } from '../support/completed-order';
import { type Seller, buyerOrg, verifiedSeller } from '../support/listings';

process.env.DATABASE_POOL_MAX = '12';

const system = { userId: null, parties: ['system' as const] };

let sellers: Seller[];
let buyer: Seller;

beforeAll(async () => {
  sellers = [await verifiedSeller(db), await verifiedSeller(db)];
  buyer = await buyerOrg();
});

/** Bought, paid, shipped, received (weighed at 480 kg of 500 when `short`: a refund of the difference). */
async function deliveredOrder(
  seller: Seller,
  options: { short?: boolean; due?: boolean } = {},
): Promise<string> {
  const { id } = await delivered(seller, buyer, { weighKg: options.short ? '480' : null, due: options.due });
  return id;
}

/** Everything settling wrote about an order, with its ids, numbers and times taken out so two orders compare. */
async function settlementOf(orderId: string) {
  const anonymise = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replaceAll(ledgerTransactionId(`order:${orderId}:refund`), '<refund>')
        .replaceAll(orderId, '<order>')
        .replaceAll(orderId.slice(-8).toUpperCase(), '<short>'),
    );
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  const events = await db
    .select({
      kind: orderEvents.kind,
      actorUserId: orderEvents.actorUserId,
      actorOrgId: orderEvents.actorOrgId,
      fromStatus: orderEvents.fromStatus,
      toStatus: orderEvents.toStatus,
      reason: orderEvents.reason,
      data: orderEvents.data,
    })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.kind, 'complete')));
  const jobs = await db
    .select({ queue: outbox.queue, name: outbox.name, payload: outbox.payload, runAt: outbox.runAt })
    .from(outbox)
    .where(sql`${outbox.payload}::text like ${`%${orderId}%`}`);
  const notices = await db
    .select({
      type: notificationEvents.type,
      orgId: notificationEvents.orgId,
      minRole: notificationEvents.minRole,
      params: notificationEvents.params,
      link: notificationEvents.link,
      subjectType: notificationEvents.subjectType,
      dedupeKey: notificationEvents.dedupeKey,
    })
    .from(notificationEvents)
    .where(like(notificationEvents.dedupeKey, `order:${orderId}:complete:%`));
  const noticeJobs = await db
    .select({ name: outbox.name })
    .from(outbox)
    .innerJoin(notificationEvents, sql`${outbox.payload}->>'eventId' = ${notificationEvents.id}`)
    .where(like(notificationEvents.dedupeKey, `order:${orderId}:complete:%`));
  const documents = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
  const postings = await db
    .select({
      kind: ledgerTransactions.kind,
      key: ledgerTransactions.idempotencyKey,
      memo: ledgerTransactions.memo,
      account: ledgerAccounts.kind,
      org: ledgerAccounts.orgId,
      amount: ledgerEntries.amount,
    })
    .from(ledgerTransactions)
    .innerJoin(ledgerEntries, eq(ledgerEntries.transactionId, ledgerTransactions.id))
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(
      and(
        eq(ledgerTransactions.orderId, orderId),
        inArray(ledgerTransactions.kind, ['escrow_released', 'refund']),
      ),
    )
    .orderBy(ledgerEntries.id);
  const sortJson = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort() as unknown as T[];
  return anonymise({
    status: order.status,
    version: order.version,
    events,
    jobs: sortJson(jobs.filter((job) => job.name !== 'release-escrow' && job.runAt === null)),
    notices: sortJson(notices),
    noticeJobs: noticeJobs.length,
    documents: documents.map(({ document, totalFen, feeFen, kind, currency, sellerOrgId }) => {
      const { number, fiscalNumber, issuedAt, ...rest } = document as Record<string, unknown>;
      return {
        totalFen,
        feeFen,
        kind,
        currency,
        sellerOrgId,
        document: rest,
        numbered: [typeof number, typeof fiscalNumber, typeof issuedAt],
      };
    }),
    postings,
  });
}

describe('settlement in batches', () => {
  it('writes for each order exactly what settling it alone writes: status, event, jobs, notices, invoice, postings', async () => {
    // The credit hook's jobs name the parties, not the order: counted around each way of settling.
    const creditJobs = async () =>
      (
        await db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(outbox)
          .where(
            sql`${outbox.name} = 'recompute-credit' and ${outbox.payload}->>'trigger' = 'order:complete'`,
          )
      )[0].n;
    const alone = [await deliveredOrder(sellers[0]), await deliveredOrder(sellers[0], { short: true })];
    const creditBefore = await creditJobs();
    for (const id of alone) await actOnOrder(id, system, { action: 'complete' });
    const creditAlone = (await creditJobs()) - creditBefore;
    const batched = [await deliveredOrder(sellers[0]), await deliveredOrder(sellers[0], { short: true })];

    const creditBeforeBatch = await creditJobs();
    expect((await completeDueOrders()).sort()).toEqual([...batched].sort());
    expect(creditAlone).toBe(4);
    expect((await creditJobs()) - creditBeforeBatch).toBe(creditAlone);

    for (const [n, id] of batched.entries()) {
      const mine = await settlementOf(id);
      expect(mine.status).toBe('completed');
      expect(mine.events).toHaveLength(1);
      expect(mine.documents).toHaveLength(1);
      expect(mine.notices).toHaveLength(2);
      expect(mine.noticeJobs).toBe(2);
      expect(mine).toEqual(await settlementOf(alone[n]));
    }
    // The short delivery refunded the buyer the 20 kg not delivered, as alone.
    const refunds = (await settlementOf(batched[1])).postings.filter(
      (p: { kind: string }) => p.kind === 'refund',
    );
    expect(refunds.length).toBeGreaterThan(0);
  });

  it('numbers each seller’s invoices without a gap or a repeat across batches and single settlements at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await deliveredOrder(sellers[i % 2]));
    const before = await db
      .select({ seller: invoices.sellerOrgId, n: sql<number>`max(${invoices.number})`.mapWith(Number) })
      .from(invoices)
      .groupBy(invoices.sellerOrgId);
    // Two sweeps of 4, the buyer accepting three, and every release job, all at once.
    const results = await Promise.allSettled([
      completeDueOrders({ limit: 4 }),
      completeDueOrders({ limit: 4 }),
      ...ids
        .slice(0, 3)
        .map((id) => actOnOrder(id, { userId: buyer.userId, parties: ['buyer'] }, { action: 'accept' })),
      ...ids.map((orderId) => processSettlementJob({ name: 'release-escrow', data: { orderId } })),
    ]);
    // An acceptance may find its order completed by a sweep first: refused as the wrong state, nothing else.
    for (const result of results)
      if (result.status === 'rejected') expect(String(result.reason)).toMatch(/wrongState/);
    const settled = await db.select().from(orders).where(inArray(orders.id, ids));
    expect(settled.every((order) => order.status === 'completed')).toBe(true);
    for (const seller of sellers) {
      const numbers = (
        await db.select({ n: invoices.number }).from(invoices).where(eq(invoices.sellerOrgId, seller.orgId))
      ).map((row) => row.n);
      const start = before.find((row) => row.seller === seller.orgId)?.n ?? 0;
      expect(numbers.filter((n) => n > start).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 6 }, (_, i) => start + i + 1),
      );
    }
    const releases = await db
      .select({ orderId: ledgerTransactions.orderId })
      .from(ledgerTransactions)
      .where(and(inArray(ledgerTransactions.orderId, ids), eq(ledgerTransactions.kind, 'escrow_released')));
    expect(releases.map((row) => row.orderId).sort()).toEqual([...ids].sort());
    const completions = await db
      .select({ orderId: orderEvents.orderId })
      .from(orderEvents)
      .where(and(inArray(orderEvents.orderId, ids), inArray(orderEvents.kind, ['complete', 'accept'])));
    expect(completions).toHaveLength(ids.length);
  });

  it('skips an order another transaction holds, without waiting for it, and orders whose window is open', async () => {
    const held = await deliveredOrder(sellers[1]);
    const open = await deliveredOrder(sellers[1], { due: false });
    const free = await deliveredOrder(sellers[1]);
    let release!: () => void;
    const holding = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = db.transaction(async (tx) => {
      await tx.select().from(orders).where(eq(orders.id, held)).for('update');
      locked();
      await holding;
    });
    await isLocked;
    const swept = await completeDueOrders();
    release();
    await holder;
    expect(swept).toContain(free);
    expect(swept).not.toContain(held);
    expect(swept).not.toContain(open);
    const [openOrder] = await db.select().from(orders).where(eq(orders.id, open));
    expect(openOrder.status).toBe('delivered');
    expect(await completeDueOrders()).toEqual([held]);
  });

  it('leaves out an order whose escrow is short and settles the rest; that order’s own job fails', async () => {
    const good = await deliveredOrder(sellers[0]);
    const bad = await deliveredOrder(sellers[0]);
    // More than its escrow holds: a release of it would overdraw the order's escrow.
    await db
      .update(orders)
      .set({ subtotalFen: sql`${orders.subtotalFen} + 100` })
      .where(eq(orders.id, bad));
    expect(await completeDueOrders()).toEqual([good]);
    const [stillDelivered] = await db.select().from(orders).where(eq(orders.id, bad));
    expect(stillDelivered.status).toBe('delivered');
    expect(await db.select().from(invoices).where(eq(invoices.orderId, bad))).toHaveLength(0);
    await expect(processSettlementJob({ name: 'release-escrow', data: { orderId: bad } })).rejects.toThrow(
      /escrow holds/,
    );
    // Put back, so the file's ledger check after each test sees the market as it should be.
    await db
      .update(orders)
      .set({ subtotalFen: sql`${orders.subtotalFen} - 100` })
      .where(eq(orders.id, bad));
    expect(await completeDueOrders()).toEqual([bad]);
  });
});
