-- The debit hot path (issue #7): no per-row foreign keys on the two append-only usage tables, only keyed rows
-- in the idempotency indexes (usage entries carry no key of their own), no unused usage_events index.
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_org_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_org_id_organizations_id_fk";
--> statement-breakpoint
DROP INDEX "usage_events_org_created_idx";--> statement-breakpoint
DROP INDEX "ledger_entries_org_key_uq";--> statement-breakpoint
DROP INDEX "usage_events_org_key_uq";--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "idempotency_key" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ALTER COLUMN "id" DROP DEFAULT;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_org_key_uq" ON "ledger_entries" USING btree ("org_id","idempotency_key") WHERE "ledger_entries"."idempotency_key" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_events_org_key_uq" ON "usage_events" USING btree ("org_id","idempotency_key") WHERE "usage_events"."idempotency_key" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_key_unless_usage" CHECK ("ledger_entries"."idempotency_key" IS NOT NULL OR "ledger_entries"."kind" = 'usage');--> statement-breakpoint
-- What the dropped foreign keys guaranteed, checked on the rare side: an organization with ledger history
-- or usage events cannot be deleted (the per-row checks cost ~4 µs per inserted entry on the debit path).
CREATE OR REPLACE FUNCTION refuse_org_delete_with_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- every usage event has at least one ledger entry, so the ledger alone answers (by its primary key)
  IF EXISTS (SELECT 1 FROM ledger_entries WHERE org_id = OLD.id) THEN
    RAISE EXCEPTION 'organization % has ledger history and cannot be deleted', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER organizations_keep_ledger_history
  BEFORE DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION refuse_org_delete_with_history();
