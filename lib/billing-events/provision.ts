import type { Db } from "@/db/client";
import { getPlan, type PlanId } from "@/lib/billing/plans";
import { priceIdForPlan } from "@/lib/stripe/catalog";
import { getStripe } from "@/lib/stripe/client";
import { ensureStripeCustomer } from "@/lib/stripe/customers";
import { syncCustomer } from "./sync-customer";

/**
 * Server-side card on file for seeds and tests: attaches a test PaymentMethod (e.g. `pm_card_visa`) to the
 * org's customer, makes it the default, syncs. Real users add cards through Checkout (setup mode).
 */
export async function attachTestCard(db: Db, orgId: string, paymentMethod: string): Promise<string> {
  const stripe = getStripe();
  const customerId = await ensureStripeCustomer(db, orgId);
  const pm = await stripe.paymentMethods.attach(paymentMethod, { customer: customerId });
  await stripe.customers.update(customerId, { invoice_settings: { default_payment_method: pm.id } });
  await syncCustomer(db, customerId);
  return pm.id;
}

/**
 * Subscribes the org to a paid plan with its default card, server-side (seeds and tests; users subscribe
 * through Checkout). Plan credits arrive with the `invoice.paid` webhook; `grantNow` also syncs at once.
 */
export async function subscribeOrgToPlan(db: Db, orgId: string, planId: PlanId): Promise<string> {
  const stripe = getStripe();
  const customerId = await ensureStripeCustomer(db, orgId);
  const price = await priceIdForPlan(getPlan(planId));
  const sub = await stripe.subscriptions.create({ customer: customerId, items: [{ price }], metadata: { org_id: orgId } });
  await syncCustomer(db, customerId);
  return sub.id;
}
