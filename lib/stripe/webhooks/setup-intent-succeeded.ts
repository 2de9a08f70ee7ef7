import type Stripe from "stripe";
import { findOrgIdByCustomer } from "../customers";
import { setDefaultPaymentMethod } from "../set-default-payment-method";
import { customerIdOf, type WebhookHandler } from "./types";

/** `setup_intent.succeeded`: the saved card becomes the default (same as the Checkout setup path; idempotent). */
export const handleSetupIntentSucceeded: WebhookHandler = async (db, event) => {
  const si = event.data.object as Stripe.SetupIntent;
  const customerId = customerIdOf(si.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (!orgId || !customerId) return { result: `ignored: unknown customer ${customerId}`, ignored: true };
  const pm = await setDefaultPaymentMethod(db, { orgId, customerId, setupIntentId: si.id });
  return { result: pm ? `default payment method set to ${pm}` : "setup intent has no payment method" };
};
