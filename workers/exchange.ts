// The exchange in the worker process (ADR 0031): a writer per instrument, the projection of each committed batch
// (fills → orders, cover and stock released), the session driver (call, random end of the call, open, close, halt)
// and the sweep that ends orders no writer ever took.
import { eq } from 'drizzle-orm';
import { db } from '../db/client';
import { exchangeCursors, instruments } from '../db/schema';
import type { Instrument } from '../db/schema';
import {
  exchangeChannel,
  expireUnansweredOrders,
  projectJournal,
  referencePriceFen,
} from '../app/exchange/orders.server';
import { randomCallEnd, scheduledPhase, sessionTimes } from '../app/exchange/rules';
import { submitCommand } from '../app/exchange/submit.server';
import type { Command, Phase } from '../app/exchange/types';
import { type ExchangeWriter, startExchangeWriter } from '../app/exchange/writer.server';
import { env } from '../app/lib/env.server';
import { publish } from '../app/lib/events.server';
import { log } from '../app/lib/log.server';
import { marketToday } from '../app/lib/market-time';
import { redis } from '../app/lib/redis.server';

const TICK_MS = 1_000;
const SUBMIT_TIMEOUT_MS = 5_000;

type Driven = {
  writer: ExchangeWriter;
  /** The book's phase as its last answer said (null until the driver has heard). */
  phase: Phase | null;
  /** The day and drawn end of the call of the current session (drawn once, kept in this process). */
  day: string | null;
  callEnd: Date | null;
};

/** Projects an instrument's journal and tells its pages (they reload the book on 'exchange'). */
async function project(instrumentId: string): Promise<void> {
  const before = await db
    .select({ lastSeq: exchangeCursors.lastSeq })
    .from(exchangeCursors)
    .where(eq(exchangeCursors.instrumentId, instrumentId));
  const seq = await projectJournal(db, instrumentId);
  if (seq !== (before[0]?.lastSeq ?? 0))
    await publish(exchangeChannel(instrumentId), { type: 'exchange', seq });
}

/** The phase command that brings the book from `phase` towards `wanted`, or null when it is there. */
function commandFor(phase: Phase | null, wanted: Phase, referencePrice: number | null): Command | null {
  if (phase === wanted) return null;
  if (wanted === 'halted')
    return phase === 'call' || phase === 'continuous' || phase === null ? { type: 'halt' } : null;
  if (phase === 'halted') return { type: 'resume' };
  if (wanted === 'call') return phase === 'continuous' ? null : { type: 'start-call' };
  if (wanted === 'continuous')
    return phase === 'call' ? { type: 'open', referencePrice } : { type: 'start-call' };
  return { type: 'close' };
}

async function drive(instrument: Instrument, driven: Driven, now: Date): Promise<void> {
  const day = marketToday(undefined, now);
  const times = sessionTimes(instrument, day);
  if (driven.day !== day) {
    driven.day = day;
    driven.callEnd = randomCallEnd(times);
  }
  const wanted = scheduledPhase(times, now, {
    callEnd: driven.callEnd,
    halted: instrument.status === 'halted',
  });
  const command = commandFor(driven.phase, wanted, await referencePriceFen(db, instrument, day));
  if (!command) return;
  const { events } = await submitCommand(redis(), instrument.id, command, { timeoutMs: SUBMIT_TIMEOUT_MS });
  const phases = events.filter((event) => event.type === 'phase');
  driven.phase = phases.at(-1)?.phase ?? driven.phase;
  if (command.type === 'open' || command.type === 'close' || command.type === 'start-call')
    log.info({ instrumentId: instrument.id, command: command.type, phase: driven.phase }, 'exchange session');
}

/**
 * The writer's own session step (ExchangeWriterOptions.sessionStep): a closed book starts its call as soon as the
 * trading hours say the call (or the continuous session) has begun, before the orders it takes in the same batch.
 */
function startCallWhenDue(instrument: () => Instrument | undefined) {
  return (phase: Phase, now: Date): Command | null => {
    const latest = instrument();
    if (phase !== 'closed' || !latest) return null;
    const wanted = scheduledPhase(sessionTimes(latest, marketToday(undefined, now)), now, {
      halted: latest.status === 'halted',
    });
    return wanted === 'call' || wanted === 'continuous' ? { type: 'start-call' } : null;
  };
}

export function startExchange(): { stop(): Promise<void> } {
  const driven = new Map<string, Driven>();
  /** Each instrument as the loop last read it: an edit of its hours reaches its writer's session step. */
  const latest = new Map<string, Instrument>();
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      try {
        const now = new Date();
        const all = await db.select().from(instruments);
        for (const instrument of all) {
          latest.set(instrument.id, instrument);
          let entry = driven.get(instrument.id);
          if (!entry) {
            entry = {
              writer: startExchangeWriter({
                instrumentId: instrument.id,
                tick: instrument.tickFen,
                databaseUrl: env().DATABASE_URL,
                redis: redis(),
                onCommitted: (instrumentId) => project(instrumentId),
                sessionStep: startCallWhenDue(() => latest.get(instrument.id)),
              }),
              phase: null,
              day: null,
              callEnd: null,
            };
            driven.set(instrument.id, entry);
          }
          // Only the process that holds the writer drives the session (one driver per instrument).
          if (entry.writer.state !== 'serving') continue;
          await drive(instrument, entry, now).catch((error) =>
            log.warn({ err: error, instrumentId: instrument.id }, 'exchange session step failed'),
          );
          await project(instrument.id);
          await expireUnansweredOrders(db, instrument.id, new Date(now.getTime() - 60_000));
        }
      } catch (error) {
        log.error({ err: error }, 'exchange loop failed');
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      await Promise.all([...driven.values()].map((entry) => entry.writer.stop()));
    },
  };
}
