import { getDb } from "@/db/client";
import { postSpendingLimit } from "@/lib/api/billing/auto-topup";
import { withApiKey } from "@/lib/api/with-api-key";
import { spendingLimitApiSchema } from "@/lib/billing/auto-recharge-schema";

export const dynamic = "force-dynamic";

/** POST /api/v1/billing/spending-limit `{ monthly_limit: cents | null, alert_threshold?: 0..1 }` (scope billing:write). */
export const POST = withApiKey(["billing:write"], ({ key, body }) => postSpendingLimit(getDb(), { orgId: key.orgId, keyId: key.keyId, input: body }), {
  body: spendingLimitApiSchema,
  invalidMessage: "Some fields are invalid.",
});
