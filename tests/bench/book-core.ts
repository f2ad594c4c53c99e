// Benchmark book-core: in-memory matching ops/s of the exchange's OrderBook on the exchange-core mix (82 % move =
// amend the price of a resting order, 9 % GTC place, 6 % cancel, 3 % IOC) with 1,000 and 10,000 resting orders,
// against the npm package nodejs-order-book on the same seeded stream in the same process.
//   npm run bench -- book-core                 300,000 ops per pass, 5 passes each, median
//   npm run bench -- book-core --n 1000000 --repeats 7
import { OrderBook as BaselineBook } from 'nodejs-order-book';
import { OrderBook } from '../../app/exchange/book';
import type { Command, Side } from '../../app/exchange/types';
import type { BenchContext } from './run';
import { positiveInt, random, round } from './support';

const SIZES = [1_000, 10_000];
const DEFAULTS = { n: 300_000, repeats: 5 };
const TICK = 10;
const MID = 100_000;
/** Resting prices lie within this many ticks of the mid, most of them near the touch. */
const SPREAD_TICKS = 500;
const ORGS = 50;
const BASELINE = 'nodejs-order-book 10.1.1, same stream';

type Op =
  | { kind: 'move'; id: string; price: number }
  | { kind: 'cancel'; id: string }
  | { kind: 'place' | 'ioc'; id: string; side: Side; price: number; size: number };

type Stream = {
  prefill: Op[];
  ops: Op[];
  commands: Command[];
  prefillCommands: Command[];
  resting: number[];
};

/**
 * The seeded stream for `resting` orders. It is generated against an OrderBook (untimed) so that moves and cancels
 * always name an order still resting, and both books then replay the same concrete operations.
 */
function generate(resting: number, n: number): Stream {
  const r = random(14_000 + resting);
  const book = new OrderBook({ tick: TICK, phase: 'continuous' });
  const pool: string[] = [];
  const at = new Map<string, number>();
  const add = (id: string) => {
    at.set(id, pool.length);
    pool.push(id);
  };
  const drop = (id: string) => {
    const i = at.get(id);
    if (i === undefined) return;
    const last = pool.pop()!;
    if (last !== id) {
      pool[i] = last;
      at.set(last, i);
    }
    at.delete(id);
  };
  const priceFor = (side: Side) => {
    const offset = 1 + Math.floor(r.next() * r.next() * SPREAD_TICKS);
    return MID + (side === 'buy' ? -offset : offset) * TICK;
  };
  let seq = 0;
  const owner = new Map<string, string>();
  const toCommand = (op: Op): Command => {
    if (op.kind === 'move')
      return { type: 'amend', orderId: op.id, orgId: owner.get(op.id)!, price: op.price, quantity: null };
    if (op.kind === 'place') {
      const orgId = `org-${r.int(1, ORGS)}`;
      owner.set(op.id, orgId);
      return {
        type: 'place',
        order: { ...order(op), orgId, userId: `${orgId}-user`, tif: 'gtc' },
      };
    }
    if (op.kind === 'ioc')
      return { type: 'place', order: { ...order(op), orgId: 'org-taker', userId: 'taker', tif: 'ioc' } };
    return { type: 'cancel', orderId: op.id, orgId: owner.get(op.id)! };
  };
  const order = (op: { id: string; side: Side; price: number; size: number }) => ({
    id: op.id,
    side: op.side,
    type: 'limit' as const,
    price: op.price,
    quantity: op.size,
    minQuantity: null,
  });
  const run = (op: Op, into: Op[], commands: Command[]) => {
    const command = toCommand(op);
    into.push(op);
    commands.push(command);
    for (const event of book.apply(command)) {
      if (event.type === 'rested') add(event.orderId);
      else if (event.type === 'cancelled') drop(event.orderId);
      else if (event.type === 'fill') {
        if (!book.order(event.buyOrderId)) drop(event.buyOrderId);
        if (!book.order(event.sellOrderId)) drop(event.sellOrderId);
      }
    }
  };
  const newPlace = (): Op => {
    const side: Side = r.chance(0.5) ? 'buy' : 'sell';
    return { kind: 'place', id: `n${++seq}`, side, price: priceFor(side), size: r.int(1, 100) };
  };

  const prefill: Op[] = [];
  const prefillCommands: Command[] = [];
  while (pool.length < resting) run(newPlace(), prefill, prefillCommands);

  const ops: Op[] = [];
  const commands: Command[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    if (x < 0.82 && pool.length > 0) {
      const id = pool[r.int(0, pool.length - 1)];
      const current = book.order(id)!;
      let price = priceFor(current.side);
      while (price === current.price) price = priceFor(current.side);
      run({ kind: 'move', id, price }, ops, commands);
    } else if (x < 0.91) run(newPlace(), ops, commands);
    else if (x < 0.97 && pool.length > 0) {
      const id = pool[r.int(0, pool.length - 1)];
      run({ kind: 'cancel', id }, ops, commands);
    } else {
      // An IOC that reaches a couple of ticks past the touch; sized to keep the resting count near its target.
      const side: Side = r.chance(0.5) ? 'buy' : 'sell';
      const touch = side === 'buy' ? book.depth(1).asks[0]?.price : book.depth(1).bids[0]?.price;
      const price = (touch ?? MID) + (side === 'buy' ? 2 : -2) * TICK;
      const scale = pool.length > resting * 1.05 ? 3 : pool.length < resting * 0.95 ? 0.3 : 1;
      const size = Math.max(1, Math.round(r.int(1, 120) * scale));
      run({ kind: 'ioc', id: `i${++seq}`, side, price, size }, ops, commands);
    }
    if (i % 1000 === 0) sizes.push(pool.length);
  }
  return { prefill, ops, commands, prefillCommands, resting: sizes };
}

