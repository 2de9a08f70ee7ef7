CREATE TYPE "public"."checkout_mode" AS ENUM('payment', 'setup', 'subscription');--> statement-breakpoint
CREATE TYPE "public"."stripe_event_outcome" AS ENUM('processing', 'processed', 'ignored', 'failed');--> statement-breakpoint
CREATE TYPE "public"."recharge_status" AS ENUM('pending', 'processing', 'succeeded', 'failed', 'requires_action', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."recharge_trigger" AS ENUM('auto', 'manual');--> statement-breakpoint
CREATE TYPE "public"."email_status" AS ENUM('queued', 'sent', 'failed', 'recorded');--> statement-breakpoint
CREATE TYPE "public"."incident_kind" AS ENUM('no_payment_method', 'card_declined', 'verification_needed', 'internal_error', 'disabled_after_failures', 'spending_limit_reached');--> statement-breakpoint
CREATE TABLE "checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"mode" "checkout_mode" NOT NULL,
	"packs" integer,
	"credits" integer,
	"amount_cents" integer,
	"currency" text DEFAULT 'usd' NOT NULL,
	"plan" "plan_id",
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stripe_customers" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"default_payment_method_id" text,
	"card_brand" text,
	"card_last4" text,
	"card_exp_month" integer,
	"card_exp_year" integer,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_customers_customer_id_unique" UNIQUE("customer_id")
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"outcome" "stripe_event_outcome" DEFAULT 'processing' NOT NULL,
	"result" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"deliveries" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"plan" "plan_id" NOT NULL,
	"price_id" text,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auto_recharge_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"threshold" integer NOT NULL,
	"recharge_packs" integer NOT NULL,
	"max_recharges_per_month" integer DEFAULT 10 NOT NULL,
	"spending_limit_cents" integer,
	"spending_alert_percent" integer DEFAULT 80 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"spending_alert_sent_for" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ars_threshold_positive" CHECK ("auto_recharge_settings"."threshold" >= 1),
	CONSTRAINT "ars_packs_range" CHECK ("auto_recharge_settings"."recharge_packs" BETWEEN 1 AND 100),
	CONSTRAINT "ars_max_positive" CHECK ("auto_recharge_settings"."max_recharges_per_month" >= 1),
	CONSTRAINT "ars_limit_positive" CHECK ("auto_recharge_settings"."spending_limit_cents" IS NULL OR "auto_recharge_settings"."spending_limit_cents" >= 1),
	CONSTRAINT "ars_alert_range" CHECK ("auto_recharge_settings"."spending_alert_percent" BETWEEN 1 AND 100)
);
--> statement-breakpoint
CREATE TABLE "auto_recharge_settings_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid,
	"api_key_id" uuid,
	"source" text NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recharge_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"trigger" "recharge_trigger" NOT NULL,
	"status" "recharge_status" DEFAULT 'pending' NOT NULL,
	"packs" integer NOT NULL,
	"credits" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"payment_intent_id" text,
	"failure_code" text,
	"decline_code" text,
	"failure_message" text,
	"balance_before" integer,
	"threshold" integer,
	"balance_after" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "recharge_attempts_payment_intent_id_unique" UNIQUE("payment_intent_id"),
	CONSTRAINT "recharge_attempts_amounts_positive" CHECK ("recharge_attempts"."packs" >= 1 AND "recharge_attempts"."credits" >= 1 AND "recharge_attempts"."amount_cents" >= 1)
);
--> statement-breakpoint
CREATE TABLE "billing_incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" "incident_kind" NOT NULL,
	"message" text NOT NULL,
	"attempt_id" uuid,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dismissed_at" timestamp with time zone,
	"dismissed_by" uuid
);
--> statement-breakpoint
CREATE TABLE "outgoing_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid,
	"kind" text NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"status" "email_status" DEFAULT 'queued' NOT NULL,
	"error" text,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outgoing_emails_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_customers" ADD CONSTRAINT "stripe_customers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings" ADD CONSTRAINT "auto_recharge_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings_changes" ADD CONSTRAINT "auto_recharge_settings_changes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings_changes" ADD CONSTRAINT "auto_recharge_settings_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD CONSTRAINT "recharge_attempts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD CONSTRAINT "recharge_attempts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_incidents" ADD CONSTRAINT "billing_incidents_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_incidents" ADD CONSTRAINT "billing_incidents_attempt_id_recharge_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."recharge_attempts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_incidents" ADD CONSTRAINT "billing_incidents_dismissed_by_users_id_fk" FOREIGN KEY ("dismissed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkout_sessions_org_created_idx" ON "checkout_sessions" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "subscriptions_org_idx" ON "subscriptions" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "ars_changes_org_created_idx" ON "auto_recharge_settings_changes" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "recharge_attempts_one_open_auto_uq" ON "recharge_attempts" USING btree ("org_id") WHERE "recharge_attempts"."trigger" = 'auto' AND "recharge_attempts"."status" IN ('pending', 'processing', 'requires_action');--> statement-breakpoint
CREATE INDEX "recharge_attempts_org_trigger_created_idx" ON "recharge_attempts" USING btree ("org_id","trigger","created_at");--> statement-breakpoint
CREATE INDEX "recharge_attempts_org_completed_idx" ON "recharge_attempts" USING btree ("org_id","completed_at") WHERE "recharge_attempts"."status" = 'succeeded';--> statement-breakpoint
CREATE INDEX "recharge_attempts_open_idx" ON "recharge_attempts" USING btree ("status","updated_at") WHERE "recharge_attempts"."status" IN ('pending', 'processing');--> statement-breakpoint
CREATE UNIQUE INDEX "billing_incidents_org_dedupe_uq" ON "billing_incidents" USING btree ("org_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "billing_incidents_org_created_idx" ON "billing_incidents" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "outgoing_emails_org_created_idx" ON "outgoing_emails" USING btree ("org_id","created_at");