import { getDb } from "@/db/client";
import { memberRoute } from "@/lib/auth/guards";
import { ledgerCsvStream } from "@/lib/queries/ledger-csv";

/**
 * GET: the org's whole ledger as CSV (newest first), for any member (role read from the DB). Streamed page by
 * page (lib/queries/ledger-csv): constant memory however long the history.
 */
export const GET = memberRoute<{ org: string }>(
  async ({ ctx, params }) =>
    new Response(ledgerCsvStream(getDb(), ctx.org.id), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${params.org}-ledger.csv"`,
        "cache-control": "no-store",
      },
    }),
);
