import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations, rechargeAttempts } from "@/db/schema";
import { getStripe } from "@/lib/stripe/client";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { outcomeFromPaymentIntent, outcomeFromStripeError, type AttemptOutcome } from "./outcome";
import { settleRechargeAttempt, type SettleResult } from "./settle-attempt";

export interface ChargeOptions {
  /** pauses between our own re-tries of a transient failure (the SDK already retries twice per try) */
  retryDelaysMs?: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Charges one attempt off-session. The attempt row was committed before; its id is the Stripe idempotency
 * key, so every retry (SDK, ours, a re-run job, reconciliation) reaches the SAME PaymentIntent.
 * Transient failures (5xx, timeouts) are retried with the same key, then the attempt fails with
 * "An internal error occurred". Returns the settled state.
 */
export async function chargeRechargeAttempt(db: Db, attemptId: string, opts: ChargeOptions = {}): Promise<SettleResult> {
  const [a] = await db
    .update(rechargeAttempts)
    .set({ status: "processing", updatedAt: new Date() })
    .where(and(eq(rechargeAttempts.id, attemptId), inArray(rechargeAttempts.status, ["pending", "processing"])))
    .returning();
  if (!a) {
    const [cur] = await db.select({ status: rechargeAttempts.status }).from(rechargeAttempts).where(eq(rechargeAttempts.id, attemptId));
    return { attemptId, status: cur?.status ?? "canceled", changed: false, credited: false };
  }
  const customer = await getStripeCustomer(db, a.orgId);
  if (!customer?.defaultPaymentMethodId) return settleRechargeAttempt(db, a.id, { kind: "no_payment_method" });
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, a.orgId));

  const delays = opts.retryDelaysMs ?? [500, 2000];
  let outcome: AttemptOutcome | null = null;
  for (let i = 0; i <= delays.length && !outcome; i++) {
    if (i > 0) await sleep(delays[i - 1]!);
    try {
      const pi = await getStripe().paymentIntents.create(
        {
          amount: a.amountCents,
          currency: a.currency,
          customer: customer.customerId,
          payment_method: customer.defaultPaymentMethodId,
          off_session: true,
          confirm: true,
          description: `${a.trigger === "auto" ? "Auto-recharge" : "Top-up"}: ${a.credits} credits for ${org?.name ?? a.orgId}`,
          metadata: { org_id: a.orgId, attempt_id: a.id, trigger: a.trigger, credits: String(a.credits) },
        },
        { idempotencyKey: a.id },
      );
      outcome = outcomeFromPaymentIntent(pi);
    } catch (err) {
      outcome = outcomeFromStripeError(err);
      if (!outcome) console.warn(`[recharge] transient Stripe error for attempt ${a.id} (org ${a.orgId}), try ${i + 1}:`, (err as Error).message);
    }
  }
  return settleRechargeAttempt(db, a.id, outcome ?? { kind: "internal_error", paymentIntentId: null });
}
