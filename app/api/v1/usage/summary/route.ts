import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { usageSummaryReply } from "@/lib/usage/usage-summary-reply";
import { usageSummaryQuerySchema } from "@/lib/usage/usage-summary-schema";

export const dynamic = "force-dynamic";

/** GET /api/v1/usage/summary?from&to&group_by=meter|property:<key>&granularity=hour|day (scope billing:read or usage:write). */
export const GET = withApiKey(["billing:read", "usage:write"], async ({ key, query }) => usageSummaryReply(getDb(), key.orgId, query), {
  query: usageSummaryQuerySchema,
});
