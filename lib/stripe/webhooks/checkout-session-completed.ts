import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { checkoutSessions } from "@/db/schema";
import { creditTopup } from "@/lib/ledger";
import { findOrgIdByCustomer } from "../customers";
import { setDefaultPaymentMethod } from "../set-default-payment-method";
import { syncStripeCustomer } from "../sync-customer";
import { customerIdOf, type WebhookHandler } from "./types";

/**
 * `checkout.session.completed` / `checkout.session.async_payment_succeeded`.
 * Payment mode: credits from OUR stored session row, only when paid. Setup mode: the card becomes the
 * customer's default. Subscription mode: sync (plan credits come with `invoice.paid`).
 */
export const handleCheckoutSessionCompleted: WebhookHandler = async (db, event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  const [ours] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
  if (!ours) return { result: `ignored: checkout session ${session.id} was not created by Refill`, ignored: true };
  const customerId = customerIdOf(session.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (orgId !== ours.orgId) return { result: `ignored: customer ${customerId} does not belong to the session's org`, ignored: true };

  if (ours.mode === "payment") {
    const paid = session.payment_status === "paid" || event.type === "checkout.session.async_payment_succeeded";
    if (!paid) return { result: `not credited: payment_status=${session.payment_status}` };
    const credit = await db.transaction(async (tx) => {
      await tx.update(checkoutSessions).set({ completedAt: new Date() }).where(and(eq(checkoutSessions.id, ours.id), isNull(checkoutSessions.completedAt)));
      return creditTopup(tx, { orgId: ours.orgId, credits: ours.credits!, kind: "purchase", reference: session.id, idempotencyKey: `checkout:${session.id}` });
    });
    return { result: credit.applied ? `credited ${ours.credits} credits` : `already credited` };
  }
  if (ours.mode === "setup") {
    const setupIntentId = customerIdOf(session.setup_intent as string | { id: string } | null);
    if (!setupIntentId) return { result: "no setup intent on session" };
    const pm = await setDefaultPaymentMethod(db, { orgId, customerId: customerId!, setupIntentId });
    await db.update(checkoutSessions).set({ completedAt: new Date() }).where(and(eq(checkoutSessions.id, ours.id), isNull(checkoutSessions.completedAt)));
    return { result: pm ? `default payment method set to ${pm}` : "setup intent has no payment method" };
  }
  const sync = await syncStripeCustomer(db, customerId!);
  await db.update(checkoutSessions).set({ completedAt: new Date() }).where(and(eq(checkoutSessions.id, ours.id), isNull(checkoutSessions.completedAt)));
  return { result: sync.ok ? `subscription synced: plan ${sync.plan}` : `sync skipped: ${sync.reason}` };
};
