import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { deleteCampaignReply, getCampaignReply } from "@/lib/campaigns/api";

export const dynamic = "force-dynamic";

/** GET /api/v1/campaigns/{id} (scope billing:read or usage:write) → the campaign | 404. */
export const GET = withApiKey<undefined, undefined, { id: string }>(["billing:read", "usage:write", "billing:write"], ({ key, params }) =>
  getCampaignReply(getDb(), key.orgId, params.id),
);

/** DELETE /api/v1/campaigns/{id} (scope billing:write) → `{id, deleted: true}` | 404. */
export const DELETE = withApiKey<undefined, undefined, { id: string }>(["billing:write"], ({ key, params }) =>
  deleteCampaignReply(getDb(), key.orgId, params.id),
);
