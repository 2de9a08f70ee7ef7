import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { apiError, fieldErrors, readJson } from "@/lib/api/responses";
import { reportUsage, usageResultJson } from "@/lib/usage/report-usage";
import { usageEventSchema } from "@/lib/usage/usage-schema";

/**
 * POST /api/v1/usage — `{ quantity: 1..1000000, idempotency_key?: string ≤ 255 }` (API key scope `usage:write`).
 * 200 `{ id, quantity, balance: { plan_credits, topup_credits, total } }`; 402 `insufficient_credits` (nothing
 * debited); 401 bad key; 403 missing scope; 422 invalid body with `error.fields`.
 */
export async function POST(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["usage:write"]);
  if (!authn.ok) return authn.response;
  const body = await readJson(request);
  if (body === null) return apiError(422, "invalid_request", "The body must be a JSON object.", { body: "Invalid JSON." });
  const parsed = usageEventSchema.safeParse(body);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error.issues);
    return apiError(422, "invalid_request", Object.values(fields)[0] ?? "Invalid request.", fields);
  }
  const [result] = await reportUsage(getDb(), authn.orgId, [parsed.data]);
  const { status, body: out } = usageResultJson(result!);
  return Response.json(out, { status });
}
