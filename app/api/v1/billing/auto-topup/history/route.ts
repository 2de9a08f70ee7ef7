import { getDb } from "@/db/client";
import { getAutoTopupHistory, historyQuerySchema } from "@/lib/api/billing/auto-topup";
import { withApiKey } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

/** GET /api/v1/billing/auto-topup/history?limit=&starting_after= (scope billing:read). */
export const GET = withApiKey(["billing:read", "billing:write"], ({ key, query }) => getAutoTopupHistory(getDb(), key.orgId, query), {
  query: historyQuerySchema,
});
