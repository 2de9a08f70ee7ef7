import { getDb } from "@/db/client";
import { refundPurchase } from "@/lib/billing-events/owner-refund";
import { apiEndpoint } from "../endpoint";
import { errorReply } from "../responses";

/**
 * POST /api/v1/billing/charges/{id}/refund (scope billing:write) — `{id}` is a purchase id from the history
 * (`GET /api/v1/billing/auto-topup/history`: a recharge's id; or a Buy Credits Checkout Session id). Refunds an
 * unused top-up in full: 200 `{id, status, credits, amount, stripe_refund_id}`; 409 `conflict` when its credits
 * were spent or it was refunded before; 404 for an unknown, unpaid or another org's purchase — nothing written.
 */
export const refundChargeEndpoint = apiEndpoint<undefined, undefined, { id: string }>(["billing:write"], async ({ key, params }) => {
  const r = await refundPurchase(getDb(), { orgId: key.orgId, purchaseId: params.id, userId: null });
  if (!r.ok)
    return r.code === "not_found"
      ? errorReply("not_found", "No paid, credited purchase with this id in this organization.")
      : errorReply("conflict", r.message, { reason: r.reason });
  const f = r.refund;
  return { status: 200, body: { id: f.id, status: f.status, credits: f.credits, amount: f.amountCents, stripe_refund_id: f.stripeRefundId } };
});
