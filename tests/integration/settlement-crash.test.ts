// Settlement survives kill -9: a worker killed mid-batch and restarted settles and pays out every order exactly once.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { invoices, ledgerTransactions, orders, payoutAccounts } from '../../db/schema';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import {
  startSellerOnboarding,
  stripeProvider,
  syncPayoutAccount,
  transferGroup,
} from '../../app/payments/stripe.server';
import { queue } from '../../workers/queues';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';
import { startWorker, stopAllWorkers, stopWorker, waitFor } from '../support/worker-process';
import { STRIPE_TEST_SECRET_KEY, startStripeServer } from '../support/stripe-server';

// The local Stripe server lives in this process; the worker in a child process reaches it over HTTP.
const stripeServer = await startStripeServer();
Object.assign(process.env, {
  STRIPE_SECRET_KEY: STRIPE_TEST_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: stripeServer.webhookSecret,
  STRIPE_API_BASE: stripeServer.url,
  INSPECTION_SECONDS_OVERRIDE: '1',
  DATABASE_POOL_MAX: '12',
  // Small settlement batches (ADR 0048), so the kills below land between some of them, not after one of 200.
  SETTLEMENT_BATCH_SIZE: '5',
});

async function onboardedSeller(): Promise<Seller> {
  const seller = await verifiedSeller(db);
  const { accountId } = await startSellerOnboarding(seller.orgId, {
    returnUrl: 'http://127.0.0.1/balance/payouts?done=1',
    refreshUrl: 'http://127.0.0.1/balance/payouts?again=1',
  });
  stripeServer.actions.completeOnboarding(accountId);
  await syncPayoutAccount(accountId);
  return seller;
}

/**
 * `count` orders of 1 kg, paid through a succeeded PaymentIntent and recorded in the ledger, shipped and
 * delivered: each one's release job now waits in the outbox for a worker, its one-second window running.
 */
async function ordersReadyToComplete(count: number, sellers: Seller[], buyers: Seller[]): Promise<string[]> {
  const lots = await Promise.all(sellers.map((s) => liveShrimpLot(db, s, '1000')));
  const prepare = async (i: number) => {
    const seller = sellers[i % sellers.length];
    const buyer = buyers[i % buyers.length];
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lots[i % lots.length], quantity: '1', unit: 'kg', tolerancePercent: 0 },
    });
    if (!placed.ok) throw new Error(`buy failed: ${JSON.stringify(placed.errors)}`);
    const [order] = await db.select().from(orders).where(eq(orders.id, placed.orderId));
    const created = await stripeProvider.createPayment(order);
    if (!created) throw new Error('the Stripe provider made no PaymentIntent');
    const { reference } = created;
    await db.update(orders).set({ providerRef: reference }).where(eq(orders.id, order.id));
    stripeServer.actions.succeedPaymentIntent(reference);
    const system = { userId: null, parties: ['system' as const] };
    await actOnOrder(order.id, system, { action: 'record_payment', reference });
    await actOnOrder(order.id, { userId: seller.userId, parties: ['seller'] }, { action: 'ship' });
    await actOnOrder(order.id, { userId: null, parties: ['operator'] }, { action: 'confirm_delivery' });
    return order.id;
  };
  const ids: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, (_, k) => prepare(start + k));
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

const countWhere = async (ids: string[], status: 'completed') =>
  (
    await db
      .select({ n: sql<number>`count(*)::int` })
      .from(orders)
      .where(and(inArray(orders.id, ids), eq(orders.status, status)))
  )[0]?.n ?? 0;

/** How many ledger transactions of a kind each order has. */
async function ledgerCounts(ids: string[], kind: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ orderId: ledgerTransactions.orderId, n: sql<number>`count(*)::int` })
    .from(ledgerTransactions)
    .where(and(inArray(ledgerTransactions.orderId, ids), eq(ledgerTransactions.kind, kind)))
    .groupBy(ledgerTransactions.orderId);
  return new Map(rows.map((row) => [row.orderId ?? '', row.n]));
}

const payoutsDone = async (ids: string[]) => (await ledgerCounts(ids, 'payout')).size;

