// Submitting a command to an instrument's writer through Redis and waiting for its answer, given after commit.
import { randomUUID } from 'node:crypto';
import type { Command, Event } from './types';
import { type RedisClient, duplicateConnection } from '../lib/redis.server';
import { type CommandEnvelope, type Reply, commandsKey } from './wire.server';

/** No writer answered in time (none running, Redis away, or the writer is behind): pages answer 503. */
export class ExchangeUnavailable extends Error {
  override name = 'ExchangeUnavailable';
  constructor(
    readonly instrumentId: string,
    options?: { cause?: unknown },
  ) {
    super(`the exchange did not answer for instrument ${instrumentId}`, options);
  }
}

type Pending = {
  resolve: (answer: { seq: number; events: Event[] }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

/** One reply channel per Redis client (so per process): a subscriber connection and the requests waiting on it. */
type ReplyHub = {
  channel: string;
  subscriber: RedisClient;
  ready: Promise<unknown>;
  pending: Map<string, Pending>;
  counter: number;
};

const hubs = new WeakMap<RedisClient, ReplyHub>();

function replyHub(redis: RedisClient): ReplyHub {
  const existing = hubs.get(redis);
  if (existing !== undefined) return existing;
  const subscriber = duplicateConnection(redis);
  const hub: ReplyHub = {
    channel: `exchange:replies:${randomUUID()}`,
    subscriber,
    ready: Promise.resolve(),
    pending: new Map(),
    counter: 0,
  };
  // Errors surface as timeouts of the requests waiting; ioredis reconnects and subscribes again by itself.
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, message: string) => {
    for (const reply of JSON.parse(message) as Reply[]) {
      const waiting = hub.pending.get(reply.r);
      if (waiting === undefined) continue; // answered after its caller gave up
      hub.pending.delete(reply.r);
      clearTimeout(waiting.timer);
      if ('error' in reply)
        waiting.reject(new Error(`the exchange refused a malformed command (${reply.error})`));
      else waiting.resolve({ seq: reply.seq, events: reply.events });
    }
  });
  hub.ready = subscriber.subscribe(hub.channel);
  hub.ready.catch(() => {});
  hubs.set(redis, hub);
  return hub;
}

/**
 * Sends `command` to the instrument's writer and resolves with its sequence number and events once the batch
 * holding it has committed. Throws `ExchangeUnavailable` when no answer comes within `timeoutMs`; the writer
 * drops a command it picks up after that deadline, but one decided just before it may still commit — so a
 * caller that retries reuses the order id (a repeat is rejected 'duplicate').
 */
export async function submitCommand(
  redis: RedisClient,
  instrumentId: string,
  command: Command,
  { timeoutMs }: { timeoutMs: number },
): Promise<{ seq: number; events: Event[] }> {
  const deadline = Date.now() + timeoutMs;
  const hub = replyHub(redis);
  try {
    await hub.ready;
  } catch (error) {
    hubs.delete(redis);
    hub.subscriber.disconnect();
    throw new ExchangeUnavailable(instrumentId, { cause: error });
  }
  const r = String(++hub.counter);
  const answer = new Promise<{ seq: number; events: Event[] }>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        hub.pending.delete(r);
        reject(new ExchangeUnavailable(instrumentId));
      },
      Math.max(0, deadline - Date.now()),
    );
    hub.pending.set(r, { resolve, reject, timer });
  });
  const envelope: CommandEnvelope = { r, ch: hub.channel, d: deadline, c: command };
  try {
    await redis.lpush(commandsKey(instrumentId), JSON.stringify(envelope));
  } catch (error) {
    const waiting = hub.pending.get(r);
    if (waiting !== undefined) {
      clearTimeout(waiting.timer);
      hub.pending.delete(r);
    }
    answer.catch(() => {});
    throw new ExchangeUnavailable(instrumentId, { cause: error });
  }
  return answer;
}

/** Closes the reply subscriber `submitCommand` opened beside `redis` (shutdown, end of a test). */
export async function closeSubmitter(redis: RedisClient): Promise<void> {
  const hub = hubs.get(redis);
  if (hub === undefined) return;
  hubs.delete(redis);
  for (const [r, waiting] of hub.pending) {
    clearTimeout(waiting.timer);
    waiting.reject(new Error('the exchange submitter closed'));
    hub.pending.delete(r);
  }
  await hub.subscriber.quit().catch(() => hub.subscriber.disconnect());
}
