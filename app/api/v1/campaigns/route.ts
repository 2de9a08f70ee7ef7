import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { createCampaignReply, listCampaignsReply } from "@/lib/campaigns/api";
import { createCampaignSchema } from "@/lib/campaigns/campaign-schema";

export const dynamic = "force-dynamic";

/** GET /api/v1/campaigns (scope billing:read or usage:write) → `{ campaigns: [...] }`. */
export const GET = withApiKey(["billing:read", "usage:write", "billing:write"], ({ key }) => listCampaignsReply(getDb(), key.orgId));

/** POST /api/v1/campaigns `{name, tier, external_id?, min_balance?}` (scope billing:write) → 201 the campaign. */
export const POST = withApiKey(["billing:write"], ({ key, body }) => createCampaignReply(getDb(), key.orgId, body), { body: createCampaignSchema });
