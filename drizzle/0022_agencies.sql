CREATE TABLE "agency_sub_accounts" (
	"sub_account_id" uuid PRIMARY KEY NOT NULL,
	"agency_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agency_sub_accounts_not_self" CHECK ("agency_sub_accounts"."agency_id" <> "agency_sub_accounts"."sub_account_id")
);
--> statement-breakpoint
CREATE TABLE "sub_account_allocations" (
	"sub_account_id" uuid PRIMARY KEY NOT NULL,
	"basic_minutes" integer DEFAULT 0 NOT NULL,
	"premium_minutes" integer DEFAULT 0 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sub_account_allocations_minutes" CHECK ("sub_account_allocations"."basic_minutes" >= 0 AND "sub_account_allocations"."premium_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "allocation_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sub_account_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"period" text NOT NULL,
	"basic_minutes" integer NOT NULL,
	"premium_minutes" integer NOT NULL,
	"credits" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"attempt_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocation_periods_attempt_id_unique" UNIQUE("attempt_id"),
	CONSTRAINT "allocation_periods_sub_period_uq" UNIQUE("sub_account_id","period")
);
--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "credit_org_id" uuid;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD COLUMN "credit_key" text;--> statement-breakpoint
ALTER TABLE "agency_sub_accounts" ADD CONSTRAINT "agency_sub_accounts_sub_account_id_organizations_id_fk" FOREIGN KEY ("sub_account_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_sub_accounts" ADD CONSTRAINT "agency_sub_accounts_agency_id_organizations_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sub_account_allocations" ADD CONSTRAINT "sub_account_allocations_sub_account_id_agency_sub_accounts_sub_account_id_fk" FOREIGN KEY ("sub_account_id") REFERENCES "public"."agency_sub_accounts"("sub_account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sub_account_allocations" ADD CONSTRAINT "sub_account_allocations_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_periods" ADD CONSTRAINT "allocation_periods_sub_account_id_organizations_id_fk" FOREIGN KEY ("sub_account_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_periods" ADD CONSTRAINT "allocation_periods_agency_id_organizations_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_periods" ADD CONSTRAINT "allocation_periods_attempt_id_recharge_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."recharge_attempts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recharge_attempts" ADD CONSTRAINT "recharge_attempts_credit_org_id_organizations_id_fk" FOREIGN KEY ("credit_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agency_sub_accounts_agency_idx" ON "agency_sub_accounts" USING btree ("agency_id");
