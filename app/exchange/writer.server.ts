// The exchange engine's durable single writer (issue #14, ADR 0030): one process per instrument, holding a
// PostgreSQL advisory lock, decides commands from Redis in memory and journals them in group-committed batches.
import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import postgres, { type ReservedSql, type Sql } from 'postgres';
import { log } from '../lib/log.server';
import { type BookSnapshot, OrderBook } from './book';
import type { JournalEntry } from './journal.server';
import type { Command, Phase } from './types';
import { type RedisClient, duplicateConnection } from '../lib/redis.server';
import { type CommandEnvelope, type Reply, commandsKey } from './wire.server';

export type WriterState = 'waiting' | 'serving' | 'stopped';

export type ExchangeWriterOptions = {
  instrumentId: string;
  /** Tick of a new instrument's book; once a snapshot exists, the snapshot's tick holds. */
  tick: number;
  /** Phase of a new instrument's book (default 'closed'). */
  phase?: Phase;
  /** Either a URL (the writer opens its own one-connection client) or a pool it reserves one connection of. */
  databaseUrl?: string;
  sql?: Sql;
  /** Publishes answers; the writer opens its own blocking connection beside it. */
  redis: RedisClient;
  /** Called after each batch committed and was answered, in sequence; errors are logged, never retried. */
  onCommitted?: (instrumentId: string, entries: JournalEntry[]) => void | Promise<void>;
  /** Most commands decided and committed together (default 512). */
  maxBatch?: number;
  /** A snapshot after every this many commands (default 5,000). */
  snapshotEvery?: number;
  /** Batches decided while earlier ones commit (default 2): one fills while the previous one's commit is flushed. */
  inFlight?: number;
  /** After the first command of a batch, wait this long for more (default 0). */
  lingerMs?: number;
  /** How often a writer waiting for the lock tries again (default 500 ms). */
  lockRetryMs?: number;
  /**
   * The session step the book must take before it decides the commands it just took (the worker passes the trading
   * hours): 'start-call' when the hours say the call has begun and the book is still closed. Journaled as the
   * batch's first row, so an order sent at the start of the call is never refused by a book the session driver
   * has not reached yet (it drives once a second), nor by one that a writer started mid-call has only just loaded.
   */
  sessionStep?: (phase: Phase, now: Date) => Command | null;
};

export type ExchangeWriter = {
  readonly instrumentId: string;
  readonly state: WriterState;
  /** The last committed sequence number (0 before any). */
  readonly committedSeq: number;
  /** Stops taking commands, lets in-flight batches commit, releases the lock. Commands still queued stay for the next writer. */
  stop(): Promise<void>;
};

/** How long a BRPOP waits before the writer looks whether it is being stopped. */
const POLL_SECONDS = 0.5;
const REPLAY_PAGE = 5_000;
// JSON goes over as text and is cast in SQL: a parameter PostgreSQL types as jsonb would be encoded once more.
const COMMAND_TYPES = new Set(['place', 'cancel', 'amend', 'open', 'close', 'start-call', 'halt', 'resume']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The advisory lock key of an instrument's writer: 64 bits of a hash, so instruments practically never share one. */
const lockKey = (instrumentId: string) => `wharf.exchange:${instrumentId}`;

function parseEnvelope(raw: string): CommandEnvelope | { r?: string; ch?: string; bad: true } {
  try {
    const envelope = JSON.parse(raw) as Partial<CommandEnvelope> | null;
    if (
      envelope !== null &&
      typeof envelope === 'object' &&
      typeof envelope.r === 'string' &&
      typeof envelope.ch === 'string' &&
      typeof envelope.d === 'number' &&
      typeof envelope.c === 'object' &&
      envelope.c !== null &&
      COMMAND_TYPES.has(envelope.c.type) &&
      (envelope.c.type !== 'place' || (typeof envelope.c.order === 'object' && envelope.c.order !== null))
    )
      return envelope as CommandEnvelope;
    return {
      r: typeof envelope?.r === 'string' ? envelope.r : undefined,
      ch: typeof envelope?.ch === 'string' ? envelope.ch : undefined,
      bad: true,
    };
  } catch {
    return { bad: true };
  }
}

/**
 * The book as the journal says it is: the latest snapshot, then every journal row after it applied in sequence
 * (each row's events must come out the same — the book is deterministic, so a difference means corruption).
 * A brand-new instrument gets its seq-0 snapshot written, so replay always starts from a stored book.
 */
export async function loadBook(
  sql: Sql | ReservedSql,
  instrumentId: string,
  fresh: { tick: number; phase?: Phase },
): Promise<{ book: OrderBook; seq: number; snapshotSeq: number }> {
  const [snap] = await sql<{ seq: string; snapshot: BookSnapshot }[]>`
    select seq, snapshot from exchange_snapshots where instrument_id = ${instrumentId}::uuid
    order by seq desc limit 1`;
  let book: OrderBook;
  let seq: number;
  if (snap === undefined) {
    book = new OrderBook({ tick: fresh.tick, phase: fresh.phase ?? 'closed' });
    seq = 0;
    await sql`
      insert into exchange_snapshots (instrument_id, seq, snapshot)
      values (${instrumentId}::uuid, 0, ${JSON.stringify(book.snapshot())}::text::jsonb)
      on conflict do nothing`;
  } else {
    book = OrderBook.restore(snap.snapshot);
    seq = Number(snap.seq);
  }
  const snapshotSeq = seq;
  for (;;) {
    const rows = await sql<{ seq: string; command: Command; events: unknown }[]>`
      select seq, command, events from exchange_journal
      where instrument_id = ${instrumentId}::uuid and seq > ${seq}::bigint
      order by seq limit ${REPLAY_PAGE}`;
    for (const row of rows) {
      const rowSeq = Number(row.seq);
      if (rowSeq !== seq + 1)
        throw new Error(`exchange journal of ${instrumentId} has a gap before seq ${rowSeq}`);
      const events = book.apply(row.command);
      // Through jsonb and back: the same values, keys reordered — a deep comparison is what holds.
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(events)), row.events))
        throw new Error(`exchange journal of ${instrumentId}: replaying seq ${rowSeq} gave other events`);
      seq = rowSeq;
    }
    if (rows.length < REPLAY_PAGE) break;
  }
  return { book, seq, snapshotSeq };
}

