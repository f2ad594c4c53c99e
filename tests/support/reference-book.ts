// A naive order book for the model test of app/exchange/book.ts: one flat array of resting orders, sorted afresh
// whenever priority matters, and the opening price found by trying every tick price. Slow, short, obviously right.
import type {
  CancelReason,
  Command,
  Depth,
  Event,
  Indicative,
  Level,
  NewOrder,
  OrderType,
  Phase,
  RejectReason,
  Side,
  TimeInForce,
} from '../../app/exchange/types';

type Resting = {
  id: string;
  orgId: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  price: number | null;
  remaining: number;
  seq: number;
};

const positiveWhole = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/** Priority: market orders first, then the better price, then the earlier entry. */
function byPriority(a: Resting, b: Resting): number {
  if (a.price === null || b.price === null) {
    if (a.price !== b.price) return a.price === null ? -1 : 1;
    return a.seq - b.seq;
  }
  if (a.price !== b.price) return a.side === 'buy' ? b.price - a.price : a.price - b.price;
  return a.seq - b.seq;
}

/** Would a buy at `buyPrice` and a sell at `sellPrice` trade (null = market)? */
const crosses = (buyPrice: number | null, sellPrice: number | null) =>
  buyPrice === null || sellPrice === null || buyPrice >= sellPrice;

export class ReferenceBook {
  phase: Phase;
  private haltedFrom: Phase | null = null;
  private tradeId = 0;
  private seq = 0;
  private usedIds: string[] = [];
  private orders: Resting[] = [];

  constructor(
    readonly tick: number,
    phase: Phase,
  ) {
    this.phase = phase;
  }

  apply(command: Command): Event[] {
    const now = (): Event[] => [{ type: 'phase', phase: this.phase }];
    switch (command.type) {
      case 'place':
        return this.place(command.order);
      case 'cancel': {
        const order = this.orders.find((o) => o.id === command.orderId);
        if (!order) return [{ type: 'rejected', orderId: command.orderId, reason: 'unknown-order' }];
        if (order.orgId !== command.orgId)
          return [{ type: 'rejected', orderId: command.orderId, reason: 'not-owner' }];
        this.drop(order);
        return [{ type: 'cancelled', orderId: order.id, remaining: order.remaining, reason: 'user' }];
      }
      case 'amend':
        return this.amend(command.orderId, command.orgId, command.price, command.quantity);
      case 'open':
        return this.phase === 'call' ? this.open(command.referencePrice) : now();
      case 'close': {
        if (this.phase === 'closed') return now();
        const events: Event[] = [];
        const expiring = this.orders
          .filter((o) => o.tif === 'day' || o.type === 'market')
          .sort((a, b) => a.seq - b.seq);
        for (const o of expiring) {
          this.drop(o);
          events.push({ type: 'cancelled', orderId: o.id, remaining: o.remaining, reason: 'expired' });
        }
        this.phase = 'closed';
        this.haltedFrom = null;
        return [...events, { type: 'phase', phase: 'closed' }];
      }
      case 'start-call':
        if (this.phase === 'closed') this.phase = 'call';
        return now();
      case 'halt':
        if (this.phase === 'call' || this.phase === 'continuous') {
          this.haltedFrom = this.phase;
          this.phase = 'halted';
        }
        return now();
      case 'resume':
        if (this.phase === 'halted' && this.haltedFrom) {
          this.phase = this.haltedFrom;
          this.haltedFrom = null;
        }
        return now();
    }
  }

  depth(): Depth {
    const levels = (side: Side): Level[] => {
      const result: Level[] = [];
      for (const o of this.orders.filter((x) => x.side === side && x.price !== null).sort(byPriority)) {
        const last = result[result.length - 1];
        if (last && last.price === o.price) {
          last.quantity += o.remaining;
          last.orders += 1;
        } else result.push({ price: o.price as number, quantity: o.remaining, orders: 1 });
      }
      return result;
    };
    return { bids: levels('buy'), asks: levels('sell') };
  }

  /** The resting orders' ids and orgs, oldest entry first. */
  resting(): { id: string; orgId: string }[] {
    return [...this.orders].sort((a, b) => a.seq - b.seq).map((o) => ({ id: o.id, orgId: o.orgId }));
  }

  remaining(orderId: string): number | undefined {
    return this.orders.find((o) => o.id === orderId)?.remaining;
  }

  /** The opening price by trying every tick price between the lowest and highest limit or reference price. */
  indicative(referencePrice: number | null): Indicative {
    const reference = this.roundToTick(referencePrice);
    const limitPrices = this.orders.filter((o) => o.price !== null).map((o) => o.price as number);
    if (reference !== null) limitPrices.push(reference);
    if (limitPrices.length === 0) return null;
    const low = Math.min(...limitPrices);
    const high = Math.max(...limitPrices);
    let best: { price: number; volume: number; imbalance: number } | null = null;
    for (let price = low; price <= high; price += this.tick) {
      const demand = this.sum(this.orders.filter((o) => o.side === 'buy' && crosses(o.price, price)));
      const supply = this.sum(this.orders.filter((o) => o.side === 'sell' && crosses(price, o.price)));
      const candidate = { price, volume: Math.min(demand, supply), imbalance: demand - supply };
      if (best === null || this.better(candidate, best, reference)) best = candidate;
    }
    return best === null || best.volume === 0 ? null : best;
  }

