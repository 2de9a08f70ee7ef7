import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { checkoutSessions, organizations } from "@/db/schema";
import { getPlan, quotePacks, type PlanId } from "@/lib/billing/plans";
import { priceIdForPlan } from "./catalog";
import { getStripe } from "./client";
import { getStripeCustomer, ensureStripeCustomer } from "./customers";

/** Where Stripe's hosted page sends the owner back (absolute URLs; `{CHECKOUT_SESSION_ID}` is filled by Stripe). */
export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

/** A created hosted Checkout Session: its id and the URL the owner is sent to. */
export interface CheckoutStart {
  id: string;
  url: string;
}

async function orgOf(db: Db, orgId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new Error(`org ${orgId} not found`);
  return org;
}

/**
 * Buy Credits: a Checkout Session (payment mode) for `packs` packs (integer, 1..100; RangeError otherwise)
 * at the org's plan rate, the card saved for off-session use. We store the session (packs, credits, amount
 * in cents) — the webhook, the return page and the sweep credit from THIS row, never from the client.
 * Returns the session and the quote.
 */
export async function createBuyCreditsCheckout(
  db: Db,
  p: { orgId: string; userId: string | null; packs: number; email?: string } & CheckoutUrls,
): Promise<CheckoutStart & ReturnType<typeof quotePacks>> {
  const org = await orgOf(db, p.orgId);
  const plan = getPlan(org.plan);
  const quote = quotePacks(plan, p.packs);
  const customer = await ensureStripeCustomer(db, org.id, { email: p.email });
  const session = await getStripe().checkout.sessions.create({
    mode: "payment",
    customer,
    line_items: [
      {
        quantity: quote.packs,
        price_data: {
          currency: quote.currency,
          unit_amount: plan.packPriceCents,
          product_data: { name: `${plan.packCredits.toLocaleString("en-US")} credits (${plan.name})` },
        },
      },
    ],
    payment_intent_data: { setup_future_usage: "off_session", metadata: { org_id: org.id, kind: "buy_credits" } },
    metadata: { org_id: org.id, kind: "buy_credits", packs: String(quote.packs) },
    // Stripe's post-payment invoice (paid by this session's PaymentIntent), with the customer's billing details
    invoice_creation: { enabled: true, invoice_data: { description: `Refill credits for ${org.name}`, metadata: { org_id: org.id, kind: "buy_credits" } } },
    success_url: p.successUrl,
    cancel_url: p.cancelUrl,
  });
  await db.insert(checkoutSessions).values({ id: session.id, orgId: org.id, mode: "payment", ...quote, createdBy: p.userId });
  return { id: session.id, url: session.url!, ...quote };
}

/** Add or replace the card: Checkout in setup mode; the webhook (or the return page) makes the card the default. */
export async function createCardSetupCheckout(db: Db, p: { orgId: string; userId: string | null; email?: string } & CheckoutUrls): Promise<CheckoutStart> {
  const customer = await ensureStripeCustomer(db, p.orgId, { email: p.email });
  const session = await getStripe().checkout.sessions.create({
    mode: "setup",
    customer,
    currency: "usd",
    success_url: p.successUrl,
    cancel_url: p.cancelUrl,
    metadata: { org_id: p.orgId, kind: "add_card" },
  });
  await db.insert(checkoutSessions).values({ id: session.id, orgId: p.orgId, mode: "setup", createdBy: p.userId });
  return { id: session.id, url: session.url! };
}

/** Subscribe: Checkout in subscription mode for a paid plan (its price found by lookup key, created when missing). */
export async function createSubscriptionCheckout(
  db: Db,
  p: { orgId: string; userId: string | null; planId: PlanId; email?: string } & CheckoutUrls,
): Promise<CheckoutStart> {
  const plan = getPlan(p.planId);
  const customer = await ensureStripeCustomer(db, p.orgId, { email: p.email });
  const session = await getStripe().checkout.sessions.create({
    mode: "subscription",
    customer,
    line_items: [{ price: await priceIdForPlan(plan), quantity: 1 }],
    success_url: p.successUrl,
    cancel_url: p.cancelUrl,
    metadata: { org_id: p.orgId, kind: "subscribe", plan_id: plan.id },
    subscription_data: { metadata: { org_id: p.orgId } },
  });
  await db.insert(checkoutSessions).values({ id: session.id, orgId: p.orgId, mode: "subscription", plan: plan.id, createdBy: p.userId });
  return { id: session.id, url: session.url! };
}

/**
 * The Billing Portal (change/cancel the plan, manage cards) for the org's existing Stripe customer.
 * Returns null when the org has no customer yet (nothing to manage); never creates one.
 */
export async function createBillingPortalSession(db: Db, p: { orgId: string; returnUrl: string }): Promise<{ url: string } | null> {
  const customer = await getStripeCustomer(db, p.orgId);
  if (!customer) return null;
  const session = await getStripe().billingPortal.sessions.create({ customer: customer.customerId, return_url: p.returnUrl });
  return { url: session.url };
}
