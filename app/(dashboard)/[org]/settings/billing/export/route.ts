import { getDb } from "@/db/client";
import { getMemberContext } from "@/lib/auth/membership";
import { currentUserId } from "@/lib/auth/session";
import { ledgerCsvStream } from "@/lib/queries/ledger-csv";

/**
 * GET: the org's whole ledger as CSV (newest first), for any member (role read from the DB). Streamed page by
 * page (lib/queries/ledger-csv): constant memory however long the history.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const userId = await currentUserId();
  if (!userId) return new Response("Sign in to continue.", { status: 401 });
  const db = getDb();
  const ctx = await getMemberContext(db, userId, slug);
  if (!ctx) return new Response("Not found", { status: 404 });
  return new Response(ledgerCsvStream(db, ctx.org.id), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${slug}-ledger.csv"`,
      "cache-control": "no-store",
    },
  });
}
