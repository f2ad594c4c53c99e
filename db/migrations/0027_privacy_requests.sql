-- Personal-data rights (issue #16.1): the log of every request and its outcome, kept after the person is erased.
CREATE TABLE "privacy_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_user_id" text,
	"org_id" text,
	"requested_by" text,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "privacy_requests_kind" CHECK ("privacy_requests"."kind" in ('view', 'export', 'correct', 'consent', 'delete_account', 'delete_org', 'retention')),
	CONSTRAINT "privacy_requests_status" CHECK ("privacy_requests"."status" in ('pending', 'done', 'refused', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD CONSTRAINT "privacy_requests_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_requests_subject_idx" ON "privacy_requests" USING btree ("subject_user_id","requested_at");--> statement-breakpoint
CREATE INDEX "privacy_requests_org_idx" ON "privacy_requests" USING btree ("org_id","requested_at");
