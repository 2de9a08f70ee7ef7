import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { checkoutSessions, organizations, type PlanId } from "@/db/schema";
import { getPlan, quotePacks } from "@/lib/billing/plans";
import { priceIdForPlan } from "./catalog";
import { getStripe } from "./client";
import { ensureStripeCustomer } from "./customers";

interface Urls {
  successUrl: string;
  cancelUrl: string;
}

async function orgOf(db: Db, orgId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new Error(`org ${orgId} not found`);
  return org;
}

/**
 * Buy Credits: a Checkout Session (payment mode) for `packs` packs at the org's plan rate. We store the
 * session (packs, credits, amount) — the webhook credits from THIS row, never from the client.
 */
export async function createBuyCreditsCheckout(db: Db, p: { orgId: string; userId: string | null; packs: number; email?: string } & Urls) {
  const org = await orgOf(db, p.orgId);
  const quote = quotePacks(getPlan(org.plan), p.packs);
  const customer = await ensureStripeCustomer(db, org.id, { email: p.email });
  const session = await getStripe().checkout.sessions.create({
    mode: "payment",
    customer,
    line_items: [
      {
        quantity: 1,
        price_data: { currency: quote.currency, unit_amount: quote.amountCents, product_data: { name: `${quote.credits.toLocaleString("en-US")} credits (${quote.packs} × pack)` } },
      },
    ],
    success_url: p.successUrl,
    cancel_url: p.cancelUrl,
    metadata: { org_id: org.id, kind: "buy_credits" },
    payment_intent_data: { metadata: { org_id: org.id, kind: "buy_credits" } },
  });
  await db.insert(checkoutSessions).values({ id: session.id, orgId: org.id, mode: "payment", ...quote, createdBy: p.userId });
  return { id: session.id, url: session.url!, ...quote };
}

/** Add or replace the card: Checkout in setup mode; the webhook makes the card the default. */
export async function createCardSetupCheckout(db: Db, p: { orgId: string; userId: string | null; email?: string } & Urls) {
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

/** Subscribe or upgrade: Checkout in subscription mode for a paid plan. */
export async function createSubscriptionCheckout(db: Db, p: { orgId: string; userId: string | null; planId: PlanId; email?: string } & Urls) {
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

/** The Billing Portal: change/cancel the plan, manage cards. */
export async function createBillingPortalSession(db: Db, p: { orgId: string; returnUrl: string }) {
  const customer = await ensureStripeCustomer(db, p.orgId);
  const session = await getStripe().billingPortal.sessions.create({ customer, return_url: p.returnUrl });
  return { url: session.url };
}

/**
 * What the checkout return page should say, from our row (`syncCheckoutReturn` converges it from Stripe first).
 */
export async function getCheckoutReturnState(db: Db, p: { orgId: string; sessionId: string }) {
  const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, p.sessionId));
  if (!row || row.orgId !== p.orgId) return { kind: "unknown" as const };
  return { kind: row.mode, completed: !!row.completedAt, credits: row.credits, amountCents: row.amountCents };
}
