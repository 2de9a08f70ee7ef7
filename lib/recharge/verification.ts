import type { Db } from "@/db/client";
import { getStripe } from "@/lib/stripe/client";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { getRechargeAttempt } from "./attempts";
import { outcomeFromPaymentIntent, outcomeFromStripeError } from "./outcome";
import { settleRechargeAttempt } from "./settle-attempt";

export type StartVerificationResult = { kind: "redirect"; url: string } | { kind: "settled"; status: string } | { kind: "error"; message: string };

/**
 * "Complete verification": brings the owner on-session. Confirms the attempt's PaymentIntent with a
 * `return_url` and returns `next_action.redirect_to_url` (the bank's / emulator's 3-D Secure page).
 */
export async function startVerification(db: Db, p: { orgId: string; attemptId: string; returnUrl: string }): Promise<StartVerificationResult> {
  const a = await getRechargeAttempt(db, p.attemptId, p.orgId);
  if (!a) return { kind: "error", message: "This payment was not found." };
  if (a.status !== "requires_action") return { kind: "settled", status: a.status };
  if (!a.paymentIntentId) return { kind: "error", message: "This payment can no longer be verified. Start a new top-up." };
  const stripe = getStripe();
  let pi = await stripe.paymentIntents.retrieve(a.paymentIntentId);
  try {
    if (pi.status === "requires_payment_method" || pi.status === "requires_confirmation") {
      const customer = await getStripeCustomer(db, p.orgId);
      const pm = (typeof pi.payment_method === "string" ? pi.payment_method : pi.payment_method?.id) ?? customer?.defaultPaymentMethodId ?? undefined;
      pi = await stripe.paymentIntents.confirm(pi.id, { payment_method: pm, return_url: p.returnUrl }, { idempotencyKey: `verify:${a.id}:${Date.now()}` });
    }
  } catch (err) {
    const outcome = outcomeFromStripeError(err);
    if (outcome && outcome.kind !== "requires_action") {
      const r = await settleRechargeAttempt(db, a.id, outcome);
      return { kind: "settled", status: r.status };
    }
    return { kind: "error", message: "We could not start the verification. Please try again." };
  }
  const url = pi.next_action?.redirect_to_url?.url;
  if (pi.status === "requires_action" && url) return { kind: "redirect", url };
  const r = await settleRechargeAttempt(db, a.id, outcomeFromPaymentIntent(pi));
  return { kind: "settled", status: r.status };
}

/** The return from verification: re-read the PaymentIntent and converge (credits land once). */
export async function completeVerification(db: Db, p: { orgId: string; attemptId: string }) {
  const a = await getRechargeAttempt(db, p.attemptId, p.orgId);
  if (!a) return { status: "not_found" as const };
  if (!a.paymentIntentId) return { status: a.status };
  const pi = await getStripe().paymentIntents.retrieve(a.paymentIntentId);
  const outcome = outcomeFromPaymentIntent(pi);
  // Back from the bank page with the PI still needing action: the owner abandoned it; keep requires_action.
  return settleRechargeAttempt(db, a.id, outcome);
}
