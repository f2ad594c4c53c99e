-- The exchange engine's journal and book snapshots (issue #14, ADR 0030). One writer per instrument appends
-- rows seq 1, 2, … in batches; replay starts from the latest snapshot. Deliberately no foreign key to the
-- instruments table: the journal is the engine's own record and is written on its hot path.
CREATE TABLE "exchange_journal" (
	"instrument_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"command" jsonb NOT NULL,
	"events" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_journal_instrument_id_seq_pk" PRIMARY KEY("instrument_id","seq"),
	CONSTRAINT "exchange_journal_seq_positive" CHECK ("seq" > 0)
);--> statement-breakpoint
CREATE TABLE "exchange_snapshots" (
	"instrument_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"snapshot" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_snapshots_instrument_id_seq_pk" PRIMARY KEY("instrument_id","seq"),
	CONSTRAINT "exchange_snapshots_seq_not_negative" CHECK ("seq" >= 0)
);
