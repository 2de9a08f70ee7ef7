import { getDb } from "@/db/client";
import { getAutoTopupJson, patchAutoTopup } from "@/lib/api/billing/auto-topup";
import { withApiKey } from "@/lib/api/with-api-key";
import { autoTopupPatchSchema } from "@/lib/billing/auto-recharge-schema";

export const dynamic = "force-dynamic";

/** GET /api/v1/billing/auto-topup — the org's auto-recharge settings and status (scope billing:read). */
export const GET = withApiKey(["billing:read", "billing:write"], async ({ key }) => ({ status: 200, body: await getAutoTopupJson(getDb(), key.orgId) }));

/** POST /api/v1/billing/auto-topup — partial update (scope billing:write); see `patchAutoTopup`. */
export const POST = withApiKey(["billing:write"], ({ key, body }) => patchAutoTopup(getDb(), { orgId: key.orgId, keyId: key.keyId, patch: body }), {
  body: autoTopupPatchSchema,
  invalidMessage: "Some fields are invalid.",
});
