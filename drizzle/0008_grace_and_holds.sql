-- Grace (a bounded overdraft while a recharge is in flight) and holds (credits reserved for calls in progress).
-- The top-up pool may go below zero by at most grace_credits; the plan pool never does. A debit is accepted
-- when total - held - quantity >= -(grace_credits if grace_attempt_id is set, else 0), so without an open
-- grace nothing goes below zero (the old invariant), and an overdraft left by a failed recharge refuses usage.
ALTER TABLE "credit_balances" ADD COLUMN "held_credits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD COLUMN "grace_credits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD COLUMN "grace_attempt_id" uuid;--> statement-breakpoint
ALTER TABLE "credit_balances" DROP CONSTRAINT "credit_balances_topup_nonnegative";--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_topup_within_grace" CHECK ("credit_balances"."topup_credits" >= -"credit_balances"."grace_credits");--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_grace_nonnegative" CHECK ("credit_balances"."grace_credits" >= 0);--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_held_nonnegative" CHECK ("credit_balances"."held_credits" >= 0);--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_balance_after_nonnegative";--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_balance_after_nonnegative" CHECK ("ledger_entries"."balance_after" >= 0 OR "ledger_entries"."pool" = 'topup');--> statement-breakpoint
CREATE TYPE "public"."hold_status" AS ENUM('active', 'captured', 'released', 'expired');--> statement-breakpoint
CREATE TABLE "credit_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"captured_quantity" integer,
	"status" "hold_status" DEFAULT 'active' NOT NULL,
	"idempotency_key" text,
	"capture_idempotency_key" text,
	"expires_at" timestamp with time zone NOT NULL,
	"usage_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_holds_quantity_range" CHECK ("credit_holds"."quantity" BETWEEN 1 AND 1000000),
	CONSTRAINT "credit_holds_captured_range" CHECK ("credit_holds"."captured_quantity" IS NULL OR "credit_holds"."captured_quantity" BETWEEN 0 AND 1000000),
	CONSTRAINT "credit_holds_captured_iff_status" CHECK (("credit_holds"."status" = 'captured') = ("credit_holds"."captured_quantity" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "credit_holds" ADD CONSTRAINT "credit_holds_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_holds_org_key_uq" ON "credit_holds" USING btree ("org_id","idempotency_key") WHERE "credit_holds"."idempotency_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "credit_holds_active_expiry_idx" ON "credit_holds" USING btree ("expires_at") WHERE "credit_holds"."status" = 'active';
