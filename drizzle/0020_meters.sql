-- Meters and rate cards (issue #15): a usage event records its meter, units and properties; usage is rolled up
-- per (org, meter, hour) and per (org, property key, property value, hour), written by the ledger's debit statement.
ALTER TABLE "usage_events" ADD COLUMN "meter" text DEFAULT 'call' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "units" integer;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "properties" jsonb;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "occurred_at" timestamp with time zone;--> statement-breakpoint
CREATE TABLE "usage_meter_hourly" (
	"org_id" uuid NOT NULL,
	"meter" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"units" bigint NOT NULL,
	"credits" bigint NOT NULL,
	"events" integer NOT NULL,
	CONSTRAINT "usage_meter_hourly_org_id_meter_hour_pk" PRIMARY KEY("org_id","meter","hour")
);
--> statement-breakpoint
ALTER TABLE "usage_meter_hourly" ADD CONSTRAINT "usage_meter_hourly_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_meter_hourly_org_hour_idx" ON "usage_meter_hourly" USING btree ("org_id","hour");--> statement-breakpoint
CREATE TABLE "usage_property_hourly" (
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"units" bigint NOT NULL,
	"credits" bigint NOT NULL,
	"events" integer NOT NULL,
	CONSTRAINT "usage_property_hourly_org_id_key_value_hour_pk" PRIMARY KEY("org_id","key","value","hour")
);
--> statement-breakpoint
ALTER TABLE "usage_property_hourly" ADD CONSTRAINT "usage_property_hourly_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_property_hourly_org_key_hour_idx" ON "usage_property_hourly" USING btree ("org_id","key","hour");
--> statement-breakpoint
ALTER TABLE "credit_holds" ADD COLUMN "meter" text DEFAULT 'call' NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_holds" ADD COLUMN "rate" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_holds" ADD COLUMN "properties" jsonb;--> statement-breakpoint
ALTER TABLE "credit_holds" ADD CONSTRAINT "credit_holds_rate_positive" CHECK ("credit_holds"."rate" >= 1);
