import type Stripe from "stripe";
import { findAttemptByPaymentIntent, getRechargeAttempt } from "@/lib/recharge/attempts";
import { outcomeFromPaymentIntent } from "@/lib/recharge/outcome";
import { settleRechargeAttempt } from "@/lib/recharge/settle-attempt";
import { getStripe } from "@/lib/stripe/client";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import type { WebhookHandler } from "./types";

/**
 * `payment_intent.succeeded | payment_failed | requires_action | canceled` for a recharge attempt.
 * Order-independent: the PaymentIntent is re-read from Stripe and the attempt converges to its CURRENT
 * state (succeeded is sticky), so a late `payment_failed` never takes credits back.
 */
export const handlePaymentIntentChanged: WebhookHandler = async (db, event) => {
  const evPi = event.data.object as Stripe.PaymentIntent;
  const customerId = idOf(evPi.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (!orgId) return { result: `ignored: unknown customer ${customerId}`, ignored: true };
  const attempt =
    (await findAttemptByPaymentIntent(db, evPi.id)) ?? (evPi.metadata?.attempt_id ? await getRechargeAttempt(db, evPi.metadata.attempt_id, orgId) : null);
  if (!attempt || attempt.orgId !== orgId) return { result: "ignored: not a recharge attempt", ignored: true };
  const pi = await getStripe().paymentIntents.retrieve(evPi.id);
  const r = await settleRechargeAttempt(db, attempt.id, outcomeFromPaymentIntent(pi));
  return { result: `attempt ${attempt.id} ${r.changed ? "→" : "stays"} ${r.status}${r.credited ? " (credited)" : ""}` };
};
