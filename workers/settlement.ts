// The settlement queue: releases escrow after the inspection window, and calls the payment provider after commits.
import { type Job, UnrecoverableError } from 'bullmq';
import { and, eq, isNull } from 'drizzle-orm';
import { db } from '../db/client';
import { type Order, invoices, ledgerEntries, ledgerTransactions, orders } from '../db/schema';
import { failpoint } from '../app/lib/failpoint.server';
import { log } from '../app/lib/log.server';
import { OrderError, actOnOrder, addEvent, completeDueOrders } from '../app/orders/orders.server';
import { paymentProvider, providerFor } from '../app/payments/providers.server';
// Registers the Stripe provider in every process that runs settlement jobs (the worker, tests, benchmarks).
import '../app/payments/stripe.server';
import { ledgerTransactionId, recordPayout } from '../app/ledger/ledger.server';
import { payloadSchema } from './queues';

/**
 * The seller's money has left through the provider: the ledger follows (available → provider clearing)
 * with an event on the order, once — the payout's idempotency key and the order's row lock see to that.
 */
async function recordProviderPayout(order: Order, amountFen: number, reference: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, order.id)).for('update');
    const idempotencyKey = `order:${order.id}:payout`;
    const [earlier] = await tx
      .select({ id: ledgerTransactions.id })
      .from(ledgerTransactions)
      .where(eq(ledgerTransactions.idempotencyKey, idempotencyKey));
    if (earlier) return false;
    await recordPayout(tx, {
      sellerOrgId: order.sellerOrgId,
      orderId: order.id,
      amount: amountFen,
      currency: order.currency as 'CNY',
      idempotencyKey,
      memo: `${order.provider} payout ${reference}`.slice(0, 120),
    });
    // The kind an operator's offline payout records too, so the order's timeline shows both alike.
    await addEvent(tx, order, {
      kind: 'payout_recorded',
      reason: reference.slice(0, 80),
      data: { reference, amountFen, party: 'system' },
    });
    return true;
  });
}

/**
 * Completes an order whose inspection window has passed. It completes every order that is due, in batches, with
 * it (ADR 0048): the releases due together settle in a few transactions instead of one each, and a job whose order
 * a batch took finds it completed. Then the order itself is stepped on its own: actOnOrder reads and locks it,
 * waits for a batch that holds it, and says why it cannot complete (disputed, done, window still open).
 */
async function releaseEscrowJob(orderId: string): Promise<Record<string, unknown>> {
  const [order] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
  if (!order) throw new UnrecoverableError('order no longer exists');
  // Completed by a batch (or disputed, or settled otherwise): nothing is left for this job. Only 'delivered' moves
  // on by this job, and a status read as anything else never becomes 'delivered' again.
  if (order.status !== 'delivered') return { completed: false };
  try {
    if ((await completeDueOrders()).includes(orderId)) return { completed: true };
  } catch (error) {
    // One order the batch could not settle (an escrow short, a lot gone) fails the batch: each job then settles
    // its own order alone below, so only that order's job fails.
    log.warn({ err: error, orderId }, 'settlement batch failed; settling the order alone');
  }
  try {
    await actOnOrder(orderId, { userId: null, parties: ['system'] }, { action: 'complete' });
    return { completed: true };
  } catch (error) {
    if (error instanceof OrderError && error.messageKey === 'errors.notFound')
      throw new UnrecoverableError('order no longer exists');
    // Disputed, or already completed (by a batch or an earlier run): the world is as it should be.
    if (error instanceof OrderError && error.messageKey === 'orders.errors.wrongState')
      return { completed: false };
    throw error; // the window is still open (a clock ahead of ours): retry with backoff
  }
}

export async function processSettlementJob(
  job: Pick<Job, 'name' | 'data'>,
): Promise<Record<string, unknown>> {
  const schema = payloadSchema('settlement', job.name);
  const parsed = schema?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad settlement job ${job.name}`);
  const data = parsed.data as { orderId?: string; ledgerTransactionId?: string; eventId?: string };

  if (job.name === 'provider-event') return paymentProvider().handleEvent(data.eventId ?? '');
  if (job.name === 'release-escrow') return releaseEscrowJob(data.orderId ?? '');

  const [order] = await db
    .select()
    .from(orders)
    .where(eq(orders.id, data.orderId ?? ''));
  if (!order) throw new UnrecoverableError('order no longer exists');

  switch (job.name) {
    case 'create-payment': {
      if (order.providerRef || order.status !== 'pending_payment') return { skipped: true };
      const created = await providerFor(order).createPayment(order);
      // Only onto an empty reference: the buyer's Checkout may have set (and canceled this) meanwhile.
      if (created)
        await db
          .update(orders)
          .set({ providerRef: created.reference })
          .where(and(eq(orders.id, order.id), isNull(orders.providerRef)));
      return { reference: created?.reference ?? null };
    }
    case 'payout': {
      const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, order.id));
      if (!invoice) throw new UnrecoverableError('no invoice: nothing was released to the seller');
      const key = ledgerTransactionId(`order:${order.id}:release`);
      const amountFen = invoice.totalFen - invoice.feeFen;
      // A 100% fee leaves the seller nothing to be paid.
      if (amountFen <= 0) return { reference: null };
      const paid = await providerFor(order).payout(order, { amountFen, idempotencyKey: key });
      if (!paid) return { reference: null };
      failpoint('settlement:after-transfer');
      const recorded = await recordProviderPayout(order, amountFen, paid.reference);
      return { reference: paid.reference, recorded };
    }
    case 'refund': {
      // The amount is what the ledger moved back to the provider in that transaction.
      const entries = await db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.transactionId, data.ledgerTransactionId ?? ''));
      const amountFen = entries
        .filter((entry) => entry.amount > 0)
        .reduce((sum, entry) => sum + entry.amount, 0);
      if (amountFen <= 0) throw new UnrecoverableError('no such refund in the ledger');
      const refunded = await providerFor(order).refund(order, {
        amountFen,
        idempotencyKey: data.ledgerTransactionId ?? '',
      });
      return { reference: refunded?.reference ?? null };
    }
    default:
      throw new UnrecoverableError(`unknown settlement job ${job.name}`);
  }
}
