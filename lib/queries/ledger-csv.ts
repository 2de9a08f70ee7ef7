import { stringify } from "csv-stringify/sync";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ledgerEntries, usageEvents, type LedgerEntry } from "@/db/schema";
import { DEFAULT_METER } from "@/lib/billing/meters";
import { childLogger } from "@/lib/log";

/** The export's columns, in order (the CSV header row). */
export const LEDGER_CSV_COLUMNS = ["id", "created_at", "kind", "pool", "delta", "balance_after", "reference", "meter", "properties"] as const;

/** Entries per keyset page (one query each; memory held at once is one page). */
const LEDGER_CSV_PAGE_SIZE = 1000;

/**
 * An org's whole ledger as CSV (RFC 4180 quoting by csv-stringify: fields with `,` `"` LF — and, here, CR — are quoted, `"`
 * doubled; lines end with `\n`), newest entry first, as a byte stream: each `pull` reads the next keyset
 * page (`id < last id`, index (org_id, id)) and enqueues its lines, so memory stays at one page whatever the
 * history's length and a slow reader slows the queries down (backpressure). Entries written during the
 * export have higher ids than the first page and are not included: the export is the ledger as of its start.
 * A usage entry carries its event's `meter` and `properties` (a JSON object, empty without); a usage without an
 * event row is a plain debit on the default meter; other kinds leave both empty.
 * A database error mid-stream errors the stream (the download is cut short, never silently truncated).
 */
export function ledgerCsvStream(db: DbOrTx, orgId: string, opts: { pageSize?: number } = {}): ReadableStream<Uint8Array> {
  const pageSize = opts.pageSize ?? LEDGER_CSV_PAGE_SIZE;
  const encoder = new TextEncoder();
  let before: number | null = null;
  let header = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const rows = await db
            .select()
            .from(ledgerEntries)
            .where(before === null ? eq(ledgerEntries.orgId, orgId) : and(eq(ledgerEntries.orgId, orgId), lt(ledgerEntries.id, before)))
            .orderBy(desc(ledgerEntries.id))
            .limit(pageSize);
          const usage = await usageMeasures(db, orgId, rows);
          const records = rows.map((r) => {
            const u = r.kind === "usage" ? (usage.get(r.reference ?? "") ?? { meter: DEFAULT_METER, properties: null }) : null;
            const props = u?.properties && Object.keys(u.properties).length > 0 ? JSON.stringify(u.properties) : "";
            return [r.id, r.createdAt.toISOString(), r.kind, r.pool, r.delta, r.balanceAfter, r.reference ?? "", u?.meter ?? "", props];
          });
          const text = stringify(records, { header, columns: [...LEDGER_CSV_COLUMNS], record_delimiter: "unix", quoted_match: /\r/ });
          header = false;
          if (text) controller.enqueue(encoder.encode(text));
          if (rows.length < pageSize) controller.close();
          else before = rows[rows.length - 1]!.id;
        } catch (err) {
          childLogger({ component: "ledger-csv", orgId }).error({ err }, "ledger CSV export failed mid-stream");
          controller.error(err);
        }
      },
    },
    { highWaterMark: 1 },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The meter and properties of the usage events a page's usage entries reference (one query on the key). */
async function usageMeasures(db: DbOrTx, orgId: string, rows: readonly LedgerEntry[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.kind === "usage" && r.reference && UUID.test(r.reference) ? [r.reference] : [])))];
  const found = new Map<string, { meter: string; properties: Record<string, string> | null }>();
  if (ids.length === 0) return found;
  const events = await db
    .select({ id: usageEvents.id, meter: usageEvents.meter, properties: usageEvents.properties })
    .from(usageEvents)
    .where(and(eq(usageEvents.orgId, orgId), inArray(usageEvents.id, ids)));
  for (const e of events) found.set(e.id, { meter: e.meter, properties: e.properties });
  return found;
}
