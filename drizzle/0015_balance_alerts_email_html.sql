ALTER TABLE "outgoing_emails" ADD COLUMN "html" text;--> statement-breakpoint
CREATE TABLE "balance_alert_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"thresholds" integer[] NOT NULL,
	"recipients" text[] DEFAULT '{}' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "balance_alert_states" (
	"org_id" uuid NOT NULL,
	"threshold" integer NOT NULL,
	"armed" boolean DEFAULT true NOT NULL,
	"last_fired_at" timestamp with time zone,
	"fire_count" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "balance_alert_states_org_id_threshold_pk" PRIMARY KEY("org_id","threshold")
);
--> statement-breakpoint
ALTER TABLE "balance_alert_settings" ADD CONSTRAINT "balance_alert_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "balance_alert_states" ADD CONSTRAINT "balance_alert_states_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
