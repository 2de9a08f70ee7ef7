-- #14 consent, recharge to a target, backup card, back-off on declines.
ALTER TABLE "auto_recharge_settings" ADD COLUMN "recharge_to" integer;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings" ADD COLUMN "backup_payment_method_id" text;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings" ADD COLUMN "backup_card_label" text;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings" ADD COLUMN "retry_not_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings" ADD CONSTRAINT "ars_recharge_to_above_threshold" CHECK ("auto_recharge_settings"."recharge_to" IS NULL OR "auto_recharge_settings"."recharge_to" > "auto_recharge_settings"."threshold");--> statement-breakpoint
ALTER TABLE "auto_recharge_settings_changes" ADD COLUMN "consent_text" text;--> statement-breakpoint
ALTER TABLE "auto_recharge_settings_changes" ADD COLUMN "consent_version" text;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "card_label" text;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "backup_payment_method_id" text;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "backup_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "primary_failure_code" text;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "primary_decline_code" text;--> statement-breakpoint
-- The settings audit trail (and the consents it records) is append-only; rows go only with their org.
CREATE OR REPLACE FUNCTION refuse_settings_change_edit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM organizations WHERE id = OLD.org_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'auto_recharge_settings_changes is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ars_changes_append_only
  BEFORE UPDATE OR DELETE ON auto_recharge_settings_changes
  FOR EACH ROW EXECUTE FUNCTION refuse_settings_change_edit();
--> statement-breakpoint
CREATE TRIGGER ars_changes_no_truncate
  BEFORE TRUNCATE ON auto_recharge_settings_changes
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_settings_change_edit();
