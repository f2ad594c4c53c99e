// The settlement queue: releases escrow after the inspection window, and calls the payment provider after commits.
import { type Job, UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { db } from '../db/client';
import { invoices, ledgerEntries, orders } from '../db/schema';
import { OrderError, actOnOrder } from '../app/orders/orders.server';
import { paymentProvider } from '../app/payments/providers.server';
import { ledgerTransactionId } from '../app/ledger/ledger.server';
import { payloadSchema } from './queues';

export async function processSettlementJob(
  job: Pick<Job, 'name' | 'data'>,
): Promise<Record<string, unknown>> {
  const schema = payloadSchema('settlement', job.name);
  const parsed = schema?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad settlement job ${job.name}`);
  const data = parsed.data as { orderId?: string; ledgerTransactionId?: string; eventId?: string };

  if (job.name === 'provider-event') return paymentProvider().handleEvent(data.eventId ?? '');

  const [order] = await db
    .select()
    .from(orders)
    .where(eq(orders.id, data.orderId ?? ''));
  if (!order) throw new UnrecoverableError('order no longer exists');

  switch (job.name) {
    case 'release-escrow':
      try {
        await actOnOrder(order.id, { userId: null, parties: ['system'] }, { action: 'complete' });
        return { completed: true };
      } catch (error) {
        // Disputed, or already completed by an earlier run: the world is as it should be.
        if (error instanceof OrderError && error.messageKey === 'orders.errors.wrongState')
          return { completed: false };
        throw error; // the window is still open (a clock ahead of ours): retry with backoff
      }
    case 'create-payment': {
      if (order.providerRef || order.status !== 'pending_payment') return { skipped: true };
      const created = await paymentProvider().createPayment(order);
      if (created)
        await db.update(orders).set({ providerRef: created.reference }).where(eq(orders.id, order.id));
      return { reference: created?.reference ?? null };
    }
    case 'payout': {
      const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, order.id));
      if (!invoice) throw new UnrecoverableError('no invoice: nothing was released to the seller');
      const key = ledgerTransactionId(`order:${order.id}:release`);
      const paid = await paymentProvider().payout(order, {
        amountFen: invoice.totalFen - invoice.feeFen,
        idempotencyKey: key,
      });
      return { reference: paid?.reference ?? null };
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
      const refunded = await paymentProvider().refund(order, {
        amountFen,
        idempotencyKey: data.ledgerTransactionId ?? '',
      });
      return { reference: refunded?.reference ?? null };
    }
    default:
      throw new UnrecoverableError(`unknown settlement job ${job.name}`);
  }
}
