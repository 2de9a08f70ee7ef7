ALTER TABLE "auto_recharge_settings" ADD COLUMN "grace_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "payment_method_id" text;
