// The orders queue: cancels an order still unpaid at its deadline (a delayed job), and records an order's trade in
// the market data once it completed or was undone (#15). Both idempotent.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { type TradeChange, recordOrderTrade } from '../app/market-data/index.server';
import { OrderError, actOnOrder } from '../app/orders/orders.server';
import { payloadSchema } from './queues';

export async function processOrderJob(
  job: Pick<Job, 'name' | 'data'>,
): Promise<{ cancelled: boolean } | { trade: TradeChange }> {
  const schema = payloadSchema('orders', job.name);
  const parsed = schema?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad orders job ${job.name}`);
  const { orderId } = parsed.data as { orderId: string };
  if (job.name === 'record-trade') return { trade: await recordOrderTrade(db, orderId) };
  try {
    await actOnOrder(orderId, { userId: null, parties: ['system'] }, { action: 'expire_unpaid' });
    return { cancelled: true };
  } catch (error) {
    // Paid or cancelled meanwhile (or a second run): nothing to do, and nothing to retry.
    if (error instanceof OrderError && (error.status === 409 || error.status === 404))
      return { cancelled: false };
    throw error;
  }
}
