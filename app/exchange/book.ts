// The order book of one instrument: pure, deterministic, in memory — the same commands give the same events.
//
// Rules beyond the contract (docs: the readable examples in tests/unit/exchange-book.test.ts):
// - An order id is consumed by the first `place` that carries it, whatever its outcome: any later `place`
//   with that id is rejected 'duplicate'. Checks run in this order: duplicate, bad-quantity (quantity, then
//   minQuantity: null or 1..quantity), bad-price (limit needs a positive integer, market needs null), tick,
//   halted, phase.
// - `place` is accepted in 'call' and 'continuous'; in 'call', IOC, FOK and orders with a minimum quantity
//   are rejected 'phase' (nothing executes on entry in the call). In 'closed' everything is rejected 'phase'.
// - Amend: `quantity` is the new open (remaining) quantity; null leaves it. Price change or quantity up
//   → new time priority; quantity down → keeps it. An amended price that crosses the book (continuous) trades
//   like an incoming order: 'amended', its fills, then 'rested' with what is left if it traded, or
//   'cancelled' 'stp'. Amend is rejected 'halted' when halted and 'phase' when closed.
// - Self-trade prevention. Continuous: the incoming order's remainder is cancelled 'stp' when the best contra
//   order is its own org's. Call: the uncross pairs orders anywhere in the crossed range, so an order (or an
//   amended price) that would cross a resting order of its own org is cancelled 'stp' on entry. Hence no
//   fill ever has the same org on both sides.
// - Phase commands that do not apply in the current phase change nothing and answer the current phase.
//   close: day orders and market orders left from the call are cancelled 'expired' (oldest first).
//   halt from call or continuous; resume returns to it.
// - The uncross price ranges over every tick price: most volume, then least |imbalance|, then nearest the
//   reference price (rounded to the tick), then the lower price. No volume → price null. Executing orders
//   are taken in priority (market orders first, then price, then time) and paired in that order; market
//   orders left over are cancelled 'market-unfilled'.
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
} from './types';

export type SnapshotOrder = {
  id: string;
  orgId: string;
  userId: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  price: number | null;
  remaining: number;
  seq: number;
};

/** Everything the book knows, JSON-serializable; `orders` are the resting ones in time priority. */
export type BookSnapshot = {
  version: 1;
  tick: number;
  phase: Phase;
  haltedFrom: Phase | null;
  lastTradeId: number;
  lastSeq: number;
  /** Every order id ever placed: a repeat is rejected 'duplicate'. */
  ids: string[];
  orders: SnapshotOrder[];
};

export type RestingOrder = {
  side: Side;
  type: OrderType;
  price: number | null;
  remaining: number;
  orgId: string;
  userId: string;
  tif: TimeInForce;
};

/** A resting order: a node in its price level's FIFO. */
class Node {
  prev: Node | null = null;
  next: Node | null = null;
  level: PriceLevel | null = null;
  constructor(
    readonly id: string,
    readonly orgId: string,
    readonly userId: string,
    readonly side: Side,
    readonly type: OrderType,
    readonly tif: TimeInForce,
    public price: number | null,
    public remaining: number,
    public seq: number,
  ) {}
}

class PriceLevel {
  head: Node | null = null;
  tail: Node | null = null;
  quantity = 0;
  count = 0;
  constructor(readonly price: number) {}

  append(node: Node): void {
    node.level = this;
    node.next = null;
    node.prev = this.tail;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.quantity += node.remaining;
    this.count++;
  }

  unlink(node: Node): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = node.level = null;
    this.quantity -= node.remaining;
    this.count--;
  }
}

/** One side's price levels, sorted worst → best so the best level is at the end (push/pop are cheap). */
class BookSide {
  readonly levels: PriceLevel[] = [];
  readonly byPrice = new Map<number, PriceLevel>();
  /** Market orders waiting for the uncross (call phase only). */
  readonly market = new PriceLevel(0);
  constructor(readonly buy: boolean) {}

