import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "@/db/client";
import { checkoutSessions } from "@/db/schema";
import { purchaseEventData } from "@/lib/events/event-data";
import { recordEvent } from "@/lib/events/record-event";
import { creditTopup } from "@/lib/ledger";
import { logger } from "@/lib/log";
import { getStripe } from "@/lib/stripe/client";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import { requestAlertCheck } from "@/lib/alerts/alert-gate";
import { handOffJob } from "@/lib/jobs/queue";
import { queuePurchaseInvoice } from "@/lib/invoices/queue-invoice";

export interface CheckoutSettleResult {
  sessionId: string;
  /** our row's status after converging: open | complete | expired */
  status: string;
  credited: boolean;
  result: string;
}

/**
 * Converges one payment-mode Checkout Session to what Stripe says, exactly once whichever of the webhook,
 * the return page and the sweep gets here first: our row is locked, a paid session credits the packs from
 * OUR row (never the client's or the session's metadata) with the ledger key `checkout:<session id>`, and the
 * row is closed (`complete` / `expired`); the credit queues the session's invoice record (`invoice.issue`). `paid` overrides `payment_status` (async_payment_succeeded events).
 */
export async function settleCheckoutSession(db: Db, session: Stripe.Checkout.Session, opts: { paid?: boolean } = {}): Promise<CheckoutSettleResult> {
  const customerId = idOf(session.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  let invoiceQueued = false;
  const settled = await db.transaction(async (tx) => {
    const [ours] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id)).for("update");
    const none = (result: string) => ({ sessionId: session.id, status: ours?.status ?? "unknown", credited: false, result });
    if (!ours) return none(`ignored: checkout session ${session.id} was not created by Refill`);
    if (ours.mode !== "payment") return none(`ignored: ${ours.mode} session`);
    if (orgId !== ours.orgId) return none(`ignored: customer ${customerId} does not belong to the session's org`);
    const now = new Date();
    if (opts.paid || session.payment_status === "paid") {
      const credit = await creditTopup(tx, {
        orgId: ours.orgId,
        credits: ours.credits!,
        kind: "purchase",
        reference: session.id,
        idempotencyKey: `checkout:${session.id}`,
      });
      if (credit.applied) {
        invoiceQueued = await queuePurchaseInvoice(tx, {
          orgId: ours.orgId,
          purchaseId: session.id,
          source: "checkout",
          paymentIntentId: idOf(session.payment_intent),
        });
      }
      const data = purchaseEventData({
        sessionId: session.id,
        credits: ours.credits!,
        packs: ours.packs,
        amountCents: ours.amountCents,
        currency: ours.currency,
        balance: credit.balance.total,
      });
      await recordEvent(tx, { orgId: ours.orgId, type: "credits.purchased", data, dedupeKey: `checkout:${session.id}` });
      await tx
        .update(checkoutSessions)
        .set({ status: "complete", completedAt: ours.completedAt ?? now, checkedAt: now })
        .where(eq(checkoutSessions.id, ours.id));
      return {
        sessionId: session.id,
        status: "complete",
        credited: credit.applied,
        result: credit.applied ? `credited ${ours.credits} credits` : "already credited",
      };
    }
    // expired, or complete without payment (a payment still pending arrives as async_payment_succeeded): closed
    const status = session.status === "expired" ? "expired" : session.status === "complete" ? "complete" : "open";
    await tx.update(checkoutSessions).set({ status, checkedAt: now }).where(eq(checkoutSessions.id, ours.id));
    return { sessionId: session.id, status, credited: false, result: `not credited: status=${session.status} payment_status=${session.payment_status}` };
  });
  if (invoiceQueued) await handOffJob(db, "invoice.issue", { purchaseId: session.id });
  if (settled.credited && orgId) requestAlertCheck(db, orgId); // recovery: re-arms low-balance alerts
  return settled;
}

/**
 * The sweep (run with the `reconcile` job): re-reads open payment-mode Checkout Sessions older than
 * `olderThanMs` (default 1 min, the webhook's head start) and not re-read in the last 30 s, and converges
 * each — a paid one whose webhook was lost is credited once; expired ones are closed.
 */
export async function reconcileCheckoutSessions(db: Db, opts: { olderThanMs?: number; now?: Date } = {}): Promise<CheckoutSettleResult[]> {
  const now = (opts.now ?? new Date()).getTime();
  const open = await db
    .select({ id: checkoutSessions.id, orgId: checkoutSessions.orgId })
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.status, "open"),
        eq(checkoutSessions.mode, "payment"),
        lt(checkoutSessions.createdAt, new Date(now - (opts.olderThanMs ?? 60_000))),
        or(isNull(checkoutSessions.checkedAt), lt(checkoutSessions.checkedAt, new Date(now - 30_000))),
      ),
    )
    .orderBy(sql`${checkoutSessions.checkedAt} ASC NULLS FIRST`, asc(checkoutSessions.createdAt))
    .limit(100);
  const results: CheckoutSettleResult[] = [];
  for (const row of open) {
    try {
      results.push(await settleCheckoutSession(db, await getStripe().checkout.sessions.retrieve(row.id)));
    } catch (err) {
      logger.error({ err, orgId: row.orgId, checkoutSessionId: row.id }, "reconcile: checkout session failed to converge");
    }
  }
  return results;
}