  private better(
    a: { price: number; volume: number; imbalance: number },
    b: { price: number; volume: number; imbalance: number },
    reference: number | null,
  ): boolean {
    if (a.volume !== b.volume) return a.volume > b.volume;
    if (Math.abs(a.imbalance) !== Math.abs(b.imbalance)) return Math.abs(a.imbalance) < Math.abs(b.imbalance);
    if (reference !== null) {
      const da = Math.abs(a.price - reference);
      const db = Math.abs(b.price - reference);
      if (da !== db) return da < db;
    }
    return a.price < b.price;
  }

  private roundToTick(price: number | null): number | null {
    if (price === null) return null;
    const below = Math.floor(price / this.tick) * this.tick;
    const above = below + this.tick;
    const nearest = price - below <= above - price ? below : above;
    return Math.max(this.tick, nearest);
  }

  private sum(orders: Resting[]): number {
    return orders.reduce((total, o) => total + o.remaining, 0);
  }

  private place(order: NewOrder): Event[] {
    if (this.usedIds.includes(order.id))
      return [{ type: 'rejected', orderId: order.id, reason: 'duplicate' }];
    this.usedIds.push(order.id);
    let reason: RejectReason | null = null;
    if (!positiveWhole(order.quantity)) reason = 'bad-quantity';
    else if (
      order.minQuantity !== null &&
      (!positiveWhole(order.minQuantity) || order.minQuantity > order.quantity)
    )
      reason = 'bad-quantity';
    else if (order.type === 'market' && order.price !== null) reason = 'bad-price';
    else if (order.type === 'limit' && !positiveWhole(order.price)) reason = 'bad-price';
    else if (order.price !== null && order.price % this.tick !== 0) reason = 'tick';
    else if (this.phase === 'halted') reason = 'halted';
    else if (this.phase === 'closed') reason = 'phase';
    else if (
      this.phase === 'call' &&
      (order.tif === 'ioc' || order.tif === 'fok' || order.minQuantity !== null)
    )
      reason = 'phase';
    if (reason) return [{ type: 'rejected', orderId: order.id, reason }];

    const events: Event[] = [{ type: 'accepted', orderId: order.id }];
    const incoming: Resting = {
      id: order.id,
      orgId: order.orgId,
      side: order.side,
      type: order.type,
      tif: order.tif,
      price: order.price,
      remaining: order.quantity,
      seq: 0,
    };
    const cancel = (why: CancelReason) =>
      events.push({ type: 'cancelled', orderId: order.id, remaining: incoming.remaining, reason: why });

    if (this.phase === 'call') {
      if (this.crossesOwnOrg(incoming)) cancel('stp');
      else {
        this.restOrder(incoming);
        if (incoming.price !== null)
          events.push({
            type: 'rested',
            orderId: order.id,
            side: order.side,
            price: incoming.price,
            remaining: incoming.remaining,
          });
      }
      return events;
    }

    if (order.tif === 'fok' && this.executable(incoming) < order.quantity) {
      cancel('fok');
      return events;
    }
    if (order.tif !== 'fok' && order.minQuantity !== null && this.executable(incoming) < order.minQuantity) {
      cancel('min-qty');
      return events;
    }
    const selfTrade = this.match(incoming, events);
    if (incoming.remaining === 0) return events;
    if (selfTrade) cancel('stp');
    else if (order.type === 'market') cancel('market-unfilled');
    else if (order.tif === 'ioc') cancel('ioc');
    else {
      this.restOrder(incoming);
      events.push({
        type: 'rested',
        orderId: order.id,
        side: order.side,
        price: incoming.price as number,
        remaining: incoming.remaining,
      });
    }
    return events;
  }

  private amend(orderId: string, orgId: string, price: number | null, quantity: number | null): Event[] {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) return [{ type: 'rejected', orderId, reason: 'unknown-order' }];
    if (order.orgId !== orgId) return [{ type: 'rejected', orderId, reason: 'not-owner' }];
    let reason: RejectReason | null = null;
    if (quantity !== null && !positiveWhole(quantity)) reason = 'bad-quantity';
    else if (price !== null && order.type === 'market') reason = 'bad-price';
    else if (price !== null && !positiveWhole(price)) reason = 'bad-price';
    else if (price !== null && price % this.tick !== 0) reason = 'tick';
    else if (this.phase === 'halted') reason = 'halted';
    else if (this.phase === 'closed') reason = 'phase';
    if (reason) return [{ type: 'rejected', orderId, reason }];