/**
 * Starts the writer of one instrument. It waits until it holds the instrument's advisory lock (another
 * process may be writer; it takes over when that one stops or dies), replays the journal, then serves.
 */
export function startExchangeWriter(options: ExchangeWriterOptions): ExchangeWriter {
  const { instrumentId, redis } = options;
  const maxBatch = options.maxBatch ?? 512;
  const snapshotEvery = options.snapshotEvery ?? 5_000;
  const lockRetryMs = options.lockRetryMs ?? 500;
  const maxInFlight = options.inFlight ?? 2;
  const lingerMs = options.lingerMs ?? 0;
  if (options.sql === undefined && options.databaseUrl === undefined)
    throw new Error('startExchangeWriter needs databaseUrl or sql');
  const own =
    options.sql === undefined
      ? postgres(options.databaseUrl as string, {
          max: 1,
          onnotice: () => {},
          connection: { application_name: 'wharf-exchange-writer' },
        })
      : null;
  const pool = options.sql ?? (own as Sql);
  const key = commandsKey(instrumentId);
  const blocking = duplicateConnection(redis, { maxRetriesPerRequest: null, commandTimeout: undefined });
  blocking.on('error', (error) => log.warn({ err: error, instrumentId }, 'exchange writer redis error'));

  let state: WriterState = 'waiting';
  let stopping = false;
  let committedSeq = 0;
  let hooks: Promise<void> = Promise.resolve();

  const publish = (replies: Map<string, Reply[]>) => {
    if (replies.size === 0) return;
    const pipeline = redis.pipeline();
    for (const [channel, list] of replies) pipeline.publish(channel, JSON.stringify(list));
    pipeline
      .exec()
      .catch((error) => log.warn({ err: error, instrumentId }, 'exchange answers not published'));
  };

  const runHook = (entries: JournalEntry[]) => {
    const onCommitted = options.onCommitted;
    if (onCommitted === undefined) return;
    hooks = hooks
      .then(() => onCommitted(instrumentId, entries))
      .catch((error) => log.error({ err: error, instrumentId }, 'exchange onCommitted hook failed'));
  };

  /** One tenure as writer: lock, replay, serve until stopped or a write fails. */
  const session = async (conn: ReservedSql) => {
    for (;;) {
      if (stopping) return;
      const [{ locked }] = await conn<{ locked: boolean }[]>`
        select pg_try_advisory_lock(hashtextextended(${lockKey(instrumentId)}, 0)) as locked`;
      if (locked) break;
      await sleep(lockRetryMs);
    }
    try {
      const loaded = await loadBook(conn, instrumentId, { tick: options.tick, phase: options.phase });
      const book = loaded.book;
      let seq = loaded.seq;
      let snapshotSeq = loaded.snapshotSeq;
      committedSeq = seq;
      state = 'serving';
      log.info({ instrumentId, seq }, 'exchange writer serving');

      let chain: Promise<void> = Promise.resolve();
      const inFlight: Promise<void>[] = [];
      let failure: unknown = null;
      while (!stopping) {
        if (failure !== null) throw failure;
        // BLMPOP (Redis 7): BRPOP and RPOP of up to a batch more in one round trip.
        // (A cluster connection takes the same command; the cast only picks one of the two overload sets.)
        const popped = await (blocking as Redis).blmpop(POLL_SECONDS, 1, key, 'RIGHT', 'COUNT', maxBatch);
        if (popped === null) continue;
        const raws = popped[1];
        // Linger: commands of clients answered a moment ago are on their way; one transaction for them too.
        if (lingerMs > 0 && raws.length < maxBatch) {
          await sleep(lingerMs);
          const more = await blocking.rpop(key, maxBatch - raws.length);
          if (more !== null) raws.push(...more);
        }

        // Decide the batch in memory, in arrival order, after the session step the trading hours call for.
        const now = Date.now();
        const entries: JournalEntry[] = [];
        const step = options.sessionStep?.(book.phase, new Date(now)) ?? null;
        if (step !== null) {
          seq++;
          entries.push({ seq, command: step, events: book.apply(step) });
        }
        const replies = new Map<string, Reply[]>();
        const refused = new Map<string, Reply[]>();
        for (const raw of raws) {
          const envelope = parseEnvelope(raw);
          if ('bad' in envelope) {
            log.warn({ instrumentId }, 'exchange writer refused a malformed command');
            if (envelope.r !== undefined && envelope.ch !== undefined) {
              const list = refused.get(envelope.ch) ?? [];
              list.push({ r: envelope.r, error: 'bad-command' });
              refused.set(envelope.ch, list);
            }
            continue;
          }
          // Its caller has given up and been told the exchange is unavailable: do not act on it behind its back.
          if (envelope.d < now) continue;
          const events = book.apply(envelope.c);
          seq++;
          entries.push({ seq, command: envelope.c, events });
          const list = replies.get(envelope.ch) ?? [];
          list.push({ r: envelope.r, seq, events });
          replies.set(envelope.ch, list);
        }
        publish(refused);
        if (entries.length === 0) continue;

        const firstSeq = entries[0].seq;
        const lastSeq = seq;
        // One statement, so one transaction and one WAL flush; it inserts nothing unless the previous batch's
        // last row is there, so a batch never commits after a failed one (no gap), and the primary key stops
        // a second writer that lost the lock without noticing.
        const journaled = conn`
          insert into exchange_journal (instrument_id, seq, command, events)
          select ${instrumentId}::uuid, ${firstSeq}::bigint + t.i - 1, t.e -> 'c', t.e -> 'e'
          from jsonb_array_elements(${JSON.stringify(entries.map((e) => ({ c: e.command, e: e.events })))}::text::jsonb)
            with ordinality as t(e, i)
          where ${firstSeq}::bigint = 1 or exists (
            select 1 from exchange_journal where instrument_id = ${instrumentId}::uuid and seq = ${firstSeq - 1}::bigint)`.execute();
        let snapshotted: Promise<unknown> = Promise.resolve();
        if (lastSeq - snapshotSeq >= snapshotEvery) {
          snapshotSeq = lastSeq;
          snapshotted = conn`
            insert into exchange_snapshots (instrument_id, seq, snapshot)
            select ${instrumentId}::uuid, ${lastSeq}::bigint, ${JSON.stringify(book.snapshot())}::text::jsonb
            where exists (
              select 1 from exchange_journal where instrument_id = ${instrumentId}::uuid and seq = ${lastSeq}::bigint)
            on conflict do nothing`.execute();
        }
        const previous = chain;
        const done = (async () => {
          const result = await journaled;
          await previous;
          if (result.count !== entries.length)
            throw new Error(`exchange journal of ${instrumentId}: batch from seq ${firstSeq} not written`);
          committedSeq = lastSeq;
          publish(replies);
          runHook(entries);
          await snapshotted;
        })();
        // A failed batch ends this tenure at the next turn of the loop (its callers time out).
        done.catch((error) => {
          failure ??= error;
        });
        chain = done;
        inFlight.push(done);
        if (inFlight.length >= maxInFlight) await inFlight.shift();
      }
      await Promise.all(inFlight);
    } finally {
      state = 'waiting';
      await conn`select pg_advisory_unlock(hashtextextended(${lockKey(instrumentId)}, 0))`.catch(() => {});
    }
  };

  const running = (async () => {
    while (!stopping) {
      let conn: ReservedSql | null = null;
      try {
        conn = await pool.reserve();
        await session(conn);
      } catch (error) {
        if (!stopping) log.error({ err: error, instrumentId }, 'exchange writer failed; starting over');
      } finally {
        conn?.release();
      }
      // The book in memory may hold decisions that never committed: the next tenure rebuilds it from the journal.
      if (!stopping) await sleep(lockRetryMs);
    }
    state = 'stopped';
  })();

  return {
    instrumentId,
    get state() {
      return state;
    },
    get committedSeq() {
      return committedSeq;
    },
    async stop() {
      stopping = true;
      await running;
      await hooks;
      blocking.disconnect();
      await own?.end({ timeout: 5 });
    },
  };
}
