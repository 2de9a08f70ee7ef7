-- Peak burn rate per org and hour (credits per second over a few seconds), written by the process that
-- serves the debits at most once every few seconds per org; the suggested auto-recharge threshold reads the
-- max over the last 7 days (the Billing page may be rendered by another process than the one that measured).
CREATE TABLE "usage_peaks" (
	"org_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"peak_credits_per_second" integer NOT NULL,
	"measured_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_peaks_org_id_hour_pk" PRIMARY KEY("org_id","hour"),
	CONSTRAINT "usage_peaks_peak_nonnegative" CHECK ("peak_credits_per_second" >= 0)
);
--> statement-breakpoint
ALTER TABLE "usage_peaks" ADD CONSTRAINT "usage_peaks_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
