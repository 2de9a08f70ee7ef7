import type Stripe from "stripe";
import { recordEvent } from "@/lib/events/record-event";
import { idOf } from "@/lib/stripe/events";
import { creditsTakenBack, findChargePurchase } from "../charge-purchase";
import { returnDisputedCredits, reverseChargeCredits } from "../reverse-charge";
import type { WebhookHandler } from "./types";

/**
 * Disputes. Credits are taken back when Stripe withdraws the funds — at `charge.dispute.created` (or
 * `…funds_withdrawn`, the same key `dispute:<dp_…>`) for a chargeback; an inquiry (`warning_*`) withdraws
 * nothing and takes nothing. `charge.dispute.closed`: lost → taken back (if not yet); won → the credits
 * come back (`dispute-won:<dp_…>`). The share is the disputed amount's, rounded up, never more than what is
 * still not taken back for the charge (a partial refund before the dispute).
 */
export const handleChargeDispute: WebhookHandler = async (db, event) => {
  const dispute = event.data.object as Stripe.Dispute;
  const chargeId = idOf(dispute.charge)!;
  const purchase = await findChargePurchase(db, idOf(dispute.payment_intent));
  if (!purchase) return { result: `ignored: charge ${chargeId} bought no Refill credits`, ignored: true };
  const data = { dispute: dispute.id, status: dispute.status, reason: dispute.reason, amount: dispute.amount, currency: dispute.currency };
  if (dispute.status.startsWith("warning_"))
    return { result: `inquiry ${dispute.id} (${dispute.status}): no funds withdrawn, nothing taken back`, ignored: true };
  if (event.type === "charge.dispute.closed" && dispute.status === "won") {
    const returned = await returnDisputedCredits(db, { purchase, chargeId, disputeId: dispute.id, data });
    return { result: returned ? `dispute ${dispute.id} won: credits returned` : `dispute ${dispute.id} won: nothing to return` };
  }
  if (event.type === "charge.dispute.closed" && dispute.status !== "lost") return { result: `dispute ${dispute.id} closed ${dispute.status}`, ignored: true };
  const share = Math.min(purchase.credits, Math.ceil((purchase.credits * dispute.amount) / purchase.amountCents));
  const credits = Math.min(share, purchase.credits - (await creditsTakenBack(db, purchase.orgId, chargeId)));
  const lost = event.type === "charge.dispute.closed";
  if (credits <= 0) {
    if (lost)
      await recordEvent(db, {
        orgId: purchase.orgId,
        type: "charge.dispute.closed",
        dedupeKey: `dispute-closed:${dispute.id}`,
        data: { ...data, charge: chargeId },
      });
    return { result: `dispute ${dispute.id} ${lost ? "lost" : "opened"}: credits already taken back` };
  }
  const applied = await reverseChargeCredits(db, {
    purchase,
    chargeId,
    credits,
    key: `dispute:${dispute.id}`,
    cause: lost ? "dispute_lost" : "dispute",
    eventType: lost ? "charge.dispute.closed" : "charge.dispute.created",
    data,
  });
  return { result: applied ? `dispute ${dispute.id}: took back ${credits} credits` : `dispute ${dispute.id}: already taken back` };
};
