-- An org's ledger is read by (org_id, id): make that the primary key and drop the separate index.
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_pkey";--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_org_id_id_pk" PRIMARY KEY("org_id","id");--> statement-breakpoint
DROP INDEX "ledger_entries_org_id_idx";
