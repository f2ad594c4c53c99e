// What other areas do when an order's timeline grows: notifications (#9), trace and transport (#7),
// credit (#8). Called inside the transaction that wrote the event, so each reaction commits with it.
import type { DbOrTx } from '../../db/client';

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

export async function afterOrderEvent(_tx: DbOrTx, _orderId: string, _event: OrderEventHook): Promise<void> {
  // Each area adds one line here, calling a function of its own module.
}
