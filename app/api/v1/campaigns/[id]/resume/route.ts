import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { resumeCampaignReply } from "@/lib/campaigns/api";

export const dynamic = "force-dynamic";

/** POST /api/v1/campaigns/{id}/resume (scope billing:write) → the campaign | 409 below its minimum | 404. */
export const POST = withApiKey<undefined, undefined, { id: string }>(["billing:write"], ({ key, params }) =>
  resumeCampaignReply(getDb(), key.orgId, params.id),
);
