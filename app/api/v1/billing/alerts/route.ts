import { getDb } from "@/db/client";
import { getBalanceAlertsJson, putBalanceAlerts } from "@/lib/api/billing/alerts";
import { withApiKey } from "@/lib/api/with-api-key";
import { balanceAlertsSchema } from "@/lib/billing/balance-alerts";

export const dynamic = "force-dynamic";

/** GET /api/v1/billing/alerts — `{thresholds, recipients, default}` (scope billing:read). */
export const GET = withApiKey(["billing:read", "billing:write"], async ({ key }) => ({ status: 200, body: await getBalanceAlertsJson(getDb(), key.orgId) }));

/** PUT /api/v1/billing/alerts `{thresholds: [int ≥ 1] (≤ 3, distinct), recipients: [email] (≤ 10)}` (scope billing:write). */
export const PUT = withApiKey(["billing:write"], ({ key, body }) => putBalanceAlerts(getDb(), { orgId: key.orgId, input: body }), {
  body: balanceAlertsSchema,
  invalidMessage: "Some fields are invalid.",
});
