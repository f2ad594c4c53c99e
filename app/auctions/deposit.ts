// How much deposit a bid ties up: the category's share (basis points) of what the bid would cost for the whole lot.
import { lineTotal, percentOf } from '../lib/money';

export function depositFor(input: {
  priceFen: number;
  quantity: number;
  perBase: number;
  depositBps: number;
}): number {
  return percentOf(lineTotal(input.priceFen, input.quantity, input.perBase), input.depositBps);
}
