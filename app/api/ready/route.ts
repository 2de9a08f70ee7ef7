import { getDb } from "@/db/client";
import { jobWorkerStatus } from "@/lib/jobs/start-app-jobs";
import { checkReadiness } from "@/lib/ops/readiness";

export const dynamic = "force-dynamic";

/**
 * GET /api/ready — readiness: 200 `{ status: "ready", checks }` when the database answers, the migrations
 * are current and the job worker runs (unless REFILL_DISABLE_WORKER); else 503 `{ status: "not_ready",
 * checks }` naming what is missing. The launcher, Playwright and the benchmark wait on it.
 */
export async function GET(): Promise<Response> {
  let r;
  try {
    r = await checkReadiness(getDb(), { worker: jobWorkerStatus() });
  } catch (err) {
    // e.g. DATABASE_URL unset: getDb() throws before any check runs
    return Response.json({ status: "not_ready", error: (err as Error).message }, { status: 503, headers: { "cache-control": "no-store" } });
  }
  return Response.json(
    { status: r.ready ? "ready" : "not_ready", checks: r.checks },
    { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
