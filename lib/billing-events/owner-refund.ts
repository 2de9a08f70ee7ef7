import { and, eq, lt } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "@/db/client";
import { checkoutSessions, purchaseInvoices, rechargeAttempts, refundRequests, type RefundRequest } from "@/db/schema";
import { canRefundPurchase } from "@/lib/billing/refund-credits";
import { recordEvent } from "@/lib/events/record-event";
import { creditTopup } from "@/lib/ledger";
import { lockBalance } from "@/lib/ledger/balance";
import { takeBackCredits } from "@/lib/ledger/take-back";
import { childLogger } from "@/lib/log";
import { getStripe } from "@/lib/stripe/client";
import { idOf } from "@/lib/stripe/events";
import { parseUuid } from "@/lib/validation/ids";
import { creditsTakenBack, findChargePurchase } from "./charge-purchase";

export type OwnerRefundResult =
  { ok: true; refund: RefundRequest } | { ok: false; code: "not_found" } | { ok: false; code: "conflict"; reason: "refunded" | "spent"; message: string };

/** The PaymentIntent of one of the org's purchases (a succeeded recharge attempt or a complete Buy Credits session), or null. */
async function paymentIntentOf(db: Db, orgId: string, purchaseId: string): Promise<string | null> {
  const attemptId = parseUuid(purchaseId);
  if (attemptId) {
    const [attempt] = await db
      .select({ pi: rechargeAttempts.paymentIntentId })
      .from(rechargeAttempts)
      .where(and(eq(rechargeAttempts.orgId, orgId), eq(rechargeAttempts.id, attemptId), eq(rechargeAttempts.status, "succeeded")));
    return attempt?.pi ?? null;
  }
  const [session] = await db
    .select({ pi: purchaseInvoices.paymentIntentId })
    .from(checkoutSessions)
    .innerJoin(purchaseInvoices, eq(purchaseInvoices.purchaseId, checkoutSessions.id))
    .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.id, purchaseId)));
  return session?.pi ?? null;
}

/**
 * An owner refunds an unused top-up. In ONE transaction (balance row locked): the refund request is recorded
 * and its credits removed (ledger key `refund:<request id>`, reference the charge) — only while the top-up pool
 * still holds them (`canRefundPurchase`): 409 otherwise, and 404 for a purchase that is not this org's, not paid
 * or not credited; nothing is written on either. THEN `refunds.create` (idempotency key `refund:<id>`,
 * `metadata.refill_refund_id`), so the `charge.refunded` webhook of this refund finds the same ledger key and
 * debits nothing more. A known refusal restores the credits (`refund-restore:<id>`); no answer leaves it
 * `pending` for `reconcileRefundRequests`.
 */