  best(): PriceLevel | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** Index of the first level better than `price` (where a level at `price` belongs). */
  private slot(price: number): number {
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    if (this.buy) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (levels[mid].price <= price) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (levels[mid].price >= price) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }

  levelAt(price: number): PriceLevel {
    let level = this.byPrice.get(price);
    if (level !== undefined) return level;
    level = new PriceLevel(price);
    this.byPrice.set(price, level);
    const levels = this.levels;
    const n = levels.length;
    if (n === 0 || (this.buy ? price > levels[n - 1].price : price < levels[n - 1].price)) levels.push(level);
    else levels.splice(this.slot(price), 0, level);
    return level;
  }

  dropLevel(level: PriceLevel): void {
    this.byPrice.delete(level.price);
    const levels = this.levels;
    if (levels[levels.length - 1] === level) levels.pop();
    else levels.splice(this.slot(level.price) - 1, 1);
  }

  /** Takes `node` off its level (or the market queue), dropping a level left empty. */
  remove(node: Node): void {
    const level = node.level!;
    level.unlink(node);
    if (level.count === 0 && level !== this.market) this.dropLevel(level);
  }
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

export class OrderBook {
  readonly tick: number;
  private currentPhase: Phase;
  private haltedFrom: Phase | null = null;
  private lastTradeId = 0;
  private lastSeq = 0;
  private readonly ids = new Set<string>();
  private readonly resting = new Map<string, Node>();
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);

  constructor(options: { tick: number; phase?: Phase }) {
    if (!isCount(options.tick)) throw new Error('tick must be a positive whole number of fen');
    this.tick = options.tick;
    this.currentPhase = options.phase ?? 'closed';
  }

  get phase(): Phase {
    return this.currentPhase;
  }

  apply(command: Command): Event[] {
    switch (command.type) {
      case 'place':
        return this.place(command.order);
      case 'cancel':
        return this.cancel(command.orderId, command.orgId);
      case 'amend':
        return this.amend(command.orderId, command.orgId, command.price, command.quantity);
      case 'open':
        return this.open(command.referencePrice);
      case 'close':
        return this.close();
      case 'start-call':
        return this.currentPhase === 'closed' ? this.enter('call') : this.unchanged();
      case 'halt':
        if (this.currentPhase !== 'call' && this.currentPhase !== 'continuous') return this.unchanged();
        this.haltedFrom = this.currentPhase;
        return this.enter('halted');
      case 'resume': {
        if (this.currentPhase !== 'halted') return this.unchanged();
        const back = this.haltedFrom!;
        this.haltedFrom = null;
        return this.enter(back);
      }
    }
  }

  depth(levels: number): Depth {
    return { bids: this.sideDepth(this.bids, levels), asks: this.sideDepth(this.asks, levels) };
  }

  order(orderId: string): RestingOrder | undefined {
    const node = this.resting.get(orderId);
    if (node === undefined) return undefined;
    return {
      side: node.side,
      type: node.type,
      price: node.price,
      remaining: node.remaining,
      orgId: node.orgId,
      userId: node.userId,
      tif: node.tif,
    };
  }

  /** What the open would do now: price, volume and (buy − sell) imbalance at that price; null if nothing trades. */
  indicative(referencePrice: number | null): Indicative {
    return this.uncrossPrice(referencePrice);
  }

  snapshot(): BookSnapshot {
    const orders: SnapshotOrder[] = [];
    for (const node of this.resting.values())
      orders.push({
        id: node.id,
        orgId: node.orgId,
        userId: node.userId,
        side: node.side,
        type: node.type,
        tif: node.tif,
        price: node.price,
        remaining: node.remaining,
        seq: node.seq,
      });
    orders.sort((a, b) => a.seq - b.seq);
    return {
      version: 1,
      tick: this.tick,
      phase: this.currentPhase,
      haltedFrom: this.haltedFrom,
      lastTradeId: this.lastTradeId,
      lastSeq: this.lastSeq,
      ids: [...this.ids],
      orders,
    };
  }

