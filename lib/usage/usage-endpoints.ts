import type { z } from "zod";
import { getDb } from "@/db/client";
import type { DebitResult } from "@/lib/ledger";
import { authorizeApiKey } from "@/lib/api/api-key-auth";
import { errorReply, fieldErrors, parseJson, type ApiReply } from "@/lib/api/responses";
import { childLogger } from "@/lib/log";
import { usageRateLimit } from "@/lib/rate-limit/usage-limit";
import { rechargeHintFor } from "@/lib/recharge/recharge-hint";
import { reportUsage, usageFailureReply, usageResultReply } from "./report-usage";
import { usageBatchSchema, usageEventSchema } from "./usage-schema";

/**
 * The usage ingestion endpoints as framework-neutral functions: (`Authorization` header, raw body text) →
 * `ApiReply`. Served by the Next.js route handlers under app/api/v1/usage and, in `npm start`, by the lean
 * Node.js path in lib/http/ingest-handler.ts (same code, without the page framework's per-request cost).
 */

/**
 * POST /api/v1/usage — `{ quantity: 1..1000000, idempotency_key?: string ≤ 255 }` (API key scope `usage:write`).
 * 200 `{ id, quantity, balance: { plan_credits, topup_credits, total } }`; 402 `insufficient_credits` (nothing
 * debited); 401 bad key; 403 missing scope; 422 invalid body with `error.fields`; 500 `internal_error` on a
 * database error, with `error.applied: false | "unknown"` (see `usageFailureReply`).
 */
export async function postUsage(authorization: string | null | undefined, bodyText: string): Promise<ApiReply> {
  const request = await acceptUsageWrite(authorization, bodyText, usageEventSchema);
  if (!request.ok) return request.reply;
  try {
    const db = getDb();
    const [result] = await reportUsage(db, request.orgId, [request.data]);
    return usageResultReply(result!, result!.ok ? null : await rechargeHintFor(db, request.orgId).catch(() => null));
  } catch (err) {
    childLogger({ component: "usage", orgId: request.orgId }).error({ err }, "debit failed");
    return usageFailureReply(err);
  }
}

/**
 * POST /api/v1/usage/batch — `{ events: [{ quantity: 1..1000000, idempotency_key?: string ≤ 255 }, …] }`,
 * 1..1,000 events, applied in order in one transaction (scope `usage:write`).
 * 200 `{ results: [{ status: 200, id, quantity, balance } | { status: 402, error: { code: "insufficient_credits", … } }] }`,
 * one per event, in order; each event has the single endpoint's semantics (a refused event debits nothing,
 * later smaller events may still succeed). 422 when any event is invalid (nothing is applied), with
 * `error.fields` keyed like `events.3.quantity`. 401/403 as for /api/v1/usage; 500 as for /api/v1/usage
 * (`error.applied` holds for every event: a batch is one transaction).
 */
export async function postUsageBatch(authorization: string | null | undefined, bodyText: string): Promise<ApiReply> {
  const request = await acceptUsageWrite(authorization, bodyText, usageBatchSchema);
  if (!request.ok) return request.reply;
  let results: DebitResult[];
  const db = getDb();
  try {
    results = await reportUsage(db, request.orgId, request.data.events);
  } catch (err) {
    childLogger({ component: "usage", orgId: request.orgId }).error({ err, events: request.data.events.length }, "batch debit failed");
    return usageFailureReply(err);
  }
  const hint = results.some((r) => !r.ok) ? await rechargeHintFor(db, request.orgId).catch(() => null) : null;
  return {
    status: 200,
    body: {
      results: results.map((r) => {
        const { status, body: out } = usageResultReply(r, r.ok ? null : hint);
        return { status, ...(out as object) };
      }),
    },
  };
}

/** A `usage:write` key (401/403) within its rate limit (429 + Retry-After, lib/rate-limit/usage-limit) and a body that is JSON (422) matching `schema` (422 with `error.fields`). */
export async function acceptUsageWrite<T>(
  authorization: string | null | undefined,
  bodyText: string,
  schema: z.ZodType<T>,
): Promise<{ ok: true; orgId: string; data: T } | { ok: false; reply: ApiReply }> {
  const authn = await authorizeApiKey(authorization, ["usage:write"]);
  if (!authn.ok) return authn;
  const limited = await usageRateLimit(authn.keyId);
  if (limited) return { ok: false, reply: limited };
  const body = parseJson(bodyText);
  if (body === null) return { ok: false, reply: errorReply(422, "invalid_request", "The body must be a JSON object.", { body: "Invalid JSON." }) };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error.issues);
    return { ok: false, reply: errorReply(422, "invalid_request", Object.values(fields)[0] ?? "Invalid request.", fields) };
  }
  return { ok: true, orgId: authn.orgId, data: parsed.data };
}
