ALTER TYPE "public"."ledger_entry_kind" ADD VALUE 'refund';--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE 'dispute';--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE 'dispute_reversal';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'credits_taken_back';--> statement-breakpoint
CREATE TABLE "refund_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"purchase_id" text NOT NULL,
	"payment_intent_id" text NOT NULL,
	"credits" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"stripe_refund_id" text,
	"last_error" text,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refund_requests_purchase_id_unique" UNIQUE("purchase_id"),
	CONSTRAINT "refund_requests_stripe_refund_id_unique" UNIQUE("stripe_refund_id"),
	CONSTRAINT "refund_requests_amounts_positive" CHECK ("refund_requests"."credits" >= 1 AND "refund_requests"."amount_cents" >= 1)
);
--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refund_requests_pending_idx" ON "refund_requests" USING btree ("created_at") WHERE "refund_requests"."status" = 'pending';