  static restore(snapshot: BookSnapshot): OrderBook {
    if (snapshot.version !== 1) throw new Error(`unknown book snapshot version ${snapshot.version}`);
    const book = new OrderBook({ tick: snapshot.tick, phase: snapshot.phase });
    book.haltedFrom = snapshot.haltedFrom;
    book.lastTradeId = snapshot.lastTradeId;
    book.lastSeq = snapshot.lastSeq;
    for (const id of snapshot.ids) book.ids.add(id);
    // Within a level the FIFO is in seq order, so appending in seq order rebuilds every queue.
    const orders = [...snapshot.orders].sort((a, b) => a.seq - b.seq);
    for (const o of orders) {
      const node = new Node(o.id, o.orgId, o.userId, o.side, o.type, o.tif, o.price, o.remaining, o.seq);
      book.rest(node);
    }
    return book;
  }

  // ——— commands ———

  private place(order: NewOrder): Event[] {
    const id = order.id;
    if (this.ids.has(id)) return [{ type: 'rejected', orderId: id, reason: 'duplicate' }];
    this.ids.add(id);
    const reason = this.placeProblem(order);
    if (reason !== null) return [{ type: 'rejected', orderId: id, reason }];

    const events: Event[] = [{ type: 'accepted', orderId: id }];
    const node = new Node(
      id,
      order.orgId,
      order.userId,
      order.side,
      order.type,
      order.tif,
      order.price,
      order.quantity,
      0,
    );
    if (this.currentPhase === 'call') {
      if (this.crossesOwnOrg(node)) this.cancelled(events, id, node.remaining, 'stp');
      else {
        node.seq = ++this.lastSeq;
        this.rest(node);
        if (node.price !== null)
          events.push({
            type: 'rested',
            orderId: id,
            side: node.side,
            price: node.price,
            remaining: node.remaining,
          });
      }
      return events;
    }

    if (order.tif === 'fok' || order.minQuantity !== null) {
      const need = order.tif === 'fok' ? order.quantity : (order.minQuantity as number);
      if (this.executable(node, need) < need) {
        this.cancelled(events, id, node.remaining, order.tif === 'fok' ? 'fok' : 'min-qty');
        return events;
      }
    }
    const stp = this.match(node, events);
    if (node.remaining === 0) return events;
    if (stp) this.cancelled(events, id, node.remaining, 'stp');
    else if (order.type === 'market') this.cancelled(events, id, node.remaining, 'market-unfilled');
    else if (order.tif === 'ioc' || order.tif === 'fok') this.cancelled(events, id, node.remaining, 'ioc');
    else {
      node.seq = ++this.lastSeq;
      this.rest(node);
      events.push({
        type: 'rested',
        orderId: id,
        side: node.side,
        price: node.price as number,
        remaining: node.remaining,
      });
    }
    return events;
  }

  private placeProblem(order: NewOrder): RejectReason | null {
    if (!isCount(order.quantity)) return 'bad-quantity';
    if (order.minQuantity !== null && (!isCount(order.minQuantity) || order.minQuantity > order.quantity))
      return 'bad-quantity';
    if (order.type === 'market' ? order.price !== null : !isCount(order.price)) return 'bad-price';
    if (order.price !== null && order.price % this.tick !== 0) return 'tick';
    const phase = this.currentPhase;
    if (phase === 'halted') return 'halted';
    if (phase === 'closed') return 'phase';
    if (phase === 'call' && (order.tif === 'ioc' || order.tif === 'fok' || order.minQuantity !== null))
      return 'phase';
    return null;
  }

  private cancel(orderId: string, orgId: string): Event[] {
    const node = this.resting.get(orderId);
    if (node === undefined) return [{ type: 'rejected', orderId, reason: 'unknown-order' }];
    if (node.orgId !== orgId) return [{ type: 'rejected', orderId, reason: 'not-owner' }];
    this.unrest(node);
    return [{ type: 'cancelled', orderId, remaining: node.remaining, reason: 'user' }];
  }

