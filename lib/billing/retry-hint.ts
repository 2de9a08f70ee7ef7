/**
 * What a refused debit (402) tells the caller about the recharge in flight (pure): when to come back.
 * `retry_after_ms` is the recharge's expected remaining time (its measured p95 minus its age), at least
 * 100 ms; a recharge older than expected (Stripe slow, outcome unknown) gets a back-off of 2 s.
 * A recharge waiting for the owner's 3-D Secure verification has no retry time: it needs a person.
 */
export interface OpenRecharge {
  status: "pending" | "processing" | "requires_action";
  /** ms since the attempt was created */
  ageMs: number;
}

export type RechargeHint = { status: "in_progress"; retry_after_ms: number } | { status: "requires_action" };

const MIN_RETRY_MS = 100;
const SLOW_RECHARGE_RETRY_MS = 2000;

export function rechargeHint(open: OpenRecharge | null, expectedRechargeMs: number): RechargeHint | null {
  if (!open) return null;
  if (open.status === "requires_action") return { status: "requires_action" };
  const remaining = expectedRechargeMs - open.ageMs;
  return { status: "in_progress", retry_after_ms: remaining > 0 ? Math.max(MIN_RETRY_MS, Math.ceil(remaining)) : SLOW_RECHARGE_RETRY_MS };
}

/** HTTP `Retry-After` is whole seconds: the hint rounded up (≥ 1). */
export function retryAfterHeader(hint: RechargeHint | null): string | null {
  return hint?.status === "in_progress" ? String(Math.max(1, Math.ceil(hint.retry_after_ms / 1000))) : null;
}
