/**
 * The client's side of a refused call (pure): how long a 402 asks the caller to wait before retrying the
 * same call (same idempotency key), in ms, or null when it gives no hint (then the call is refused).
 * `error.recharge.retry_after_ms` (exact) wins over the `Retry-After` header (seconds, may be fractional
 * like "0.2"; HTTP dates are not used by Refill and count as no hint). A `requires_action` recharge has no
 * retry time: it waits for a person.
 */
export function readRetryHint(retryAfterHeader: string | null | undefined, body: unknown): number | null {
  const recharge = (body as { error?: { recharge?: { status?: unknown; retry_after_ms?: unknown } } } | null)?.error?.recharge;
  if (recharge && recharge.status !== "in_progress") return null;
  const ms = recharge?.retry_after_ms;
  if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  if (retryAfterHeader == null || !/^\s*\d+(\.\d+)?\s*$/.test(retryAfterHeader)) return null;
  return Math.ceil(Number(retryAfterHeader) * 1000);
}
