// Reading an instrument's exchange journal: what its writer decided, in sequence (consumers: fills → orders, pages).
import { and, asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { exchangeJournal } from '../../db/schema';
import type { Command, Event } from './types';

/** One decided command: its place in the instrument's sequence (1, 2, … without gaps) and what it did. */
export type JournalEntry = { seq: number; command: Command; events: Event[] };

/**
 * Up to `limit` committed entries after `afterSeq`, in sequence. A consumer keeps the last seq it handled and
 * asks again from there; (instrument_id, seq) names an entry for good, so a consumer can be idempotent by it.
 */
export async function readJournal(
  db: DbOrTx,
  instrumentId: string,
  afterSeq: number,
  limit: number,
): Promise<JournalEntry[]> {
  return db
    .select({ seq: exchangeJournal.seq, command: exchangeJournal.command, events: exchangeJournal.events })
    .from(exchangeJournal)
    .where(and(eq(exchangeJournal.instrumentId, instrumentId), gt(exchangeJournal.seq, afterSeq)))
    .orderBy(asc(exchangeJournal.seq))
    .limit(limit);
}
