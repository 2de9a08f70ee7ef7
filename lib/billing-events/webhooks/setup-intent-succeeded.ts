import type Stripe from "stripe";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import { setDefaultPaymentMethod } from "@/lib/stripe/set-default-payment-method";
import { syncCustomer } from "../sync-customer";
import type { WebhookHandler } from "./types";

/** `setup_intent.succeeded`: the saved card becomes the default (same as the Checkout setup path; idempotent). */
export const handleSetupIntentSucceeded: WebhookHandler = async (db, event) => {
  const si = event.data.object as Stripe.SetupIntent;
  const customerId = idOf(si.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (!orgId || !customerId) return { result: `ignored: unknown customer ${customerId}`, ignored: true };
  const pm = await setDefaultPaymentMethod({ customerId, setupIntentId: si.id });
  if (pm) await syncCustomer(db, customerId);
  return { result: pm ? `default payment method set to ${pm}` : "setup intent has no payment method" };
};
