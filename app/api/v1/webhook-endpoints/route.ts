import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { createEndpointReply, listEndpointsReply } from "@/lib/webhooks-out/api";
import { createEndpointSchema } from "@/lib/webhooks-out/endpoint-schema";

export const dynamic = "force-dynamic";

/** GET /api/v1/webhook-endpoints (scope billing:read). */
export const GET = withApiKey(["billing:read", "billing:write"], ({ key }) => listEndpointsReply(getDb(), key.orgId));

/** POST /api/v1/webhook-endpoints `{url, events: [...] | ["*"]}` (scope billing:write) → 201 with the secret, once. */
export const POST = withApiKey(["billing:write"], ({ key, body }) => createEndpointReply(getDb(), key.orgId, body), { body: createEndpointSchema });
