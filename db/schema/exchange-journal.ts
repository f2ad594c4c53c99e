// The exchange engine's durable state (issue #14, ADR 0030): each instrument's journal of decided commands and
// the book snapshots replay starts from. No foreign key to instruments: the journal is the engine's own record.
import { sql } from 'drizzle-orm';
import { bigint, check, jsonb, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { BookSnapshot } from '../../app/exchange/book';
import type { Command, Event } from '../../app/exchange/types';

/** One row per command the instrument's writer decided, in sequence (seq 1, 2, … with no gap). */
export const exchangeJournal = pgTable(
  'exchange_journal',
  {
    instrumentId: uuid('instrument_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    command: jsonb('command').$type<Command>().notNull(),
    events: jsonb('events').$type<Event[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.instrumentId, t.seq] }),
    check('exchange_journal_seq_positive', sql`${t.seq} > 0`),
  ],
);

/** The book after journal row `seq` (0: the book before any command). */
export const exchangeSnapshots = pgTable(
  'exchange_snapshots',
  {
    instrumentId: uuid('instrument_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    snapshot: jsonb('snapshot').$type<BookSnapshot>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.instrumentId, t.seq] }),
    check('exchange_snapshots_seq_not_negative', sql`${t.seq} >= 0`),
  ],
);

export type ExchangeJournalRow = typeof exchangeJournal.$inferSelect;
