import type { Db } from "@/db/client";
import { getStripe } from "@/lib/stripe/client";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import { setDefaultPaymentMethod } from "@/lib/stripe/set-default-payment-method";
import { settleCheckoutSession } from "./checkout-settle";
import { syncCustomer } from "./sync-customer";

/**
 * The checkout return page calls this: it converges the same way the webhook does (setup → default card,
 * subscription → plan, payment → the packs credited once, shared with the webhook and the sweep), so the
 * page is right even when the webhook is late or lost. The org comes from OUR customer mapping; a session
 * of another org is ignored.
 */
export async function syncCheckoutReturn(db: Db, p: { orgId: string; sessionId: string }): Promise<{ synced: boolean; mode?: string; paid?: boolean }> {
  if (!/^cs_[A-Za-z0-9_]+$/.test(p.sessionId)) return { synced: false };
  const session = await getStripe().checkout.sessions.retrieve(p.sessionId);
  const customerId = idOf(session.customer);
  if (!customerId || (await findOrgIdByCustomer(db, customerId)) !== p.orgId) return { synced: false };
  if (session.mode === "payment") {
    await settleCheckoutSession(db, session);
  } else if (session.mode === "setup" && session.status === "complete") {
    const si = idOf(session.setup_intent);
    if (si && (await setDefaultPaymentMethod({ customerId, setupIntentId: si }))) await syncCustomer(db, customerId);
  } else {
    await syncCustomer(db, customerId);
  }
  return { synced: true, mode: session.mode, paid: session.payment_status === "paid" };
}
