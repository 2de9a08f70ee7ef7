ALTER TABLE "recharge_attempts" ADD COLUMN "outcome_unknown_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "charge_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "stripe_searched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
UPDATE "checkout_sessions" SET "status" = 'complete' WHERE "completed_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "checkout_sessions_open_idx" ON "checkout_sessions" USING btree ("created_at") WHERE "status" = 'open';--> statement-breakpoint
CREATE INDEX "recharge_attempts_guessed_failed_idx" ON "recharge_attempts" USING btree ("created_at") WHERE "status" = 'failed' AND "failure_code" = 'internal_error' AND "payment_intent_id" IS NULL AND "stripe_searched_at" IS NULL;
