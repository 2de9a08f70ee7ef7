import { eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { organizations } from "@/db/schema";
import type { PlanId } from "@/lib/billing/plans";
import { currentFreePeriod } from "@/lib/billing/free-period";
import { resetPlanCredits } from "@/lib/ledger";
import { startFreePeriod } from "./free-periods";
import { appNow } from "@/lib/clock";

/**
 * The org's plan follows its Stripe subscription (the plan a customer sync found; "free" when none is
 * live). Locks the org row. Down to Free: the paid period's plan credits end with it and a Free period
 * starts (its monthly allotment, renewed by the plans.free-periods job); top-up credits are untouched. An
 * org marked paid that Stripe never subscribed (no ended subscription: e.g. the seed, before its
 * subscription exists) only loses the plan credits — no Free period, so the paid period its first invoice
 * grants is never taken for stale. Up to a paid plan: its credits come with `invoice.paid`.
 * Returns the plan before and whether this was a downgrade to Free.
 */
export async function applyStripePlan(
  tx: Tx,
  p: { orgId: string; plan: PlanId; endedSubscriptionId: string | null; now?: Date },
): Promise<{ previousPlan: PlanId; downgradedToFree: boolean }> {
  const [org] = await tx.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, p.orgId)).for("update");
  if (!org) throw new Error(`org ${p.orgId} not found`);
  const previousPlan = org.plan;
  if (p.plan === previousPlan) return { previousPlan, downgradedToFree: false };
  await tx.update(organizations).set({ plan: p.plan }).where(eq(organizations.id, p.orgId));
  if (p.plan !== "free") return { previousPlan, downgradedToFree: false };
  if (p.endedSubscriptionId) await startFreePeriod(tx, p.orgId, currentFreePeriod(p.now ?? appNow(), null), `downgrade:${p.endedSubscriptionId}`);
  else await resetPlanCredits(tx, { orgId: p.orgId, allotment: 0, resetsAt: null, reference: "downgrade:none", idempotencyKey: "downgrade:none" });
  return { previousPlan, downgradedToFree: true };
}
