import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { creditBalances, organizations, subscriptions } from "@/db/schema";
import { getPlan } from "@/lib/billing/plans";
import { requestAlertCheck } from "@/lib/alerts/alert-gate";
import { resetPlanCredits } from "@/lib/ledger";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import { LIVE_SUBSCRIPTION_STATUSES } from "@/lib/stripe/sync-customer";
import { syncCustomer } from "../sync-customer";
import type { WebhookHandler } from "./types";

/**
 * `invoice.paid` for a subscription period: sync, then reset plan credits (expire the rest, grant the
 * allotment) once per invoice. Only while the subscription is live and is the org's plan: an invoice that
 * arrives after its subscription ended (a late or out-of-order webhook) grants nothing — the cancel already
 * ended that period's credits and started a Free period, as it would have had the invoice come first. An
 * invoice for an older period than the one already granted is stale. Decided and granted under the org row
 * lock `applyStripePlan` takes, so a cancel synced meanwhile is seen.
 */
export const handleInvoicePaid: WebhookHandler = async (db, event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const customerId = idOf(invoice.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (!orgId || !customerId) return { result: `ignored: unknown customer ${customerId}`, ignored: true };
  const subId = idOf(invoice.parent?.subscription_details?.subscription ?? null);
  if (!subId) return { result: "ignored: not a subscription invoice", ignored: true };
  await syncCustomer(db, customerId);

  const r = await db.transaction(async (tx): Promise<{ result: string; ignored?: boolean; applied?: boolean }> => {
    const [org] = await tx.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId)).for("update");
    const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subId));
    if (!org || !sub || sub.orgId !== orgId) return { result: `ignored: subscription ${subId} unknown for org`, ignored: true };
    if (!LIVE_SUBSCRIPTION_STATUSES.includes(sub.status) || org.plan !== sub.plan) {
      return { result: `ended: subscription ${subId} is ${sub.status} (org on ${org.plan}); its period's credits ended with it` };
    }
    const line = invoice.lines?.data?.find((l) => l.period?.end) ?? null;
    const periodEnd = line?.period?.end ? new Date(line.period.end * 1000) : sub.currentPeriodEnd;
    const [bal] = await tx.select({ resetsAt: creditBalances.planResetsAt }).from(creditBalances).where(eq(creditBalances.orgId, orgId));
    if (periodEnd && bal?.resetsAt && bal.resetsAt.getTime() > periodEnd.getTime()) {
      return { result: `stale: a later period (until ${bal.resetsAt.toISOString()}) is already granted` };
    }
    const allotment = getPlan(sub.plan).monthlyCredits;
    const reset = await resetPlanCredits(tx, { orgId, allotment, resetsAt: periodEnd, reference: invoice.id!, idempotencyKey: `invoice:${invoice.id}` });
    return { result: reset.applied ? `plan credits reset to ${allotment}` : "plan credits already reset for this invoice", applied: reset.applied };
  });
  if (r.applied) requestAlertCheck(db, orgId); // a new period's credits: re-arms (or fires) low-balance alerts
  return { result: r.result, ignored: r.ignored };
};
