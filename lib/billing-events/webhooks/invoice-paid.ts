import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { creditBalances, subscriptions } from "@/db/schema";
import { getPlan } from "@/lib/billing/plans";
import { requestAlertCheck } from "@/lib/alerts/alert-gate";
import { resetPlanCredits } from "@/lib/ledger";
import { findOrgIdByCustomer } from "@/lib/stripe/customers";
import { idOf } from "@/lib/stripe/events";
import { syncCustomer } from "../sync-customer";
import type { WebhookHandler } from "./types";

/**
 * `invoice.paid` for a subscription period: sync, then reset plan credits (expire the rest, grant the
 * allotment) once per invoice. An invoice for an older period than the one already granted is stale.
 */
export const handleInvoicePaid: WebhookHandler = async (db, event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const customerId = idOf(invoice.customer);
  const orgId = customerId ? await findOrgIdByCustomer(db, customerId) : null;
  if (!orgId || !customerId) return { result: `ignored: unknown customer ${customerId}`, ignored: true };
  const subId = idOf(invoice.parent?.subscription_details?.subscription ?? null);
  if (!subId) return { result: "ignored: not a subscription invoice", ignored: true };
  await syncCustomer(db, customerId);
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, subId));
  if (!sub || sub.orgId !== orgId) return { result: `ignored: subscription ${subId} unknown for org`, ignored: true };

  const line = invoice.lines?.data?.find((l) => l.period?.end) ?? null;
  const periodEnd = line?.period?.end ? new Date(line.period.end * 1000) : sub.currentPeriodEnd;
  const [bal] = await db.select({ resetsAt: creditBalances.planResetsAt }).from(creditBalances).where(eq(creditBalances.orgId, orgId));
  if (periodEnd && bal?.resetsAt && bal.resetsAt.getTime() > periodEnd.getTime()) {
    return { result: `stale: a later period (until ${bal.resetsAt.toISOString()}) is already granted` };
  }
  const allotment = getPlan(sub.plan).monthlyCredits;
  const r = await resetPlanCredits(db, { orgId, allotment, resetsAt: periodEnd, reference: invoice.id!, idempotencyKey: `invoice:${invoice.id}` });
  if (r.applied) requestAlertCheck(db, orgId); // a new period's credits: re-arms (or fires) low-balance alerts
  return { result: r.applied ? `plan credits reset to ${allotment}` : "plan credits already reset for this invoice" };
};
