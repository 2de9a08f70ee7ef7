CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"tier" text NOT NULL,
	"external_id" text,
	"min_balance" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"paused_reason" text,
	"paused_at" timestamp with time zone,
	"pause_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_tier_check" CHECK ("campaigns"."tier" IN ('basic', 'premium')),
	CONSTRAINT "campaigns_status_check" CHECK ("campaigns"."status" IN ('active', 'paused')),
	CONSTRAINT "campaigns_paused_reason_check" CHECK (("campaigns"."status" = 'paused') = ("campaigns"."paused_reason" IS NOT NULL) AND ("campaigns"."paused_reason" IS NULL OR "campaigns"."paused_reason" = 'low_balance')),
	CONSTRAINT "campaigns_min_balance_positive" CHECK ("campaigns"."min_balance" IS NULL OR "campaigns"."min_balance" >= 1)
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_org_idx" ON "campaigns" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "campaigns_active_idx" ON "campaigns" USING btree ("org_id") WHERE "campaigns"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_org_external_id_uq" ON "campaigns" USING btree ("org_id","external_id") WHERE "campaigns"."external_id" IS NOT NULL;
