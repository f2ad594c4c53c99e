CREATE TABLE "buy_tokens" (
	"buyer_org_id" text NOT NULL,
	"token" text NOT NULL,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buy_tokens_buyer_org_id_token_pk" PRIMARY KEY("buyer_org_id","token")
);
--> statement-breakpoint
ALTER TABLE "buy_tokens" ADD CONSTRAINT "buy_tokens_buyer_org_id_organisations_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buy_tokens" ADD CONSTRAINT "buy_tokens_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;