    const newPrice = price ?? order.price;
    const newQuantity = quantity ?? order.remaining;
    const priceChanged = newPrice !== order.price;
    const lostPriority = priceChanged || newQuantity > order.remaining;
    order.price = newPrice;
    order.remaining = newQuantity;
    const events: Event[] = [
      { type: 'amended', orderId, price: newPrice as number, remaining: newQuantity, lostPriority },
    ];
    if (!lostPriority) return events;

    this.drop(order);
    if (this.phase === 'call' && priceChanged && this.crossesOwnOrg(order)) {
      events.push({ type: 'cancelled', orderId, remaining: order.remaining, reason: 'stp' });
      return events;
    }
    if (this.phase === 'continuous' && priceChanged) {
      const before = events.length;
      const selfTrade = this.match(order, events);
      if (order.remaining === 0) return events;
      if (selfTrade) {
        events.push({ type: 'cancelled', orderId, remaining: order.remaining, reason: 'stp' });
        return events;
      }
      if (events.length > before)
        events.push({
          type: 'rested',
          orderId,
          side: order.side,
          price: order.price as number,
          remaining: order.remaining,
        });
    }
    this.restOrder(order);
    return events;
  }

  private open(referencePrice: number | null): Event[] {
    const uncross = this.indicative(referencePrice);
    const events: Event[] = [{ type: 'opened', price: uncross?.price ?? null, volume: uncross?.volume ?? 0 }];
    if (uncross) {
      const buys = this.orders
        .filter((o) => o.side === 'buy' && crosses(o.price, uncross.price))
        .sort(byPriority);
      const sells = this.orders
        .filter((o) => o.side === 'sell' && crosses(uncross.price, o.price))
        .sort(byPriority);
      let left = uncross.volume;
      while (left > 0) {
        const buy = buys.find((o) => o.remaining > 0)!;
        const sell = sells.find((o) => o.remaining > 0)!;
        const quantity = Math.min(left, buy.remaining, sell.remaining);
        events.push(this.fill(buy, sell, uncross.price, quantity, null));
        buy.remaining -= quantity;
        sell.remaining -= quantity;
        left -= quantity;
      }
      this.orders = this.orders.filter((o) => o.remaining > 0);
    }
    for (const o of this.orders.filter((x) => x.type === 'market').sort((a, b) => a.seq - b.seq)) {
      this.drop(o);
      events.push({ type: 'cancelled', orderId: o.id, remaining: o.remaining, reason: 'market-unfilled' });
    }
    this.phase = 'continuous';
    events.push({ type: 'phase', phase: 'continuous' });
    return events;
  }

  /** What `incoming` could trade now, in priority order, until an order of its own org stands in the way. */
  private executable(incoming: Resting): number {
    let total = 0;
    for (const maker of this.contra(incoming)) {
      if (maker.orgId === incoming.orgId) break;
      total += maker.remaining;
    }
    return total;
  }

  /** Trades `incoming` against the book; true when an order of its own org stopped it. */
  private match(incoming: Resting, events: Event[]): boolean {
    while (incoming.remaining > 0) {
      const maker = this.contra(incoming)[0];
      if (!maker) return false;
      if (maker.orgId === incoming.orgId) return true;
      const quantity = Math.min(incoming.remaining, maker.remaining);
      const [buy, sell] = incoming.side === 'buy' ? [incoming, maker] : [maker, incoming];
      events.push(this.fill(buy, sell, maker.price as number, quantity, incoming.side));
      incoming.remaining -= quantity;
      maker.remaining -= quantity;
      if (maker.remaining === 0) this.drop(maker);
    }
    return false;
  }

  /** The resting orders on the other side that `incoming`'s price reaches, best first. */
  private contra(incoming: Resting): Resting[] {
    return this.orders
      .filter((o) => o.side !== incoming.side)
      .filter((o) =>
        incoming.side === 'buy' ? crosses(incoming.price, o.price) : crosses(o.price, incoming.price),
      )
      .sort(byPriority);
  }

  private crossesOwnOrg(incoming: Resting): boolean {
    return this.contra(incoming).some((o) => o.orgId === incoming.orgId);
  }

  private fill(buy: Resting, sell: Resting, price: number, quantity: number, aggressor: Side | null): Event {
    return {
      type: 'fill',
      tradeId: ++this.tradeId,
      buyOrderId: buy.id,
      sellOrderId: sell.id,
      buyOrgId: buy.orgId,
      sellOrgId: sell.orgId,
      price,
      quantity,
      aggressor,
    };
  }

  private restOrder(order: Resting): void {
    order.seq = ++this.seq;
    this.orders.push(order);
  }

  private drop(order: Resting): void {
    this.orders = this.orders.filter((o) => o !== order);
  }
}
