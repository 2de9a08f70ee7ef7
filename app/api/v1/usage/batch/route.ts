import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { apiError, fieldErrors, readJson } from "@/lib/api/responses";
import { reportUsage, usageResultJson } from "@/lib/usage/report-usage";
import { usageBatchSchema } from "@/lib/usage/usage-schema";

/**
 * POST /api/v1/usage/batch — `{ events: [{ quantity: 1..1000000, idempotency_key?: string ≤ 255 }, …] }`,
 * 1..1,000 events, applied in order in one transaction (scope `usage:write`).
 * 200 `{ results: [{ status: 200, id, quantity, balance } | { status: 402, error: { code: "insufficient_credits", … } }] }`,
 * one per event, in order; each event has the single endpoint's semantics (a refused event debits nothing,
 * later smaller events may still succeed). 422 when any event is invalid (nothing is applied), with
 * `error.fields` keyed like `events.3.quantity`. 401/403 as for /api/v1/usage.
 */
export async function POST(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["usage:write"]);
  if (!authn.ok) return authn.response;
  const body = await readJson(request);
  if (body === null) return apiError(422, "invalid_request", "The body must be a JSON object.", { body: "Invalid JSON." });
  const parsed = usageBatchSchema.safeParse(body);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error.issues);
    return apiError(422, "invalid_request", Object.values(fields)[0] ?? "Invalid request.", fields);
  }
  const results = await reportUsage(getDb(), authn.orgId, parsed.data.events);
  return Response.json({
    results: results.map((r) => {
      const { status, body: out } = usageResultJson(r);
      return { status, ...(out as object) };
    }),
  });
}
