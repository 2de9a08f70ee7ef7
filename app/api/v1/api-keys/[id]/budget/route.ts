import { putApiKeyBudgetEndpoint } from "@/lib/api/api-keys-endpoints";
import { routeHandler } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

/** PUT /api/v1/api-keys/{id}/budget (scope billing:write) `{ credits | null, period, time_zone? }` — see lib/api/api-keys-endpoints.ts. */
export const PUT = routeHandler(putApiKeyBudgetEndpoint);