function transfersByGroup(): Map<string, number> {
  const groups = new Map<string, number>();
  for (const transfer of stripeServer.state.transfers) {
    const group = transfer.transfer_group ?? '';
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  return groups;
}

let sellers: Seller[];
let buyers: Seller[];

beforeAll(async () => {
  sellers = [];
  for (let i = 0; i < 10; i++) sellers.push(await onboardedSeller());
  buyers = await Promise.all(Array.from({ length: 20 }, () => buyerOrg()));
  const enabled = await db.select().from(payoutAccounts).where(eq(payoutAccounts.payoutsEnabled, true));
  expect(enabled).toHaveLength(10);
});

afterEach(stopAllWorkers);

afterAll(async () => {
  await stripeServer.close();
});

describe('settlement under kill -9', () => {
  it('settles and pays out each of 200 orders exactly once when the worker dies mid-batch', async () => {
    const preparing = Date.now();
    const ids = await ordersReadyToComplete(200, sellers, buyers);
    process.stderr.write(`[settlement-crash] 200 orders ready in ${Date.now() - preparing} ms\n`);
    const transfersBefore = stripeServer.state.transfers.length;

    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    // First kill in the middle of the escrow releases, second in the middle of the Stripe transfers.
    // Generous waits: a worker's start (tsx compiling) is slow on a loaded machine.
    const first = startWorker();
    await waitFor(
      'a quarter of the orders completed',
      async () => (await countWhere(ids, 'completed')) >= 50,
      { timeoutMs: 120_000, everyMs: 25 },
    );
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const completedAtKill = await countWhere(ids, 'completed');
    expect(completedAtKill).toBeLessThan(200);
    process.stderr.write(`[settlement-crash] first kill after ${elapsed()}: ${completedAtKill} completed\n`);

    const again = startWorker();
    await waitFor('a quarter of the payouts made', async () => (await payoutsDone(ids)) >= 50, {
      timeoutMs: 120_000,
      everyMs: 25,
    });
    again.child.kill('SIGKILL');
    expect((await again.exited).signal).toBe('SIGKILL');
    const paidAtKill = await payoutsDone(ids);
    expect(paidAtKill).toBeLessThan(200);
    process.stderr.write(`[settlement-crash] second kill after ${elapsed()}: ${paidAtKill} paid out\n`);

    const second = startWorker();
    await waitFor('all 200 completed', async () => (await countWhere(ids, 'completed')) === 200, {
      timeoutMs: 120_000,
      everyMs: 25,
    });
    await waitFor('all 200 paid out', async () => (await payoutsDone(ids)) === 200, {
      timeoutMs: 120_000,
      everyMs: 25,
    });
    await stopWorker(second.child);
    process.stderr.write(`[settlement-crash] all settled and paid after ${elapsed()}\n`);

    const released = await ledgerCounts(ids, 'escrow_released');
    const paidOut = await ledgerCounts(ids, 'payout');
    for (const id of ids) {
      expect(released.get(id), `escrow releases of ${id}`).toBe(1);
      expect(paidOut.get(id), `payouts of ${id}`).toBe(1);
    }
    const invoiceRows = await db.select().from(invoices).where(inArray(invoices.orderId, ids));
    expect(invoiceRows).toHaveLength(200);
    expect(new Set(invoiceRows.map((row) => row.orderId)).size).toBe(200);
    // Gapless per seller, even across the crash: each seller's 20 invoices are numbered 1 to 20.
    for (const seller of sellers) {
      const numbers = invoiceRows
        .filter((row) => row.sellerOrgId === seller.orgId)
        .map((row) => row.number)
        .sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    }

    const groups = transfersByGroup();
    for (const id of ids) expect(groups.get(transferGroup({ id })), `transfers of ${id}`).toBe(1);
    expect(stripeServer.state.transfers.length - transfersBefore).toBe(200);
    const transferPosts = stripeServer.state.requestLog.filter(
      (entry) => entry.method === 'POST' && entry.path === '/v1/transfers',
    );
    expect(transferPosts.every((entry) => entry.idempotencyKey && !entry.keyGeneratedByClient)).toBe(true);
    expect(await queue('settlement').getFailedCount()).toBe(0);
  }, 420_000);

  it('pays once when the worker dies after Stripe made the transfer but before the ledger recorded it', async () => {
    const ids = await ordersReadyToComplete(5, sellers.slice(0, 5), buyers);
    const crashed = startWorker({ WHARF_FAILPOINT: 'settlement:after-transfer' });
    expect((await crashed.exited).signal).toBe('SIGKILL');
    const groups = transfersByGroup();
    const transferredUnrecorded = ids.filter((id) => groups.get(transferGroup({ id })) === 1);
    expect(transferredUnrecorded.length).toBeGreaterThanOrEqual(1);
    const recorded = await ledgerCounts(transferredUnrecorded, 'payout');
    expect(recorded.size).toBe(0);

    const { child } = startWorker();
    await waitFor('all 5 paid out', async () => (await payoutsDone(ids)) === 5, {
      timeoutMs: 60_000,
      everyMs: 25,
    });
    await stopWorker(child);
    const after = transfersByGroup();
    for (const id of ids) expect(after.get(transferGroup({ id })), `transfers of ${id}`).toBe(1);
    const paidOut = await ledgerCounts(ids, 'payout');
    for (const id of ids) expect(paidOut.get(id)).toBe(1);
  }, 120_000);
});
