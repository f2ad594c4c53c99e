// The order's state machine: which party may take which step from which state. Pure, shared by routes and workers.
export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'shipping'
  | 'delivered'
  | 'completed'
  | 'disputed'
  | 'resolved'
  | 'cancelled'
  | 'awaiting_approval';

/** `carrier`: the cold-chain org's driver taking a hand-over step for the order (never a viewer's side on the order page). */
export type Party = 'buyer' | 'seller' | 'operator' | 'system' | 'carrier';

export type OrderAction =
  | 'cancel'
  | 'record_payment'
  | 'ship'
  | 'record_weight'
  | 'confirm_delivery'
  | 'deliver'
  | 'accept'
  | 'open_dispute'
  | 'resolve_dispute'
  | 'complete'
  | 'expire_unpaid'
  | 'approve'
  | 'reject';

type Rule = { from: OrderStatus[]; to: OrderStatus | null; parties: Party[] };

/** `to: null` records an event without changing the state (a weighing, say). */
export const RULES: Record<OrderAction, Rule> = {
  cancel: {
    from: ['pending_payment', 'awaiting_approval'],
    to: 'cancelled',
    parties: ['buyer', 'seller', 'operator'],
  },
  // An order still waiting for its approver at its deadline expires as an unpaid one does (ADR 0052).
  expire_unpaid: { from: ['pending_payment', 'awaiting_approval'], to: 'cancelled', parties: ['system'] },
  // The buyer org's approver (an owner or admin, never the member who ordered: app/b2b/approvals.server.ts).
  approve: { from: ['awaiting_approval'], to: 'pending_payment', parties: ['buyer'] },
  reject: { from: ['awaiting_approval'], to: 'cancelled', parties: ['buyer'] },
  record_payment: { from: ['pending_payment'], to: 'paid', parties: ['operator', 'system'] },
  ship: { from: ['paid'], to: 'shipping', parties: ['seller', 'carrier'] },
  record_weight: { from: ['paid', 'shipping'], to: null, parties: ['seller', 'carrier'] },
  // The buyer (or the operator) says the goods arrived: the inspection window opens.
  confirm_delivery: { from: ['shipping'], to: 'delivered', parties: ['buyer', 'operator'] },
  // The carrier hands the goods over (送达): the inspection window opens, as above.
  deliver: { from: ['shipping'], to: 'delivered', parties: ['carrier'] },
  // The buyer accepts the goods during the window (确认收货): the escrow is released at once.
  accept: { from: ['delivered'], to: 'completed', parties: ['buyer'] },
  open_dispute: { from: ['delivered'], to: 'disputed', parties: ['buyer'] },
  resolve_dispute: { from: ['disputed'], to: 'resolved', parties: ['operator'] },
  complete: { from: ['delivered'], to: 'completed', parties: ['system'] },
};

export type Refusal = 'wrongState' | 'wrongParty';

/** Null when `party` may take `action` from `status`; otherwise why not. */
export function refusal(action: OrderAction, status: OrderStatus, party: Party): Refusal | null {
  const rule = RULES[action];
  if (!rule.parties.includes(party)) return 'wrongParty';
  if (!rule.from.includes(status)) return 'wrongState';
  return null;
}

/** The actions a party could take now, for the buttons an order page shows. */
export function availableActions(status: OrderStatus, parties: Party[]): OrderAction[] {
  return (Object.keys(RULES) as OrderAction[]).filter((action) =>
    parties.some(
      (party) => party !== 'system' && party !== 'carrier' && refusal(action, status, party) === null,
    ),
  );
}
