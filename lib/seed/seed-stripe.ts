import type { Db } from "@/db/client";
import { attachTestCard, subscribeOrgToPlan } from "@/lib/billing-events/provision";
import { syncCustomer } from "@/lib/billing-events/sync-customer";
import { getBillingDetails, saveBillingDetails } from "@/lib/stripe/billing-details";
import { ensureStripeCatalog } from "@/lib/stripe/catalog";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { hasActiveSubscription } from "@/lib/stripe/sync-customer";
import { orgIdBySlug } from "./seed-demo";

/**
 * The Stripe side of the demo (emulator or Stripe test mode), idempotent: the plan catalog; Acme Voice
 * (`acme`) on Starter with an active subscription and `pm_card_visa` as its default card, so auto-recharge
 * can be enabled at once, and billing details (legal name, address, US EIN) for its invoices; Globex stays on
 * Free with no card; Northwind Agency gets `pm_card_visa` for its sub-accounts' allocations.
 */
export async function seedStripe(db: Db, log: (s: string) => void = () => {}): Promise<void> {
  await ensureStripeCatalog();
  const acme = await orgIdBySlug(db, "acme");
  if (!acme) return;
  const customer = await getStripeCustomer(db, acme);
  if (!customer?.defaultPaymentMethodId) {
    await attachTestCard(db, acme, "pm_card_visa");
    log("Stripe: Acme Voice has a Visa test card (pm_card_visa) as its default payment method.");
  }
  if (!(await hasActiveSubscription(db, acme))) {
    await subscribeOrgToPlan(db, acme, "starter");
    log("Stripe: Acme Voice subscribed to Starter.");
  } else if (customer) {
    await syncCustomer(db, customer.customerId);
  }
  if (!(await getBillingDetails(db, acme))) {
    const details = {
      legalName: "Acme Voice, Inc.",
      line1: "548 Market Street",
      line2: "Suite 300",
      city: "San Francisco",
      postalCode: "94104",
      state: "CA",
      country: "US",
    };
    await saveBillingDetails(db, { orgId: acme, userId: null, details: { ...details, taxId: { type: "us_ein", value: "12-3456789" } } });
    log("Stripe: Acme Voice's billing details (legal name, address, US EIN) are on its customer.");
  }
  // the agency pays its sub-accounts' monthly allocations with this card
  const agency = await orgIdBySlug(db, "northwind");
  if (agency && !(await getStripeCustomer(db, agency))?.defaultPaymentMethodId) {
    await attachTestCard(db, agency, "pm_card_visa");
    log("Stripe: Northwind Agency has a Visa test card (pm_card_visa) for its sub-accounts' allocations.");
  }
}