export async function refundPurchase(db: Db, p: { orgId: string; purchaseId: string; userId: string | null }): Promise<OwnerRefundResult> {
  const pi = await paymentIntentOf(db, p.orgId, p.purchaseId);
  const purchase = pi ? await findChargePurchase(db, pi) : null;
  if (!purchase || purchase.orgId !== p.orgId) return { ok: false, code: "not_found" };
  const chargeId = idOf((await getStripe().paymentIntents.retrieve(purchase.paymentIntentId)).latest_charge);
  if (!chargeId) return { ok: false, code: "not_found" };
  const recorded = await db.transaction(async (tx): Promise<OwnerRefundResult> => {
    const row = await lockBalance(tx, p.orgId);
    const [earlier] = await tx.select({ id: refundRequests.id }).from(refundRequests).where(eq(refundRequests.purchaseId, purchase.purchaseId));
    const decision = canRefundPurchase({
      credits: purchase.credits,
      topupCredits: row.topupCredits,
      alreadyRefunded: !!earlier || (await creditsTakenBack(tx, p.orgId, chargeId)) > 0,
    });
    if (!decision.ok) {
      const message =
        decision.reason === "refunded"
          ? "This top-up was already refunded."
          : `Only unused top-ups can be refunded: ${purchase.credits} credits would have to be available, ${Math.max(0, row.topupCredits)} are.`;
      return { ok: false, code: "conflict", reason: decision.reason, message };
    }
    const [refund] = await tx
      .insert(refundRequests)
      .values({
        orgId: p.orgId,
        purchaseId: purchase.purchaseId,
        paymentIntentId: purchase.paymentIntentId,
        credits: purchase.credits,
        amountCents: purchase.amountCents,
        requestedBy: p.userId,
      })
      .returning();
    await takeBackCredits(tx, { orgId: p.orgId, credits: purchase.credits, kind: "refund", reference: chargeId, idempotencyKey: `refund:${refund!.id}` });
    return { ok: true, refund: refund! };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, refund: await sendRefund(db, recorded.refund, chargeId) };
}

/** `refunds.create` for a pending request (same idempotency key every time) and its outcome written. */
async function sendRefund(db: Db, refund: RefundRequest, chargeId: string): Promise<RefundRequest> {
  const log = childLogger({ component: "refunds", orgId: refund.orgId });
  try {
    const created = await getStripe().refunds.create(
      { payment_intent: refund.paymentIntentId, reason: "requested_by_customer", metadata: { refill_refund_id: refund.id, org_id: refund.orgId } },
      { idempotencyKey: `refund:${refund.id}` },
    );
    return await db.transaction(async (tx) => {
      const [done] = await tx
        .update(refundRequests)
        .set({ status: "succeeded", stripeRefundId: created.id, lastError: null, updatedAt: new Date() })
        .where(and(eq(refundRequests.id, refund.id), eq(refundRequests.status, "pending")))
        .returning();
      await recordEvent(tx, {
        orgId: refund.orgId,
        type: "charge.refunded",
        dedupeKey: `refund:${refund.id}`,
        data: {
          refund: created.id,
          charge: chargeId,
          payment_intent: refund.paymentIntentId,
          amount_refunded: created.amount,
          currency: created.currency,
          credits_taken_back: refund.credits,
        },
      });
      return done ?? refund;
    });
  } catch (err) {
    const known = err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError;
    log.error({ err, refundId: refund.id }, known ? "refund refused by Stripe: credits restored" : "refund outcome unknown: left pending");
    if (!known) {
      await db
        .update(refundRequests)
        .set({ lastError: String((err as Error).message).slice(0, 500), updatedAt: new Date() })
        .where(eq(refundRequests.id, refund.id));
      return { ...refund, lastError: String((err as Error).message) };
    }
    return db.transaction(async (tx) => {
      const [failed] = await tx
        .update(refundRequests)
        .set({ status: "failed", lastError: String((err as Error).message).slice(0, 500), updatedAt: new Date() })
        .where(and(eq(refundRequests.id, refund.id), eq(refundRequests.status, "pending")))
        .returning();
      if (failed)
        await creditTopup(tx, {
          orgId: refund.orgId,
          credits: refund.credits,
          kind: "adjustment",
          reference: chargeId,
          idempotencyKey: `refund-restore:${refund.id}`,
        });
      return failed ?? refund;
    });
  }
}

/** Re-sends pending refund requests older than `olderThanMs` (their outcome was lost) with the same idempotency key. */
export async function reconcileRefundRequests(db: Db, opts: { olderThanMs?: number; now?: Date } = {}): Promise<number> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - (opts.olderThanMs ?? 60_000));
  const pending = await db
    .select()
    .from(refundRequests)
    .where(and(eq(refundRequests.status, "pending"), lt(refundRequests.updatedAt, cutoff)))
    .limit(50);
  for (const r of pending) {
    const chargeId = idOf((await getStripe().paymentIntents.retrieve(r.paymentIntentId)).latest_charge);
    if (chargeId) await sendRefund(db, r, chargeId);
  }
  return pending.length;
}
