CREATE TABLE "api_key_budgets" (
	"key_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"credits" bigint NOT NULL,
	"period" text NOT NULL,
	"time_zone" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_key_budgets_credits_range" CHECK ("api_key_budgets"."credits" BETWEEN 1 AND 1000000000000),
	CONSTRAINT "api_key_budgets_period_check" CHECK ("api_key_budgets"."period" IN ('day', 'week', 'month'))
);
--> statement-breakpoint
CREATE TABLE "api_key_budget_usage" (
	"key_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"used" bigint DEFAULT 0 NOT NULL,
	"alerted_80_at" timestamp with time zone,
	"alerted_100_at" timestamp with time zone,
	CONSTRAINT "api_key_budget_usage_key_id_period_start_pk" PRIMARY KEY("key_id","period_start")
);
--> statement-breakpoint
ALTER TABLE "api_key_budgets" ADD CONSTRAINT "api_key_budgets_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_budgets" ADD CONSTRAINT "api_key_budgets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_budgets" ADD CONSTRAINT "api_key_budgets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_budget_usage" ADD CONSTRAINT "api_key_budget_usage_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;
