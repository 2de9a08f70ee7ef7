import { and, desc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ledgerEntries } from "@/db/schema";

export interface LedgerPage {
  entries: { id: number; pool: "plan" | "topup"; delta: number; kind: string; reference: string | null; balanceAfter: number; createdAt: Date }[];
  /** pass as `before` to get the next (older) page; null on the last page */
  nextBefore: number | null;
}

/**
 * An org's ledger, newest first, keyset-paginated on the entry id (index `ledger_entries_org_id_idx`):
 * constant cost per page however long the history is. `limit`: 1..200.
 */
export async function listLedgerEntries(db: DbOrTx, orgId: string, opts: { before?: number | null; limit?: number } = {}): Promise<LedgerPage> {
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 200);
  const rows = await db
    .select({
      id: ledgerEntries.id,
      pool: ledgerEntries.pool,
      delta: ledgerEntries.delta,
      kind: ledgerEntries.kind,
      reference: ledgerEntries.reference,
      balanceAfter: ledgerEntries.balanceAfter,
      createdAt: ledgerEntries.createdAt,
    })
    .from(ledgerEntries)
    .where(opts.before ? and(eq(ledgerEntries.orgId, orgId), lt(ledgerEntries.id, opts.before)) : eq(ledgerEntries.orgId, orgId))
    .orderBy(desc(ledgerEntries.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const entries = hasMore ? rows.slice(0, limit) : rows;
  return { entries, nextBefore: hasMore ? entries[entries.length - 1]!.id : null };
}
