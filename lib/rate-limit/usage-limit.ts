import { RateLimiterMemory } from "rate-limiter-flexible";
import { errorReply, type ApiReply } from "@/lib/api/responses";
import { env } from "@/lib/env";
import { consumeOrRetryAfter } from "./postgres-limiter";

/**
 * The usage API's per-key rate limit: USAGE_RATE_LIMIT_PER_SECOND requests per API key per second, in
 * this process's memory (rate-limiter-flexible's RateLimiterMemory). In memory on purpose: this is the
 * hot path (thousands of requests a second), where a database round trip per request would cost more
 * than the debit. With N processes a key gets up to N times the limit; it is a guard against runaway
 * clients, not a quota. 0 turns it off.
 */
let limiter: RateLimiterMemory | null | undefined;

function usageLimiter(): RateLimiterMemory | null {
  if (limiter === undefined) {
    const points = env().USAGE_RATE_LIMIT_PER_SECOND;
    limiter = points > 0 ? new RateLimiterMemory({ keyPrefix: "usage", points, duration: 1 }) : null;
  }
  return limiter;
}

/** null when `keyId` may go on; else the 429 `rate_limited` reply with `Retry-After` (seconds). */
export async function usageRateLimit(keyId: string): Promise<ApiReply | null> {
  const l = usageLimiter();
  if (!l) return null;
  const wait = await consumeOrRetryAfter(l, keyId);
  if (wait === null) return null;
  return {
    ...errorReply("rate_limited", `Too many requests for this API key: at most ${env().USAGE_RATE_LIMIT_PER_SECOND} per second. Retry after ${wait} s.`),
    headers: { "retry-after": String(wait) },
  };
}

/** Tests: read USAGE_RATE_LIMIT_PER_SECOND again on the next request. */
export function resetUsageRateLimit(): void {
  limiter = undefined;
}
