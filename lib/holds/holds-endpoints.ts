import type { z } from "zod";
import { getDb } from "@/db/client";
import type { CreditHold } from "@/db/schema";
import { apiEndpoint } from "@/lib/api/endpoint";
import { errorReply, invalidRequest, type ApiReply } from "@/lib/api/responses";
import { rateForOrg } from "@/lib/usage/usage-requests";
import type { Balance } from "@/lib/ledger";
import { captureHold, type CaptureHoldResult } from "@/lib/ledger/hold-capture";
import { createHold, getHold, releaseHold, type HoldConflict } from "@/lib/ledger/holds";
import { afterDebitFlush } from "@/lib/usage/after-debit";
import { balanceJson, budgetExceededReply, usageFailureReply } from "@/lib/api/usage-replies";
import { writeBudgetAlerts } from "@/lib/api-keys/budget-alerts";
import { usageRateLimit } from "@/lib/rate-limit/usage-limit";
import { captureHoldSchema, createHoldSchema, isHoldId, releaseHoldSchema } from "./holds-schema";
import { logger } from "@/lib/log";

/**
 * The holds endpoints (authorize / capture / release credits for a call in progress) as framework-neutral
 * `ApiEndpoint`s (lib/api/endpoint; params `{ id }`). API key scope `usage:write` within the usage rate
 * limit; served by the route handlers under app/api/v1/holds and by the lean Node.js path
 * (lib/http/ingest-handler.ts). Body limit 64 KiB (413).
 * Common answers: 401/403 as for /api/v1/usage; 422 `invalid_request` with `error.fields`; 404 `not_found`
 * for an unknown, malformed or another org's id; 500 `internal_error` on a database error. Nothing is
 * written on any 4xx (except that a hold found past its expiry is expired, as the sweep would).
 */

/** A hold as the API shows it. */
function holdJson(h: CreditHold) {
  return {
    id: h.id,
    status: h.status,
    quantity: h.quantity,
    captured_quantity: h.capturedQuantity,
    meter: h.meter,
    rate: h.rate,
    units: h.quantity / h.rate,
    captured_units: h.capturedQuantity === null ? null : h.capturedQuantity / h.rate,
    properties: h.properties ?? {},
    usage_id: h.usageId,
    expires_at: h.expiresAt.toISOString(),
    created_at: h.createdAt.toISOString(),
  };
}

/** Scope `usage:write` within the usage rate limit; a database error → 500 with `applied` (as for usage). */
const HOLDS = { rateLimit: usageRateLimit, onError: usageFailureReply, component: "holds" } as const;
type HoldParams = { id: string };

/**
 * POST /api/v1/holds — `{ meter?, properties?, quantity: 1..1000000 units, expires_in?: 1..86400 s (default 3600), idempotency_key? }`.
 * Holds units × the plan's rate credits (≤ 1,000,000, else 422); meter, rate and properties are fixed for the capture.
 * 202 `{ id, status: "active", quantity (credits), meter, rate, units, properties, expires_at, …, balance }` (balance with `held`, `available`); 402
 * `insufficient_credits` (nothing held) when the balance plus grace cannot cover it; 402 `budget_exceeded` (nothing
 * held) when the key has a budget that cannot cover its use this period + its active holds + this one (the capture
 * then counts as use). The same key again returns that hold (as it is now, with the current balance).
 */
export const postHold = apiEndpoint(
  ["usage:write"],
  async ({ key, body: { meter, properties, quantity, expires_in, idempotency_key } }) => {
    const db = getDb();
    const rate = await rateForOrg(db, key.orgId, meter);
    if (quantity * rate > 1_000_000) return tooLarge(quantity * rate);
    const measure = { meter, rate, properties: properties ?? null };
    const r = await createHold(db, {
      orgId: key.orgId,
      quantity: quantity * rate,
      measure,
      expiresInSeconds: expires_in,
      idempotencyKey: idempotency_key,
      budgetKeyId: key.hasBudget ? key.keyId : null,
    });
    if (!r.ok) return r.code === "budget_exceeded" ? budgetExceededReply(r.quantity, r.budget) : insufficient(r.quantity, r.balance);
    return { status: 202, body: { ...holdJson(r.hold), balance: balanceJson(r.balance) } };
  },
  { ...HOLDS, body: createHoldSchema },
);

