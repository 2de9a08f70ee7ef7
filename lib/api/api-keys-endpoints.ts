import { getDb } from "@/db/client";
import { keyBudgetSchema, type KeyBudgetInput } from "@/lib/api-keys/key-budget-schema";
import { budgetJson, keyJson, listKeysWithBudgets, setKeyBudget } from "@/lib/api-keys/key-budgets";
import { parseUuid } from "@/lib/validation/ids";
import { apiEndpoint } from "./endpoint";
import { errorReply } from "./responses";

/**
 * GET /api/v1/api-keys (scope billing:read) — `{ api_keys: [{ id, name, prefix, scopes, created_at, last_used_at,
 * revoked_at, budget: null | { credits, period, time_zone, used, remaining, period_start, resets_at } }] }`, newest
 * first. Never a secret or its hash.
 */
export const listApiKeysEndpoint = apiEndpoint(["billing:read"], async ({ key }) => {
  const keys = await listKeysWithBudgets(getDb(), key.orgId);
  return { status: 200, body: { api_keys: keys.map(keyJson) } };
});

/**
 * PUT /api/v1/api-keys/{id}/budget (scope billing:write) — `{ credits: 1..10^12 | null, period: "day" | "week" | "month",
 * time_zone?: IANA (default the org's) }`. 200 `{ id, budget }` (`budget: null` once removed); 404 for an unknown,
 * malformed or another org's key; 422 per field (nothing written).
 */
export const putApiKeyBudgetEndpoint = apiEndpoint<KeyBudgetInput, undefined, { id: string }>(
  ["billing:write"],
  async ({ key, body, params }) => {
    const notFound = errorReply("not_found", "No API key with this id in this organization.");
    const keyId = parseUuid(params.id);
    if (!keyId) return notFound;
    const saved = await setKeyBudget(getDb(), { orgId: key.orgId, keyId, userId: null, input: body });
    if (!saved) return notFound;
    return { status: 200, body: { id: keyId, budget: budgetJson(saved.budget) } };
  },
  { body: keyBudgetSchema, invalidMessage: "Some fields are invalid." },
);
