import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { deliveriesQuerySchema, listDeliveriesReply } from "@/lib/webhooks-out/api";

export const dynamic = "force-dynamic";

/** GET /api/v1/webhook-deliveries?endpoint_id=&limit=&starting_after= (scope billing:read). */
export const GET = withApiKey(["billing:read", "billing:write"], ({ key, query }) => listDeliveriesReply(getDb(), key.orgId, query), {
  query: deliveriesQuerySchema,
});
