// A completed order with its invoice, the way the market gets there: bought, paid, shipped, weighed, received,
// the inspection window passed and the escrow released by the settlement job.
import { eq, sql } from 'drizzle-orm';
import { db } from '../../db/client';
import { orders } from '../../db/schema';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { processSettlementJob } from '../../workers/settlement';
import { liveShrimpLot } from './listings';

type Party = { orgId: string; userId: string };

/**
 * Buys 500 kg of a fresh 2,000 kg lot, weighs 492 kg at hand-over and settles. `sellerActor` ships and weighs
 * (another member of the seller org); `withdrawLot` takes the lot's remaining stock off the market after, so the
 * seller org has nothing live left.
 */
export async function completedOrder(
  seller: Party,
  buyer: Party,
  options: { sellerActor?: string; withdrawLot?: boolean } = {},
): Promise<string> {
  const { id, lot } = await deliveredOrder(seller, buyer, {
    sellerActor: options.sellerActor,
    weighKg: '492',
  });
  await processSettlementJob({ name: 'release-escrow', data: { orderId: id } });
  if (options.withdrawLot) await db.execute(sql`update listings set status = 'withdrawn' where id = ${lot}`);
  return id;
}

/**
 * 500 kg of a fresh 2,000 kg lot bought, paid, shipped, weighed at `weighKg` (not weighed when null), received and
 * (unless `due` is false) its inspection window passed: what the release job settles.
 */
export async function deliveredOrder(
  seller: Party,
  buyer: Party,
  options: { sellerActor?: string; weighKg?: string | null; due?: boolean } = {},
): Promise<{ id: string; lot: string }> {
  const lot = await liveShrimpLot(db, seller, '2000');
  const placed = await placeBuyNow({
    buyerOrgId: buyer.orgId,
    actorUserId: buyer.userId,
    form: { listingId: lot, quantity: '500', unit: 'kg', tolerancePercent: 3 },
  });
  if (!placed.ok) throw new Error(`buy failed: ${JSON.stringify(placed.errors)}`);
  const id = placed.orderId;
  await actOnOrder(
    id,
    { userId: null, parties: ['operator'] },
    { action: 'record_payment', reference: 'ICBC 1' },
  );
  const asSeller = { userId: options.sellerActor ?? seller.userId, parties: ['seller' as const] };
  await actOnOrder(id, asSeller, { action: 'ship' });
  if (options.weighKg !== null)
    await actOnOrder(id, asSeller, {
      action: 'record_weight',
      quantity: options.weighKg ?? '492',
      unit: 'kg',
    });
  await actOnOrder(id, { userId: buyer.userId, parties: ['buyer'] }, { action: 'confirm_delivery' });
  if (options.due !== false)
    await db
      .update(orders)
      .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
      .where(eq(orders.id, id));
  return { id, lot };
}