  private amend(orderId: string, orgId: string, price: number | null, quantity: number | null): Event[] {
    const node = this.resting.get(orderId);
    if (node === undefined) return [{ type: 'rejected', orderId, reason: 'unknown-order' }];
    if (node.orgId !== orgId) return [{ type: 'rejected', orderId, reason: 'not-owner' }];
    let reason: RejectReason | null = null;
    if (quantity !== null && !isCount(quantity)) reason = 'bad-quantity';
    else if (price !== null && (node.type === 'market' || !isCount(price))) reason = 'bad-price';
    else if (price !== null && price % this.tick !== 0) reason = 'tick';
    else if (this.currentPhase === 'halted') reason = 'halted';
    else if (this.currentPhase === 'closed') reason = 'phase';
    if (reason !== null) return [{ type: 'rejected', orderId, reason }];

    const newPrice = price ?? node.price;
    const newQuantity = quantity ?? node.remaining;
    const priceChanged = newPrice !== node.price;
    const lostPriority = priceChanged || newQuantity > node.remaining;
    const side = node.side === 'buy' ? this.bids : this.asks;

    if (!lostPriority) {
      if (newQuantity !== node.remaining) {
        node.level!.quantity -= node.remaining - newQuantity;
        node.remaining = newQuantity;
      }
      return [{ type: 'amended', orderId, price: newPrice as number, remaining: newQuantity, lostPriority }];
    }

    side.remove(node);
    node.price = newPrice;
    node.remaining = newQuantity;
    const events: Event[] = [
      { type: 'amended', orderId, price: newPrice as number, remaining: newQuantity, lostPriority },
    ];
    if (this.currentPhase === 'call') {
      if (priceChanged && this.crossesOwnOrg(node)) {
        this.resting.delete(orderId);
        this.cancelled(events, orderId, node.remaining, 'stp');
        return events;
      }
    } else if (priceChanged) {
      const before = events.length;
      const stp = this.match(node, events);
      if (node.remaining === 0) {
        this.resting.delete(orderId);
        return events;
      }
      if (stp) {
        this.resting.delete(orderId);
        this.cancelled(events, orderId, node.remaining, 'stp');
        return events;
      }
      if (events.length > before)
        events.push({
          type: 'rested',
          orderId,
          side: node.side,
          price: node.price as number,
          remaining: node.remaining,
        });
    }
    node.seq = ++this.lastSeq;
    (node.price === null ? side.market : side.levelAt(node.price)).append(node);
    return events;
  }

  private open(referencePrice: number | null): Event[] {
    if (this.currentPhase !== 'call') return this.unchanged();
    const uncross = this.uncrossPrice(referencePrice);
    const events: Event[] = [{ type: 'opened', price: uncross?.price ?? null, volume: uncross?.volume ?? 0 }];
    if (uncross !== null) {
      const price = uncross.price;
      let left = uncross.volume;
      while (left > 0) {
        const buy = this.bids.market.head ?? this.bids.best()!.head!;
        const sell = this.asks.market.head ?? this.asks.best()!.head!;
        const quantity = Math.min(left, buy.remaining, sell.remaining);
        left -= quantity;
        this.trade(buy, sell, price, quantity, null, events);
        this.reduce(buy, quantity);
        this.reduce(sell, quantity);
      }
    }
    const unfilled: Node[] = [];
    for (let n = this.bids.market.head; n !== null; n = n.next) unfilled.push(n);
    for (let n = this.asks.market.head; n !== null; n = n.next) unfilled.push(n);
    unfilled.sort((a, b) => a.seq - b.seq);
    for (const node of unfilled) {
      this.unrest(node);
      this.cancelled(events, node.id, node.remaining, 'market-unfilled');
    }
    this.currentPhase = 'continuous';
    events.push({ type: 'phase', phase: 'continuous' });
    return events;
  }

