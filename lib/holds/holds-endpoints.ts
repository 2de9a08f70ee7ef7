import { getDb } from "@/db/client";
import type { CreditHold } from "@/db/schema";
import { authorizeApiKey } from "@/lib/api/api-key-auth";
import { errorReply, type ApiReply } from "@/lib/api/responses";
import type { Balance } from "@/lib/ledger";
import { captureHold, type CaptureHoldResult } from "@/lib/ledger/hold-capture";
import { createHold, getHold, releaseHold, type HoldConflict } from "@/lib/ledger/holds";
import { afterDebitFlush } from "@/lib/usage/after-debit";
import { balanceJson, usageFailureReply } from "@/lib/usage/report-usage";
import { acceptUsageWrite } from "@/lib/usage/usage-endpoints";
import { captureHoldSchema, createHoldSchema, isHoldId, releaseHoldSchema } from "./holds-schema";
import { logger } from "@/lib/log";

/**
 * The holds endpoints (authorize / capture / release credits for a call in progress) as framework-neutral
 * functions: (`Authorization` header, hold id, raw body) → `ApiReply`. API key scope `usage:write`; served by
 * the route handlers under app/api/v1/holds and by the lean Node.js path (lib/http/ingest-handler.ts).
 * Common answers: 401/403 as for /api/v1/usage; 422 `invalid_request` with `error.fields`; 404 `not_found`
 * for an unknown, malformed or another org's id; 500 `internal_error` on a database error. Nothing is
 * written on any 4xx (except that a hold found past its expiry is expired, as the sweep would).
 */

/** A hold as the API shows it. */
export function holdJson(h: CreditHold) {
  return {
    id: h.id,
    status: h.status,
    quantity: h.quantity,
    captured_quantity: h.capturedQuantity,
    usage_id: h.usageId,
    expires_at: h.expiresAt.toISOString(),
    created_at: h.createdAt.toISOString(),
  };
}

/**
 * POST /api/v1/holds — `{ quantity: 1..1000000, expires_in?: 1..86400 s (default 3600), idempotency_key? }`.
 * 202 `{ id, status: "active", quantity, expires_at, …, balance }` (balance with `held`, `available`); 402
 * `insufficient_credits` (nothing held) when the balance plus grace cannot cover it. The same key again
 * returns that hold (as it is now, with the current balance).
 */
export async function postHold(authorization: string | null | undefined, bodyText: string): Promise<ApiReply> {
  const request = await acceptUsageWrite(authorization, bodyText, createHoldSchema);
  if (!request.ok) return request.reply;
  const { quantity, expires_in, idempotency_key } = request.data;
  return guarded(async () => {
    const r = await createHold(getDb(), { orgId: request.orgId, quantity, expiresInSeconds: expires_in, idempotencyKey: idempotency_key });
    if (!r.ok) return insufficient(r.quantity, r.balance);
    return { status: 202, body: { ...holdJson(r.hold), balance: balanceJson(r.balance) } };
  });
}

/**
 * POST /api/v1/holds/{id}/capture — `{ quantity: 0..1000000, idempotency_key? }`: debits the call's actual
 * usage and releases the hold. 200 `{ id, status: "captured", captured_quantity, usage_id, …, balance }`.
 * More than held is accepted up to the balance plus grace (a call is never cut mid-call), beyond that 402
 * and the hold stays active. The same key again replays; 409 `conflict` for a hold captured (with another
 * key or none), released or expired. Then, as after every usage flush, the auto-recharge trigger looks.
 */
export async function postHoldCapture(authorization: string | null | undefined, holdId: string, bodyText: string): Promise<ApiReply> {
  const request = await acceptUsageWrite(authorization, bodyText, captureHoldSchema);
  if (!request.ok) return request.reply;
  if (!isHoldId(holdId)) return noSuchHold();
  return guarded(async () => {
    const db = getDb();
    const r = await captureHold(db, { orgId: request.orgId, holdId, quantity: request.data.quantity, idempotencyKey: request.data.idempotency_key });
    if (!r.ok) return refusal(r);
    if (!r.replayed) await triggerAfterCapture(request.orgId, r);
    return { status: 200, body: { ...holdJson(r.hold), balance: balanceJson(r.balance) } };
  });
}

/** POST /api/v1/holds/{id}/release — no body (or `{}`). 200 `{ id, status: "released", …, balance }`; 409 if not active. */
export async function postHoldRelease(authorization: string | null | undefined, holdId: string, bodyText: string): Promise<ApiReply> {
  const request = await acceptUsageWrite(authorization, bodyText.trim() === "" ? "{}" : bodyText, releaseHoldSchema);
  if (!request.ok) return request.reply;
  if (!isHoldId(holdId)) return noSuchHold();
  return guarded(async () => {
    const r = await releaseHold(getDb(), { orgId: request.orgId, holdId });
    if (!r.ok) return refusal(r);
    return { status: 200, body: { ...holdJson(r.hold), balance: balanceJson(r.balance) } };
  });
}

/** GET /api/v1/holds/{id} — 200 the hold (an active one past its expiry reads `expired`); 404. */
export async function getHoldEndpoint(authorization: string | null | undefined, holdId: string): Promise<ApiReply> {
  const authn = await authorizeApiKey(authorization, ["usage:write"]);
  if (!authn.ok) return authn.reply;
  if (!isHoldId(holdId)) return noSuchHold();
  return guarded(async () => {
    const hold = await getHold(getDb(), authn.orgId, holdId);
    return hold ? { status: 200, body: holdJson(hold) } : noSuchHold();
  });
}

const CONFLICT_MESSAGES: Record<HoldConflict, string> = {
  captured: "Hold already captured: a retry of that capture must send the same idempotency key.",
  released: "Hold released: there is nothing left to capture or release.",
  expired: "Hold expired: its credits are no longer held. Create a new hold, or report the usage directly.",
};

type Refusal = Exclude<CaptureHoldResult, { ok: true }>;

function refusal(r: Refusal): ApiReply {
  if (r.code === "not_found") return noSuchHold();
  if (r.code === "insufficient_credits") return insufficient(r.quantity, r.balance);
  return { status: 409, body: { error: { code: "conflict", message: CONFLICT_MESSAGES[r.reason], reason: r.reason, hold: holdJson(r.hold) } } };
}

function insufficient(quantity: number, balance: Balance): ApiReply {
  return {
    status: 402,
    body: {
      error: {
        code: "insufficient_credits",
        message: `Insufficient credits: ${quantity} requested, ${balance.available} available.`,
        balance: balanceJson(balance),
      },
    },
  };
}

function noSuchHold(): ApiReply {
  return errorReply(404, "not_found", "No such hold.");
}

/** After a capture commits: the usage flush's trigger check (auto-recharge is checked at the end of each call). */
async function triggerAfterCapture(orgId: string, r: Extract<CaptureHoldResult, { ok: true }>): Promise<void> {
  const quantity = r.hold.capturedQuantity ?? 0;
  const flush = {
    results: r.hold.usageId ? [{ ok: true as const, id: r.hold.usageId, quantity, balance: r.balance, replayed: false }] : [],
    balance: r.balance,
    autoRecharge: r.autoRecharge,
    via: "row-lock" as const,
  };
  await afterDebitFlush(getDb(), orgId, flush).catch((err: unknown) => logger.error({ err, orgId, component: "holds" }, "after-capture trigger failed"));
}

async function guarded(run: () => Promise<ApiReply>): Promise<ApiReply> {
  try {
    return await run();
  } catch (err) {
    logger.error({ err, component: "holds" }, "hold request failed");
    return usageFailureReply(err);
  }
}
