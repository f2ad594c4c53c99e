-- Erasure (issue #16 part 1): a deleted account keeps its row under a pseudonym, an org can close, and the audit
-- chain hashes a salted digest of an entry's personal part, kept apart so that it can be erased (ADR 0043).
ALTER TABLE "users" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "personal_digest" text;--> statement-breakpoint
CREATE TABLE "audit_personal" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"user_id" text,
	"salt" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_personal_user_idx" ON "audit_personal" USING btree ("user_id");