  private close(): Event[] {
    if (this.currentPhase === 'closed') return this.unchanged();
    const expiring: Node[] = [];
    for (const node of this.resting.values())
      if (node.tif === 'day' || node.type === 'market') expiring.push(node);
    expiring.sort((a, b) => a.seq - b.seq);
    const events: Event[] = [];
    for (const node of expiring) {
      this.unrest(node);
      this.cancelled(events, node.id, node.remaining, 'expired');
    }
    this.haltedFrom = null;
    this.currentPhase = 'closed';
    events.push({ type: 'phase', phase: 'closed' });
    return events;
  }

  private enter(phase: Phase): Event[] {
    this.currentPhase = phase;
    return [{ type: 'phase', phase }];
  }

  private unchanged(): Event[] {
    return [{ type: 'phase', phase: this.currentPhase }];
  }

  // ——— matching ———

  /** Continuous matching of `node` (not resting) against the contra side; true when stopped by its own org. */
  private match(node: Node, events: Event[]): boolean {
    const buy = node.side === 'buy';
    const contra = buy ? this.asks : this.bids;
    const limit = node.price;
    const levels = contra.levels;
    while (node.remaining > 0 && levels.length > 0) {
      const level = levels[levels.length - 1];
      if (limit !== null && (buy ? level.price > limit : level.price < limit)) break;
      const maker = level.head!;
      if (maker.orgId === node.orgId) return true;
      const quantity = node.remaining < maker.remaining ? node.remaining : maker.remaining;
      if (buy) this.trade(node, maker, level.price, quantity, 'buy', events);
      else this.trade(maker, node, level.price, quantity, 'sell', events);
      node.remaining -= quantity;
      this.reduce(maker, quantity);
    }
    return false;
  }

