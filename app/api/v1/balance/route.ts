import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { getBalance } from "@/lib/ledger";
import { balanceJson } from "@/lib/usage/report-usage";

/** GET /api/v1/balance — `{ plan_credits, topup_credits, total }` (scope `billing:read` or `usage:write`). */
export async function GET(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["billing:read", "usage:write"]);
  if (!authn.ok) return authn.response;
  return Response.json(balanceJson(await getBalance(getDb(), authn.orgId)));
}
