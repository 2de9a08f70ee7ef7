import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { postSpendingLimit } from "@/lib/api/billing/auto-topup";
import { BODY_LIMITS, readJsonLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";

export const dynamic = "force-dynamic";

/** POST /api/v1/billing/spending-limit `{ monthly_limit: cents | null, alert_threshold?: 0..1 }` (scope billing:write). */
export async function POST(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["billing:write"]);
  if (!authn.ok) return authn.response;
  const read = await readJsonLimited(request, BODY_LIMITS.api);
  if (!read.ok) return toResponse(read.reply);
  const body = read.body;
  const r = await postSpendingLimit(getDb(), { orgId: authn.orgId, keyId: authn.keyId, body });
  return Response.json(r.body, { status: r.status });
}
