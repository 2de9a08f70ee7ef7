import type Stripe from "stripe";
import { refundCreditsByRefund } from "@/lib/billing/refund-credits";
import { getStripe } from "@/lib/stripe/client";
import { idOf } from "@/lib/stripe/events";
import { findChargePurchase } from "../charge-purchase";
import { reverseChargeCredits } from "../reverse-charge";
import type { WebhookHandler } from "./types";

/**
 * `charge.refunded`: each refund of one of our purchases takes back its share of the credits (rounded up,
 * cumulative over partial refunds: `refundCreditsByRefund`), once per refund — ledger key `refund:<our refund
 * request id>` when the refund carries `metadata.refill_refund_id` (the owner's refund from the Billing page,
 * whose credits were removed before Stripe was called), else `refund:<re_…>`. The refunds are listed from
 * Stripe (the event's charge does not carry them on current API versions).
 */
export const handleChargeRefunded: WebhookHandler = async (db, event) => {
  const charge = event.data.object as Stripe.Charge;
  const purchase = await findChargePurchase(db, idOf(charge.payment_intent));
  if (!purchase) return { result: `ignored: charge ${charge.id} bought no Refill credits`, ignored: true };
  const refunds = await getStripe().refunds.list({ charge: charge.id, limit: 100 });
  // oldest first (Stripe lists newest first): the order each refund's cumulative share is computed in
  const counted = refunds.data.filter((r) => r.status === "succeeded" || r.status === "pending").reverse();
  const shares = refundCreditsByRefund(
    purchase.credits,
    purchase.amountCents,
    counted.map((r) => ({ id: r.metadata?.refill_refund_id || r.id, amount: r.amount, created: r.created })),
  );
  let taken = 0;
  for (const share of shares) {
    if (share.credits <= 0) continue;
    const refund = counted.find((r) => (r.metadata?.refill_refund_id || r.id) === share.id)!;
    const applied = await reverseChargeCredits(db, {
      purchase,
      chargeId: charge.id,
      credits: share.credits,
      key: `refund:${share.id}`,
      cause: "refund",
      eventType: "charge.refunded",
      data: { refund: refund.id, amount_refunded: refund.amount, currency: refund.currency },
    });
    if (applied) taken += share.credits;
  }
  return { result: taken > 0 ? `took back ${taken} credits for ${charge.id}` : `already taken back for ${charge.id}` };
};
