import { and, desc, eq, lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { ledgerEntries } from "@/db/schema";
import { getMemberContext } from "@/lib/auth/membership";
import { currentUserId } from "@/lib/auth/session";

function csvCell(v: string | number | null): string {
  const s = v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** GET: the org's whole ledger as CSV (newest first), for any member (role read from the DB). */
export async function GET(_req: Request, { params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const userId = await currentUserId();
  if (!userId) return new Response("Sign in to continue.", { status: 401 });
  const db = getDb();
  const ctx = await getMemberContext(db, userId, slug);
  if (!ctx) return new Response("Not found", { status: 404 });
  const lines = ["id,created_at,kind,pool,delta,balance_after,reference"];
  let before: number | null = null;
  for (;;) {
    const rows = await db
      .select()
      .from(ledgerEntries)
      .where(before ? and(eq(ledgerEntries.orgId, ctx.org.id), lt(ledgerEntries.id, before)) : eq(ledgerEntries.orgId, ctx.org.id))
      .orderBy(desc(ledgerEntries.id))
      .limit(1000);
    for (const r of rows) lines.push([r.id, r.createdAt.toISOString(), r.kind, r.pool, r.delta, r.balanceAfter, r.reference].map(csvCell).join(","));
    if (rows.length < 1000) break;
    before = rows[rows.length - 1]!.id;
  }
  return new Response(lines.join("\n") + "\n", {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${slug}-ledger.csv"`,
      "cache-control": "no-store",
    },
  });
}
