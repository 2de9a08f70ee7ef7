CREATE TABLE "usage_hourly" (
	"org_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"credits" bigint NOT NULL,
	"events" integer NOT NULL,
	CONSTRAINT "usage_hourly_org_id_hour_pk" PRIMARY KEY("org_id","hour")
);
--> statement-breakpoint
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;