type Depthish = { price: number; quantity: number }[][];

function runOurs(stream: Stream): { seconds: number; depth: Depthish } {
  const book = new OrderBook({ tick: TICK, phase: 'continuous' });
  for (const command of stream.prefillCommands) book.apply(command);
  const commands = stream.commands;
  const start = performance.now();
  for (let i = 0; i < commands.length; i++) book.apply(commands[i]);
  const seconds = (performance.now() - start) / 1000;
  const { bids, asks } = book.depth(Number.MAX_SAFE_INTEGER);
  return {
    seconds,
    depth: [bids, asks].map((side) => side.map((l) => ({ price: l.price, quantity: l.quantity }))),
  };
}

function runBaseline(stream: Stream): { seconds: number; depth: Depthish } {
  const book = new BaselineBook();
  const apply = (op: Op) => {
    switch (op.kind) {
      case 'move':
        book.modify(op.id, { price: op.price });
        return;
      case 'cancel':
        book.cancel(op.id);
        return;
      case 'place':
        book.limit({ id: op.id, side: op.side as never, size: op.size, price: op.price });
        return;
      case 'ioc':
        book.limit({
          id: op.id,
          side: op.side as never,
          size: op.size,
          price: op.price,
          timeInForce: 'IOC' as never,
        });
        return;
    }
  };
  for (const op of stream.prefill) apply(op);
  const ops = stream.ops;
  const start = performance.now();
  for (let i = 0; i < ops.length; i++) apply(ops[i]);
  const seconds = (performance.now() - start) / 1000;
  const [asks, bids] = book.depth();
  return {
    seconds,
    depth: [bids, asks].map((side) => side.map(([price, quantity]) => ({ price, quantity }))),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n, DEFAULTS.n, '--n', 10_000_000);
  const repeats = positiveInt(options.repeats, DEFAULTS.repeats, '--repeats', 50);
  const results: { resting: number; ours: number; theirs: number }[] = [];
  for (const resting of SIZES) {
    const stream = generate(resting, n);
    const counts = stream.ops.reduce<Record<string, number>>((acc, op) => {
      acc[op.kind] = (acc[op.kind] ?? 0) + 1;
      return acc;
    }, {});
    log(
      `${resting} resting: ${n} ops ${JSON.stringify(counts)}, resting during the stream ` +
        `${Math.min(...stream.resting)}–${Math.max(...stream.resting)}`,
    );
    // Warm both up on the same stream, then alternate passes so neither gets the quieter moments of the machine.
    const oursSeconds: number[] = [];
    const theirsSeconds: number[] = [];
    const warmOurs = runOurs(stream);
    const warmTheirs = runBaseline(stream);
    if (JSON.stringify(warmOurs.depth) !== JSON.stringify(warmTheirs.depth))
      throw new Error(`book-core: the two books disagree after the ${resting}-order stream`);
    log(
      `both books end with the same depth (${warmOurs.depth[0].length}+${warmOurs.depth[1].length} levels)`,
    );
    for (let i = 0; i < repeats; i++) {
      oursSeconds.push(runOurs(stream).seconds);
      theirsSeconds.push(runBaseline(stream).seconds);
    }
    const ours = n / median(oursSeconds);
    const theirs = n / median(theirsSeconds);
    log(
      `passes ours ${oursSeconds.map((s) => round(n / s / 1000, 0)).join(', ')} k ops/s; ` +
        `baseline ${theirsSeconds.map((s) => round(n / s / 1000, 0)).join(', ')} k ops/s`,
    );
    results.push({ resting, ours, theirs });
    emit({
      bench: 'book-core',
      metric: `ops/s, exchange-core mix, ${resting} resting`,
      value: Math.round(ours),
      baseline: BASELINE,
      baseline_value: Math.round(theirs),
      ratio: round(ours / theirs, 2),
      resting,
      ops: n,
      repeats,
    });
  }
  const [small, large] = results;
  const slowdown = small.ours / large.ours;
  const baselineSlowdown = small.theirs / large.theirs;
  emit({
    bench: 'book-core',
    metric: `slowdown ${small.resting}→${large.resting} resting (ops/s ratio; lower is better, ratio = baseline/value)`,
    value: round(slowdown, 2),
    baseline: BASELINE,
    baseline_value: round(baselineSlowdown, 2),
    ratio: round(baselineSlowdown / slowdown, 2),
  });
}
