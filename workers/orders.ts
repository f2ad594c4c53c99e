// The orders queue: cancels an order still unpaid at its deadline (a delayed job; idempotent).
import { type Job, UnrecoverableError } from 'bullmq';
import { OrderError, actOnOrder } from '../app/orders/orders.server';
import { payloadSchema } from './queues';

export async function processOrderJob(job: Pick<Job, 'name' | 'data'>): Promise<{ cancelled: boolean }> {
  const schema = payloadSchema('orders', job.name);
  const parsed = schema?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad orders job ${job.name}`);
  const { orderId } = parsed.data as { orderId: string };
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