  /** How much of `need` `node` could execute now, stopping at its own org's order (FOK, minimum quantity). */
  private executable(node: Node, need: number): number {
    const buy = node.side === 'buy';
    const levels = (buy ? this.asks : this.bids).levels;
    const limit = node.price;
    let total = 0;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i];
      if (limit !== null && (buy ? level.price > limit : level.price < limit)) break;
      for (let maker = level.head; maker !== null; maker = maker.next) {
        if (maker.orgId === node.orgId) return total;
        total += maker.remaining;
        if (total >= need) return total;
      }
    }
    return total;
  }

  /** In the call: would `node` cross a resting contra order of its own org? */
  private crossesOwnOrg(node: Node): boolean {
    const buy = node.side === 'buy';
    const contra = buy ? this.asks : this.bids;
    for (let o = contra.market.head; o !== null; o = o.next) if (o.orgId === node.orgId) return true;
    const limit = node.price;
    const levels = contra.levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i];
      if (limit !== null && (buy ? level.price > limit : level.price < limit)) break;
      for (let o = level.head; o !== null; o = o.next) if (o.orgId === node.orgId) return true;
    }
    return false;
  }

  private trade(
    buy: Node,
    sell: Node,
    price: number,
    quantity: number,
    aggressor: Side | null,
    events: Event[],
  ) {
    events.push({
      type: 'fill',
      tradeId: ++this.lastTradeId,
      buyOrderId: buy.id,
      sellOrderId: sell.id,
      buyOrgId: buy.orgId,
      sellOrgId: sell.orgId,
      price,
      quantity,
      aggressor,
    });
  }

  /** A resting order traded `quantity`: shrink it, and take it off the book when it is done. */
  private reduce(node: Node, quantity: number): void {
    node.remaining -= quantity;
    node.level!.quantity -= quantity;
    if (node.remaining === 0) this.unrest(node);
  }

  private rest(node: Node): void {
    const side = node.side === 'buy' ? this.bids : this.asks;
    (node.price === null ? side.market : side.levelAt(node.price)).append(node);
    this.resting.set(node.id, node);
  }

  private unrest(node: Node): void {
    (node.side === 'buy' ? this.bids : this.asks).remove(node);
    this.resting.delete(node.id);
  }

  private cancelled(events: Event[], orderId: string, remaining: number, reason: CancelReason): void {
    events.push({ type: 'cancelled', orderId, remaining, reason });
  }

  // ——— the call ———

  /** The reference price on the tick grid (nearest tick price, ties down, at least one tick). */
  private onTick(referencePrice: number | null): number | null {
    if (referencePrice === null || !Number.isFinite(referencePrice)) return null;
    const ticks = Math.max(1, Math.ceil(referencePrice / this.tick - 0.5));
    return ticks * this.tick;
  }

  private uncrossPrice(referencePrice: number | null): Indicative {
    const tick = this.tick;
    const reference = this.onTick(referencePrice);
    const marketBuy = this.bids.market.quantity;
    const marketSell = this.asks.market.quantity;
    // Every limit price, ascending, with the bid and ask quantity at it.
    const bidLevels = this.bids.levels; // ascending
    const askLevels = this.asks.levels; // descending
    const prices: number[] = [];
    const bidQty: number[] = [];
    const askQty: number[] = [];
    let i = 0;
    let j = askLevels.length - 1;
    while (i < bidLevels.length || j >= 0) {
      const b = i < bidLevels.length ? bidLevels[i].price : Number.POSITIVE_INFINITY;
      const a = j >= 0 ? askLevels[j].price : Number.POSITIVE_INFINITY;
      const p = b < a ? b : a;
      prices.push(p);
      bidQty.push(b === p ? bidLevels[i++].quantity : 0);
      askQty.push(a === p ? askLevels[j--].quantity : 0);
    }
    const k = prices.length;
    // demand[x] = buys willing to pay prices[x]; supply[x] = sells willing to take prices[x].
    const demand = new Array<number>(k);
    const supply = new Array<number>(k);
    let acc = marketBuy;
    for (let x = k - 1; x >= 0; x--) demand[x] = acc += bidQty[x];
    acc = marketSell;
    for (let x = 0; x < k; x++) supply[x] = acc += askQty[x];

    let best: { price: number; volume: number; imbalance: number } | null = null;
    let bestDistance = 0;
    const consider = (price: number, d: number, s: number) => {
      const volume = d < s ? d : s;
      const imbalance = d - s;
      const distance = reference === null ? 0 : Math.abs(price - reference);
      if (
        best === null ||
        volume > best.volume ||
        (volume === best.volume &&
          (Math.abs(imbalance) < Math.abs(best.imbalance) ||
            (Math.abs(imbalance) === Math.abs(best.imbalance) &&
              (distance < bestDistance || (distance === bestDistance && price < best.price)))))
      ) {
        best = { price, volume, imbalance };
        bestDistance = distance;
      }
    };
    const clamp = (lo: number, hi: number) =>
      reference === null ? lo : reference < lo ? lo : reference > hi ? hi : reference;

    if (k === 0) {
      if (reference !== null) consider(reference, marketBuy, marketSell);
    } else {
      // Below the lowest and above the highest limit price only the reference price itself can be best.
      if (reference !== null && reference < prices[0]) consider(reference, demand[0], marketSell);
      for (let x = 0; x < k; x++) {
        consider(prices[x], demand[x], supply[x]);
        // Strictly between two limit prices demand is that of the upper one, supply that of the lower one.
        if (x + 1 < k && prices[x + 1] - prices[x] > tick)
          consider(clamp(prices[x] + tick, prices[x + 1] - tick), demand[x + 1], supply[x]);
      }
      if (reference !== null && reference > prices[k - 1]) consider(reference, marketBuy, supply[k - 1]);
    }
    const found = best as { price: number; volume: number; imbalance: number } | null;
    return found === null || found.volume === 0 ? null : found;
  }

  private sideDepth(side: BookSide, count: number): Level[] {
    const out: Level[] = [];
    const levels = side.levels;
    for (let i = levels.length - 1; i >= 0 && out.length < count; i--) {
      const level = levels[i];
      out.push({ price: level.price, quantity: level.quantity, orders: level.count });
    }
    return out;
  }
}
