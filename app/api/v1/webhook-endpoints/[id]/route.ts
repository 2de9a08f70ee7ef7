import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { deleteEndpointReply } from "@/lib/webhooks-out/api";

export const dynamic = "force-dynamic";

/** DELETE /api/v1/webhook-endpoints/{id} (scope billing:write) → `{id, deleted: true}` | 404. */
export const DELETE = withApiKey<undefined, undefined, { id: string }>(["billing:write"], ({ key, params }) =>
  deleteEndpointReply(getDb(), key.orgId, params.id),
);
