import { getDb } from "@/db/client";
import type { DebitResult } from "@/lib/ledger";
import { apiEndpoint } from "@/lib/api/endpoint";
import { BODY_LIMITS } from "@/lib/api/read-body";
import { usageRateLimit } from "@/lib/rate-limit/usage-limit";
import { rechargeHintFor } from "@/lib/recharge/recharge-hint";
import { reportUsage } from "./report-usage";
import { usageFailureReply, usageResultReply } from "@/lib/api/usage-replies";
import { usageBatchSchema, usageEventSchema } from "./usage-schema";

/**
 * The usage ingestion endpoints as framework-neutral `ApiEndpoint`s (lib/api/endpoint: key → rate limit →
 * JSON → zod → handler → catch-all). Served by the Next.js route handlers under app/api/v1/usage and, in
 * `npm start`, by the lean Node.js path in lib/http/ingest-handler.ts (same code, without the page
 * framework's per-request cost). Body limit 1 MiB (413).
 */

/** Scope `usage:write`, within the per-key rate limit (429 + Retry-After), a database error → 500 with `applied`. */
const USAGE = { rateLimit: usageRateLimit, onError: usageFailureReply, component: "usage", bodyLimit: BODY_LIMITS.usage } as const;

/**
 * POST /api/v1/usage — `{ quantity: 1..1000000, idempotency_key?: string ≤ 255 }` (API key scope `usage:write`).
 * 200 `{ id, quantity, balance: { plan_credits, topup_credits, total } }`; 402 `insufficient_credits` (nothing
 * debited); 401 bad key; 403 missing scope; 422 invalid body with `error.fields`; 500 `internal_error` on a
 * database error, with `error.applied: false | "unknown"` (see `usageFailureReply`).
 */
export const postUsage = apiEndpoint(
  ["usage:write"],
  async ({ key, body }) => {
    const db = getDb();
    const [result] = await reportUsage(db, key.orgId, [body], key.hasBudget ? key.keyId : null);
    return usageResultReply(result!, result!.ok || result!.code === "budget_exceeded" ? null : await rechargeHintFor(db, key.orgId).catch(() => null));
  },
  { ...USAGE, body: usageEventSchema },
);

/**
 * POST /api/v1/usage/batch — `{ events: [{ quantity: 1..1000000, idempotency_key?: string ≤ 255 }, …] }`,
 * 1..1,000 events, applied in order in one transaction (scope `usage:write`).
 * 200 `{ results: [{ status: 200, id, quantity, balance } | { status: 402, error: { code: "insufficient_credits", … } }] }`,
 * one per event, in order; each event has the single endpoint's semantics (a refused event debits nothing,
 * later smaller events may still succeed). 422 when any event is invalid (nothing is applied), with
 * `error.fields` keyed like `events.3.quantity`. 401/403 as for /api/v1/usage; 500 as for /api/v1/usage
 * (`error.applied` holds for every event: a batch is one transaction).
 */
export const postUsageBatch = apiEndpoint(
  ["usage:write"],
  async ({ key, body }) => {
    const db = getDb();
    const results: DebitResult[] = await reportUsage(db, key.orgId, body.events, key.hasBudget ? key.keyId : null);
    const hint = results.some((r) => !r.ok && r.code === "insufficient_credits") ? await rechargeHintFor(db, key.orgId).catch(() => null) : null;
    return {
      status: 200,
      body: {
        results: results.map((r) => {
          const { status, body: out } = usageResultReply(r, r.ok ? null : hint);
          return { status, ...(out as object) };
        }),
      },
    };
  },
  { ...USAGE, body: usageBatchSchema },
);