/**
 * POST /api/v1/holds/{id}/capture — `{ quantity: 0..1000000 units of the hold's meter, idempotency_key? }`: debits
 * the call's actual usage (units × the hold's rate credits; over 1,000,000 → 422) and releases the hold. 200 `{ id, status: "captured", captured_quantity, usage_id, …, balance }`.
 * More than held is accepted up to the balance plus grace (a call is never cut mid-call), beyond that 402
 * and the hold stays active. The same key again replays; 409 `conflict` for a hold captured (with another
 * key or none), released or expired. Then, as after every usage flush, the auto-recharge trigger looks.
 */
export const postHoldCapture = apiEndpoint<z.output<typeof captureHoldSchema>, undefined, HoldParams>(
  ["usage:write"],
  async ({ key, body, params: { id } }) => {
    if (!isHoldId(id)) return noSuchHold();
    const r = await captureHold(getDb(), {
      orgId: key.orgId,
      holdId: id,
      quantity: body.quantity,
      idempotencyKey: body.idempotency_key,
      onBudgetAlerts: writeBudgetAlerts,
    });
    if (!r.ok) return refusal(r);
    if (!r.replayed) await triggerAfterCapture(key.orgId, r);
    return { status: 200, body: { ...holdJson(r.hold), balance: balanceJson(r.balance) } };
  },
  { ...HOLDS, body: captureHoldSchema },
);

/** POST /api/v1/holds/{id}/release — no body (or `{}`). 200 `{ id, status: "released", …, balance }`; 409 if not active. */
export const postHoldRelease = apiEndpoint<z.output<typeof releaseHoldSchema>, undefined, HoldParams>(
  ["usage:write"],
  async ({ key, params: { id } }) => {
    if (!isHoldId(id)) return noSuchHold();
    const r = await releaseHold(getDb(), { orgId: key.orgId, holdId: id });
    if (!r.ok) return refusal(r);
    return { status: 200, body: { ...holdJson(r.hold), balance: balanceJson(r.balance) } };
  },
  { ...HOLDS, body: releaseHoldSchema, emptyBody: {} },
);

/** GET /api/v1/holds/{id} — 200 the hold (an active one past its expiry reads `expired`); 404. */
export const getHoldEndpoint = apiEndpoint<undefined, undefined, HoldParams>(
  ["usage:write"],
  async ({ key, params: { id } }) => {
    if (!isHoldId(id)) return noSuchHold();
    const hold = await getHold(getDb(), key.orgId, id);
    return hold ? { status: 200, body: holdJson(hold) } : noSuchHold();
  },
  { onError: usageFailureReply, component: "holds" },
);

const CONFLICT_MESSAGES: Record<HoldConflict, string> = {
  captured: "Hold already captured: a retry of that capture must send the same idempotency key.",
  released: "Hold released: there is nothing left to capture or release.",
  expired: "Hold expired: its credits are no longer held. Create a new hold, or report the usage directly.",
};

type Refusal = Exclude<CaptureHoldResult, { ok: true }>;

function refusal(r: Refusal): ApiReply {
  if (r.code === "not_found") return noSuchHold();
  if (r.code === "insufficient_credits") return insufficient(r.quantity, r.balance);
  if (r.code === "too_large") return tooLarge(r.credits);
  return errorReply("conflict", CONFLICT_MESSAGES[r.reason], { reason: r.reason, hold: holdJson(r.hold) });
}

function insufficient(quantity: number, balance: Balance): ApiReply {
  return errorReply("insufficient_credits", `Insufficient credits: ${quantity} requested, ${balance.available} available.`, { balance: balanceJson(balance) });
}

function tooLarge(credits: number): ApiReply {
  return invalidRequest({ quantity: [`quantity × the meter's rate is ${credits} credits; a hold covers at most 1000000 credits.`] });
}

function noSuchHold(): ApiReply {
  return errorReply("not_found", "No such hold.");
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
