// What other areas do when an order's timeline grows: notifications (#9), trace and transport (#7),
// credit (#8). Called inside the transaction that wrote the event, so each reaction commits with it.
import type { DbOrTx } from '../../db/client';
import type { Order } from '../../db/schema';
import { afterAuctionOrderEvent } from '../auctions/closing.server';
import { approvalsAfterOrderEvent } from '../b2b/approvals.server';
import { coldChainAfterOrderEvent } from '../coldchain/hooks.server';
import { farmingAfterOrderEvent } from '../farming/plans.server';
import { enqueueJobs } from '../lib/outbox.server';
import { marketDataAfterOrderEvent, marketDataJobs } from '../market-data/index.server';
import { notifyOrderEvent, notifyOrderEventsInHand } from '../notify/orders.server';
import { creditAfterOrderEvent, creditJobs } from '../trust/credit.server';

export type OrderEventHook = {
  /** 'created', a lifecycle action (see OrderAction in ./lifecycle) or 'payout_recorded'. */
  kind: string;
  actorUserId?: string | null;
  actorOrgId?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
};

export async function afterOrderEvent(tx: DbOrTx, orderId: string, event: OrderEventHook): Promise<void> {
  // Each area adds one line here, calling a function of its own module.
  await creditAfterOrderEvent(tx, orderId, event);
  await notifyOrderEvent(tx, orderId, event);
  await afterAuctionOrderEvent(tx, orderId, event);
  await coldChainAfterOrderEvent(tx, orderId, event);
  await marketDataAfterOrderEvent(tx, orderId, event);
  await farmingAfterOrderEvent(tx, orderId, event);
  await approvalsAfterOrderEvent(tx, orderId, event);
}

/**
 * The same reactions to many events whose orders the caller holds, as they stand after the events (settlement in
 * batches, ADR 0048). Areas that react from the order row alone write theirs for all events in one statement; the
 * others are asked one event at a time, as above. tests/integration/settlement-batch.test.ts compares the two.
 */
export async function afterOrderEventsInHand(
  tx: DbOrTx,
  items: readonly { order: Order; event: OrderEventHook }[],
): Promise<void> {
  await enqueueJobs(
    tx,
    items.flatMap(({ order, event }) => [...creditJobs(order, event), ...marketDataJobs(order.id, event)]),
  );
  await notifyOrderEventsInHand(tx, items);
  for (const { order, event } of items) {
    await afterAuctionOrderEvent(tx, order.id, event);
    await coldChainAfterOrderEvent(tx, order.id, event);
    await farmingAfterOrderEvent(tx, order.id, event);
  }
}
