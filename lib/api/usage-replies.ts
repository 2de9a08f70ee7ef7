import { errorReply, type ApiReply } from "./responses";
import { retryAfterHeader, type RechargeHint } from "@/lib/billing/retry-hint";
import { DEFAULT_METER } from "@/lib/billing/meters";
import type { UsageMeasure } from "@/lib/billing/debit-plan";
import type { Balance, DebitResult } from "@/lib/ledger";
import { LedgerWriteError } from "@/lib/ledger/write-error";
import type { BudgetState } from "@/lib/ledger/key-budget-sql";
import { budgetJson } from "@/lib/api-keys/key-budgets";
import { metrics } from "@/lib/metrics";

/** The usage and holds endpoints' answers: the balance object, a debit's 200 or 402, the 500 of a failed write. */

/**
 * The API's balance object, credits: `{ plan_credits, topup_credits, total, held, grace, overdraft, available }`
 * — `held` reserved by active holds, `grace` the overdraft allowed now (0 unless a recharge in flight grants
 * it), `overdraft` owed (the top-up pool below zero), `available` = total − held + grace (what a debit may take).
 */
export function balanceJson(b: Balance) {
  return {
    plan_credits: b.planCredits,
    topup_credits: b.topupCredits,
    total: b.total,
    held: b.heldCredits,
    grace: b.graceCredits,
    overdraft: b.overdraft,
    available: b.available,
  };
}

/**
 * One debit result as the API answers it: 200 with the usage, or 402 `insufficient_credits`. With a recharge
 * in flight the 402 says when to come back: `error.recharge: {status: "in_progress", retry_after_ms}` and a
 * `Retry-After` header (whole seconds), or `{status: "requires_action"}` when it waits for the owner.
 */
export function usageResultReply(r: DebitResult, recharge: RechargeHint | null = null): ApiReply {
  if (r.ok) return { status: 200, body: { id: r.id, quantity: r.quantity, balance: balanceJson(r.balance), ...meterJson(r.quantity, r.measure) } };
  if (r.code === "budget_exceeded") return budgetExceededReply(r.quantity, r.budget);
  metrics().usageRefusals.inc();
  const retryAfter = retryAfterHeader(recharge);
  return errorReply(
    "insufficient_credits",
    `Insufficient credits: ${r.quantity} requested, ${r.balance.available} available.`,
    { balance: balanceJson(r.balance), ...(recharge ? { recharge } : {}) },
    retryAfter ? { "retry-after": retryAfter } : undefined,
  );
}

/**
 * What a usage was measured in, beside the existing fields: `meter`, `units` (in the meter's unit), `credits`
 * debited and `rate` (credits per unit). `quantity` stays as it was: the credits debited.
 */
function meterJson(credits: number, measure: UsageMeasure | null | undefined) {
  const meter = measure?.meter ?? DEFAULT_METER;
  const units = measure?.units ?? credits;
  return { meter, units, credits, rate: units > 0 ? credits / units : 0 };
}

/**
 * The 500 for a usage request whose debit failed on a database error (e.g. Postgres restarting):
 * `{ error: { code: "internal_error", message, applied } }` where `applied` is `false` when nothing was
 * debited (the error came before the write could commit) and `"unknown"` when the commit's outcome was lost
 * with the connection — then only a retry with the same idempotency key can tell (it replays the first
 * result if it was applied). Any other error is `"unknown"` too: this reply never claims more than it knows.
 */
export function usageFailureReply(err: unknown): ApiReply {
  const applied = err instanceof LedgerWriteError ? err.applied : "unknown";
  const message =
    applied === false
      ? "Internal error: nothing was debited. Retry the request (with the same idempotency key)."
      : "Internal error: the debit may or may not have been applied. Retry with the same idempotency key: a request that was applied replays its first result, one that was not is debited once.";
  return errorReply("internal_error", message, { applied });
}

/**
 * 402 `budget_exceeded`: the API key's budget (credits per period) cannot cover `quantity`; nothing debited.
 * `error.budget` names it: `{credits, period, time_zone, used, remaining, period_start, resets_at}`.
 */
export function budgetExceededReply(quantity: number, b: BudgetState): ApiReply {
  return errorReply(
    "budget_exceeded",
    `This API key's budget of ${b.credits} credits per ${b.period} would be exceeded: ${b.used} used, ${quantity} requested. It resets at ${b.resetsAt.toISOString()}.`,
    { budget: budgetJson(b) },
  );
}
