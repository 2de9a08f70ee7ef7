import type { DbOrTx } from "@/db/client";
import { getStripe } from "./client";
import { syncStripeCustomer } from "./sync-customer";

/**
 * Makes the card of a succeeded SetupIntent the customer's default (invoice_settings) and syncs.
 * Idempotent. Returns the payment method id, or null when the SetupIntent has none.
 */
export async function setDefaultPaymentMethod(db: DbOrTx, p: { orgId: string; customerId: string; setupIntentId: string }): Promise<string | null> {
  const stripe = getStripe();
  const si = await stripe.setupIntents.retrieve(p.setupIntentId);
  const pmId = typeof si.payment_method === "string" ? si.payment_method : (si.payment_method?.id ?? null);
  if (!pmId || si.status !== "succeeded") return null;
  await stripe.customers.update(p.customerId, { invoice_settings: { default_payment_method: pmId } }, { idempotencyKey: `default-pm:${p.setupIntentId}` });
  await syncStripeCustomer(db, p.customerId);
  return pmId;
}
