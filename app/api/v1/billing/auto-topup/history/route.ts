import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { getAutoTopupHistory } from "@/lib/api/billing/auto-topup";

export const dynamic = "force-dynamic";

/** GET /api/v1/billing/auto-topup/history?limit=&starting_after= (scope billing:read). */
export async function GET(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["billing:read", "billing:write"]);
  if (!authn.ok) return authn.response;
  const r = await getAutoTopupHistory(getDb(), authn.orgId, new URL(request.url));
  return Response.json(r.body, { status: r.status });
}
