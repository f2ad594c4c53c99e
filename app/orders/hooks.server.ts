// What other areas do when an order's timeline grows: notifications (#9), trace and transport (#7),
// credit (#8). Called inside the transaction that wrote the event, so each reaction commits with it.
import type { DbOrTx } from '../../db/client';
import { afterAuctionOrderEvent } from '../auctions/closing.server';
import { coldChainAfterOrderEvent } from '../coldchain/hooks.server';
import { farmingAfterOrderEvent } from '../farming/plans.server';
import { marketDataAfterOrderEvent } from '../market-data/index.server';
import { notifyOrderEvent } from '../notify/orders.server';
import { creditAfterOrderEvent } from '../trust/credit.server';

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
}
