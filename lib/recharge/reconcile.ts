import { and, eq, gt, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rechargeAttempts, type RechargeAttempt } from "@/db/schema";
import { logger } from "@/lib/log";
import { getStripe } from "@/lib/stripe/client";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { chargeRechargeAttempt } from "./charge-attempt";
import { findAttemptPaymentIntent } from "./find-payment-intent";
import { outcomeFromPaymentIntent } from "./outcome";
import { settleRechargeAttempt, type SettleResult } from "./settle-attempt";

export interface ReconcileOptions {
  /** only attempts untouched this long (default 2 min: the charge path may still be working) */
  olderThanMs?: number;
  /** the clock (tests); default now */
  now?: Date;
}

/**
 * Converges what the charge path could not (run every minute by the `reconcile` job):
 * - open attempts (`pending`/`processing`) untouched for `olderThanMs`: retrieve the stored PaymentIntent,
 *   or run `chargeRechargeAttempt`, which searches Stripe by `metadata.attempt_id` before it ever
 *   re-creates, and re-creates (same key) only while the key lives — see its docstring;
 * - `failed` "internal error" attempts without a PaymentIntent id younger than 24 h (settled on a guess by
 *   older code): searched once; a PaymentIntent found settles it (a late success credits once).
 * Credits land exactly once whichever of webhook, worker and reconciliation gets there first.
 */
export async function reconcileRechargeAttempts(db: Db, opts: ReconcileOptions = {}): Promise<SettleResult[]> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - (opts.olderThanMs ?? 120_000));
  const stuck = await db
    .select()
    .from(rechargeAttempts)
    .where(and(inArray(rechargeAttempts.status, ["pending", "processing"]), lt(rechargeAttempts.updatedAt, cutoff)))
    .limit(100);
  const results: SettleResult[] = [];
  for (const a of stuck) {
    try {
      if (a.paymentIntentId) {
        const pi = await getStripe().paymentIntents.retrieve(a.paymentIntentId);
        results.push(await settleRechargeAttempt(db, a.id, outcomeFromPaymentIntent(pi)));
      } else {
        results.push(await chargeRechargeAttempt(db, a.id, { retryDelaysMs: [], now }));
      }
    } catch (err) {
      logger.error({ err, orgId: a.orgId, attemptId: a.id }, "reconcile: attempt failed to converge");
    }
  }
  for (const a of await guessedFailures(db, now)) {
    try {
      const r = await searchGuessedFailure(db, a);
      if (r) results.push(r);
    } catch (err) {
      logger.error({ err, orgId: a.orgId, attemptId: a.id }, "reconcile: search for a failed attempt");
    }
  }
  return results;
}

/** `failed` with "internal error", no PaymentIntent id, younger than 24 h, not searched yet. */
function guessedFailures(db: Db, now: Date): Promise<RechargeAttempt[]> {
  return db
    .select()
    .from(rechargeAttempts)
    .where(
      and(
        eq(rechargeAttempts.status, "failed"),
        eq(rechargeAttempts.failureCode, "internal_error"),
        isNull(rechargeAttempts.paymentIntentId),
        isNull(rechargeAttempts.stripeSearchedAt),
        gt(rechargeAttempts.createdAt, new Date(now.getTime() - 24 * 3600_000)),
      ),
    )
    .limit(100);
}

async function searchGuessedFailure(db: Db, a: RechargeAttempt): Promise<SettleResult | null> {
  const customer = await getStripeCustomer(db, a.orgId);
  const pi = customer ? await findAttemptPaymentIntent(customer.customerId, a.id) : null;
  await db.update(rechargeAttempts).set({ stripeSearchedAt: new Date() }).where(eq(rechargeAttempts.id, a.id));
  return pi ? settleRechargeAttempt(db, a.id, outcomeFromPaymentIntent(pi)) : null;
}
