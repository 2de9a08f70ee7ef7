import type Stripe from "stripe";
import { logger } from "@/lib/log";
import { getStripe } from "@/lib/stripe/client";

/** Re-create with the attempt's idempotency key only while the attempt is younger than this (Stripe keeps keys 24 h). */
export const KEY_SAFE_AGE_MS = 23 * 3600_000;
/** Stripe's search index lags writes (~1 min): a create sent less than this long ago may not be searchable yet. */
export const SEARCH_LAG_MS = 2 * 60_000;

/**
 * The PaymentIntent a recharge attempt created, found by `metadata['attempt_id']` among the customer's
 * PaymentIntents (Stripe search), or null. An auto-recharge retried on the backup card has two (metadata
 * `card`: the default card's, declined, and `backup`): the succeeded one wins (it holds the money), else the
 * backup card's (the later try decides the attempt), else the default card's.
 * Throws what the SDK throws (the caller treats that as "still unknown").
 */
export async function findAttemptPaymentIntent(customerId: string, attemptId: string): Promise<Stripe.PaymentIntent | null> {
  const found = await getStripe().paymentIntents.search({ query: `metadata['attempt_id']:'${attemptId}' AND customer:'${customerId}'`, limit: 10 });
  const backup = found.data.filter((p) => p.metadata?.card === "backup");
  if (found.data.length - backup.length > 1 || backup.length > 1)
    logger.error({ attemptId, paymentIntents: found.data.map((p) => `${p.id}=${p.status}`) }, "recharge: more than one PaymentIntent per card for an attempt");
  return found.data.find((p) => p.status === "succeeded") ?? backup[0] ?? found.data[0] ?? null;
}
