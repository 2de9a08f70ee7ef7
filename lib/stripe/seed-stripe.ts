import type { Db } from "@/db/client";
import { orgIdBySlug } from "@/lib/seed/seed-demo";
import { ensureStripeCatalog } from "./catalog";
import { getStripeCustomer } from "./customers";
import { attachTestCard, subscribeOrgToPlan } from "./provision";
import { hasActiveSubscription, syncStripeCustomer } from "./sync-customer";

/**
 * The Stripe side of the demo (emulator or Stripe test mode), idempotent: the plan catalog; Acme Voice
 * (`acme`) on Starter with an active subscription and `pm_card_visa` as its default card, so auto-recharge
 * can be enabled at once; Globex stays on Free with no card.
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
    await syncStripeCustomer(db, customer.customerId);
  }
}
