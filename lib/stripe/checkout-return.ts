import type { Db } from "@/db/client";
import { settleCheckoutSession } from "./checkout-reconcile";
import { getStripe } from "./client";
import { findOrgIdByCustomer } from "./customers";
import { setDefaultPaymentMethod } from "./set-default-payment-method";
import { syncStripeCustomer } from "./sync-customer";

/**
 * The checkout return page calls this: it converges the same way the webhook does (setup → default card,
 * subscription → plan, payment → the packs credited once, shared with the webhook and the sweep), so the
 * page is right even when the webhook is late or lost. The org comes from OUR customer mapping; a session
 * of another org is ignored.
 */
export async function syncCheckoutReturn(db: Db, p: { orgId: string; sessionId: string }): Promise<{ synced: boolean; mode?: string; paid?: boolean }> {
  if (!/^cs_[A-Za-z0-9_]+$/.test(p.sessionId)) return { synced: false };
  const session = await getStripe().checkout.sessions.retrieve(p.sessionId);
  const customerId = typeof session.customer === "string" ? session.customer : session.customer?.id;
  if (!customerId || (await findOrgIdByCustomer(db, customerId)) !== p.orgId) return { synced: false };
  if (session.mode === "payment") {
    await settleCheckoutSession(db, session);
  } else if (session.mode === "setup" && session.status === "complete") {
    const si = typeof session.setup_intent === "string" ? session.setup_intent : session.setup_intent?.id;
    if (si) await setDefaultPaymentMethod(db, { orgId: p.orgId, customerId, setupIntentId: si });
  } else {
    await syncStripeCustomer(db, customerId);
  }
  return { synced: true, mode: session.mode, paid: session.payment_status === "paid" };
}
