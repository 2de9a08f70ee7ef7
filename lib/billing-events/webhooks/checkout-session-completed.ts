import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { checkoutSessions } from "@/db/schema";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import { setDefaultPaymentMethod } from "@/lib/stripe/set-default-payment-method";
import { settleCheckoutSession } from "../checkout-settle";
import { syncCustomer } from "../sync-customer";
import type { WebhookHandler } from "./types";

/**
 * `checkout.session.completed` / `checkout.session.async_payment_succeeded`.
 * Payment mode: `settleCheckoutSession` (credits from OUR stored row once, only when paid — shared with the
 * return page and the sweep). Setup mode: the card becomes the
 * customer's default. Subscription mode: sync (plan credits come with `invoice.paid`).
 */
export const handleCheckoutSessionCompleted: WebhookHandler = async (db, event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  const [ours] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
  if (!ours) return { result: `ignored: checkout session ${session.id} was not created by Refill`, ignored: true };
  const customerId = idOf(session.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (orgId !== ours.orgId) return { result: `ignored: customer ${customerId} does not belong to the session's org`, ignored: true };

  if (ours.mode === "payment") {
    const r = await settleCheckoutSession(db, session, { paid: event.type === "checkout.session.async_payment_succeeded" });
    return { result: r.result };
  }
  if (ours.mode === "setup") {
    const setupIntentId = idOf(session.setup_intent);
    if (!setupIntentId) return { result: "no setup intent on session" };
    const pm = await setDefaultPaymentMethod({ customerId: customerId!, setupIntentId });
    if (pm) await syncCustomer(db, customerId!);
    await db
      .update(checkoutSessions)
      .set({ completedAt: new Date(), status: "complete" })
      .where(and(eq(checkoutSessions.id, ours.id), isNull(checkoutSessions.completedAt)));
    return { result: pm ? `default payment method set to ${pm}` : "setup intent has no payment method" };
  }
  const sync = await syncCustomer(db, customerId!);
  await db
    .update(checkoutSessions)
    .set({ completedAt: new Date(), status: "complete" })
    .where(and(eq(checkoutSessions.id, ours.id), isNull(checkoutSessions.completedAt)));
  return { result: sync.ok ? `subscription synced: plan ${sync.plan}` : `sync skipped: ${sync.reason}` };
};
