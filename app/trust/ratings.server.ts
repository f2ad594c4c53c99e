// Buyers rate completed orders 1–5; one rating per order, and the seller's credit is recomputed after it.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { orders, ratings } from '../../db/schema';
import { enqueue } from '../lib/outbox.server';
import { TrustError } from './moderation.server';

export const ratingSchema = z.object({
  stars: z.coerce
    .number({ invalid_type_error: 'trust.errors.stars' })
    .int('trust.errors.stars')
    .min(1, 'trust.errors.stars')
    .max(5, 'trust.errors.stars'),
  comment: z.string().trim().max(500, 'errors.tooLong').optional(),
});

/** Orders in these states can be rated: the trade is over (a resolved dispute is rated too — it is part of the record). */
const RATABLE = new Set(['completed', 'resolved']);

export async function rateOrder(
  tx: DbOrTx,
  input: { orderId: string; userId: string; stars: number; comment?: string | null },
) {
  const [order] = await tx.select().from(orders).where(eq(orders.id, input.orderId)).for('update');
  if (!order) throw new TrustError('errors.notFound', 404);
  if (!RATABLE.has(order.status)) throw new TrustError('trust.errors.notRatable', 409, 'stars');
  const inserted = await tx
    .insert(ratings)
    .values({
      orderId: order.id,
      buyerOrgId: order.buyerOrgId,
      sellerOrgId: order.sellerOrgId,
      stars: input.stars,
      comment: input.comment || null,
      ratedBy: input.userId,
    })
    .onConflictDoNothing()
    .returning({ orderId: ratings.orderId });
  if (!inserted.length) throw new TrustError('trust.errors.alreadyRated', 409, 'stars');
  await enqueue(tx, 'moderation', 'recompute-credit', { orgId: order.sellerOrgId, trigger: 'rating' });
}

export async function ratingOf(tx: DbOrTx, orderId: string) {
  const [row] = await tx
    .select({ stars: ratings.stars, comment: ratings.comment })
    .from(ratings)
    .where(eq(ratings.orderId, orderId));
  return row ?? null;
}

export function mayRate(status: string): boolean {
  return RATABLE.has(status);
}
