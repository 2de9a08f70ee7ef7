import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { postSpendingLimit } from "@/lib/api/billing/auto-topup";
import { apiError, readJson } from "@/lib/api/responses";

export const dynamic = "force-dynamic";

/** POST /api/v1/billing/spending-limit `{ monthly_limit: cents | null, alert_threshold?: 0..1 }` (scope billing:write). */
export async function POST(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["billing:write"]);
  if (!authn.ok) return authn.response;
  const body = await readJson(request);
  if (body === null) return apiError(422, "invalid_request", "The body must be valid JSON.");
  const r = await postSpendingLimit(getDb(), { orgId: authn.orgId, keyId: authn.keyId, body });
  return Response.json(r.body, { status: r.status });
}
