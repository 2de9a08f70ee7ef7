import { getDb } from "@/db/client";
import { authenticateApiKey } from "@/lib/api/api-key-auth";
import { getAutoTopupJson, patchAutoTopup } from "@/lib/api/billing/auto-topup";
import { BODY_LIMITS, readJsonLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";

export const dynamic = "force-dynamic";

/** GET /api/v1/billing/auto-topup — the org's auto-recharge settings and status (scope billing:read). */
export async function GET(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["billing:read", "billing:write"]);
  if (!authn.ok) return authn.response;
  return Response.json(await getAutoTopupJson(getDb(), authn.orgId));
}

/** POST /api/v1/billing/auto-topup — partial update (scope billing:write). */
export async function POST(request: Request): Promise<Response> {
  const authn = await authenticateApiKey(request, ["billing:write"]);
  if (!authn.ok) return authn.response;
  const read = await readJsonLimited(request, BODY_LIMITS.api);
  if (!read.ok) return toResponse(read.reply);
  const body = read.body;
  const r = await patchAutoTopup(getDb(), { orgId: authn.orgId, keyId: authn.keyId, body });
  return Response.json(r.body, { status: r.status });
}
