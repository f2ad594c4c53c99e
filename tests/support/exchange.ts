// Exchange test helpers: writer processes started and killed like a machine would, and random command streams.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { repoRoot } from '../../scripts/services';
import type { Command, Phase } from '../../app/exchange/types';

export type WriterProcess = {
  child: ChildProcess;
  /** Resolves when the process holds the lock, has replayed the journal and serves. */
  serving: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const running = new Set<ChildProcess>();

/** Starts tests/support/exchange-writer-process.ts for one instrument with this process's environment. */
export function startWriterProcess(options: {
  instrumentId: string;
  tick: number;
  phase?: Phase;
  env?: Record<string, string>;
}): WriterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/exchange-writer-process.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL === 'silent' ? 'silent' : 'error',
      WHARF_SERVICE: 'exchange',
      EXCHANGE_INSTRUMENT_ID: options.instrumentId,
      EXCHANGE_TICK: String(options.tick),
      EXCHANGE_PHASE: options.phase ?? 'continuous',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const serving = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('serving')) resolve();
    });
    void exited.then(({ code, signal }) => reject(new Error(`writer process exited (${code ?? signal})`)));
  });
  serving.catch(() => {});
  return { child, serving, exited };
}

/** Stops a writer process gracefully (SIGTERM) and waits for it to exit. */
export async function stopWriterProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await done;
}

/** For afterEach/afterAll: no writer process outlives its test. */
export async function stopAllWriterProcesses(): Promise<void> {
  await Promise.all([...running].map(stopWriterProcess));
}

/** A small seeded PRNG (mulberry32): the same seed gives the same stream. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` commands for a continuous book with tick 1 around 100 fen: limit GTC, IOC, FOK and market orders of a few
 * orgs, and cancels of earlier orders by their owners. Only commands whose repetition changes nothing (a repeated
 * place is 'duplicate', a repeated cancel 'unknown-order'), so a client may resend one it got no answer for.
 */
export function randomStream(seed: number, n: number, orgs = 4): Command[] {
  const next = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const placed: { id: string; orgId: string }[] = [];
  const commands: Command[] = [];
  for (let i = 0; i < n; i++) {
    const roll = next();
    if (roll < 0.12 && placed.length > 0) {
      // Each order is cancelled at most once, so every command of the stream is told apart by its order id.
      const target = placed.splice(int(0, placed.length - 1), 1)[0];
      commands.push({ type: 'cancel', orderId: target.id, orgId: target.orgId });
      continue;
    }
    const org = int(1, orgs);
    const id = randomUUID();
    const market = roll > 0.95;
    const tif = market ? 'ioc' : roll < 0.78 ? 'gtc' : roll < 0.88 ? 'ioc' : 'fok';
    commands.push({
      type: 'place',
      order: {
        id,
        orgId: `org_x${org}`,
        userId: `usr_x${org}`,
        side: next() < 0.5 ? 'buy' : 'sell',
        type: market ? 'market' : 'limit',
        tif,
        price: market ? null : int(95, 105),
        quantity: int(1, 20),
        minQuantity: null,
      },
    });
    placed.push({ id, orgId: `org_x${org}` });
  }
  return commands;
}
