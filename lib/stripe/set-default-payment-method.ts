import { getStripe } from "./client";

/**
 * Makes the card of a succeeded SetupIntent the customer's default (invoice_settings) at Stripe.
 * Idempotent (key `default-pm:<SetupIntent id>`). Returns the payment method id, or null when the SetupIntent
 * has none or has not succeeded. Our mirror follows with a customer sync (the caller's).
 */
export async function setDefaultPaymentMethod(p: { customerId: string; setupIntentId: string }): Promise<string | null> {
  const stripe = getStripe();
  const si = await stripe.setupIntents.retrieve(p.setupIntentId);
  const pmId = typeof si.payment_method === "string" ? si.payment_method : (si.payment_method?.id ?? null);
  if (!pmId || si.status !== "succeeded") return null;
  await stripe.customers.update(p.customerId, { invoice_settings: { default_payment_method: pmId } }, { idempotencyKey: `default-pm:${p.setupIntentId}` });
  return pmId;
}
