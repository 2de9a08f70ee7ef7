import type postgres from "postgres";
import { getDbHandle } from "@/db/client";
import { env } from "@/lib/env";
import { consumeOrRetryAfter, postgresLimiter } from "./postgres-limiter";

/**
 * The card-testing guard: at most PAYMENT_RATE_LIMIT_PER_HOUR payment attempts (Checkout Sessions for
 * credits, cards and plans, and Top Up Now charges) per org per hour, counted on Postgres so it holds
 * across processes. 0 turns it off.
 */
type PaymentGuard = (orgId: string) => Promise<{ ok: true } | { ok: false; code: "rate_limited"; message: string; retryAfterSeconds: number }>;

export function createPaymentGuard(sql: postgres.Sql, perHour: number): PaymentGuard {
  if (perHour <= 0) return async () => ({ ok: true });
  const limiter = postgresLimiter(sql, { keyPrefix: "payment-org", points: perHour, duration: 3600 });
  return async (orgId) => {
    const wait = await consumeOrRetryAfter(limiter, orgId);
    if (wait === null) return { ok: true };
    const minutes = Math.max(1, Math.ceil(wait / 60));
    return {
      ok: false,
      code: "rate_limited",
      message: `Too many payment attempts for this organization. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      retryAfterSeconds: wait,
    };
  };
}

let guard: PaymentGuard | undefined;

/** The process's guard on the app's pool. Call before creating a Checkout Session or charging. */
export function guardPaymentAttempt(orgId: string) {
  guard ??= createPaymentGuard(getDbHandle().sql, env().PAYMENT_RATE_LIMIT_PER_HOUR);
  return guard(orgId);
}
