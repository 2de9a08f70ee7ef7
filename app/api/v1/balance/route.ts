import { getDb } from "@/db/client";
import { withApiKey } from "@/lib/api/with-api-key";
import { getBalance } from "@/lib/ledger";
import { balanceJson } from "@/lib/api/usage-replies";

/** GET /api/v1/balance — `{ plan_credits, topup_credits, total, held, grace, overdraft, available }` (scope `billing:read` or `usage:write`). */
export const GET = withApiKey(["billing:read", "usage:write"], async ({ key }) => ({ status: 200, body: balanceJson(await getBalance(getDb(), key.orgId)) }));
