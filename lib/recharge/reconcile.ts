import { and, inArray, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rechargeAttempts } from "@/db/schema";
import { getStripe } from "@/lib/stripe/client";
import { chargeRechargeAttempt } from "./charge-attempt";
import { outcomeFromPaymentIntent } from "./outcome";
import { settleRechargeAttempt } from "./settle-attempt";

/**
 * Finds attempts left `pending`/`processing` longer than `olderThanMs` (e.g. the process died between
 * Stripe's answer and our write) and converges them: with a known PaymentIntent, retrieve it; without,
 * re-run the charge with the SAME idempotency key (Stripe replays the first answer, no second charge).
 * Credits land exactly once whichever of webhook and reconciliation gets there first.
 */
export async function reconcileRechargeAttempts(db: Db, opts: { olderThanMs?: number; now?: Date } = {}) {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - (opts.olderThanMs ?? 120_000));
  const stuck = await db
    .select()
    .from(rechargeAttempts)
    .where(and(inArray(rechargeAttempts.status, ["pending", "processing"]), lt(rechargeAttempts.updatedAt, cutoff)))
    .limit(100);
  const results = [];
  for (const a of stuck) {
    try {
      if (a.paymentIntentId) {
        const pi = await getStripe().paymentIntents.retrieve(a.paymentIntentId);
        results.push(await settleRechargeAttempt(db, a.id, outcomeFromPaymentIntent(pi)));
      } else {
        results.push(await chargeRechargeAttempt(db, a.id, { retryDelaysMs: [] }));
      }
    } catch (err) {
      console.error(`[reconcile] attempt ${a.id} (org ${a.orgId}) failed to converge:`, (err as Error).message);
    }
  }
  return results;
}
