import type { Db } from "@/db/client";
import { retryDeclinedAllocationsOnNewCard } from "@/lib/agencies/retry-allocation";
import type { PlanId } from "@/lib/billing/plans";
import { applyStripePlan } from "@/lib/plans/apply-stripe-plan";
import { cancelVerificationsOnReplacedCard, endBackoffOnNewCard, turnOffAutoRechargeOnFree } from "@/lib/recharge/stripe-reactions";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { syncStripeCustomer } from "@/lib/stripe/sync-customer";

export type SyncResult =
  | { ok: false; reason: "unknown_customer" | "deleted_customer" }
  | { ok: true; orgId: string; plan: PlanId; previousPlan: PlanId; subscriptionId: string | null; card: { brand: string; last4: string } | null };

/**
 * Converges everything that follows a Stripe customer: `syncStripeCustomer` writes the mirror
 * (stripe_customers, subscriptions) and, in the same transaction, the plan module moves the org's plan and
 * plan credits and auto-recharge turns off on Free; after the commit, payments waiting for verification on
 * a replaced card are settled `canceled`, and a new card ends the back-off after a decline (and tries at once). Called by webhooks, the checkout return page, seeds and tests;
 * safe to call any number of times in any order.
 */
export async function syncCustomer(db: Db, customerId: string): Promise<SyncResult> {
  let previousPlan: PlanId | null = null;
  let backoffEnded = false;
  const sync = await syncStripeCustomer(db, customerId, async (tx, s) => {
    const r = await applyStripePlan(tx, { orgId: s.orgId, plan: s.plan, endedSubscriptionId: s.endedSubscriptionId });
    previousPlan = r.previousPlan;
    if (r.downgradedToFree) await turnOffAutoRechargeOnFree(tx, { orgId: s.orgId, previousPlan: r.previousPlan });
    if (s.changes.defaultPaymentMethodReplaced) backoffEnded = await endBackoffOnNewCard(tx, { orgId: s.orgId, plan: s.plan });
  });
  if (!sync.ok) return sync;
  await cancelVerificationsOnReplacedCard(db, {
    orgId: sync.orgId,
    defaultPaymentMethodId: sync.defaultPaymentMethodId,
    replaced: !!sync.changes.defaultPaymentMethodReplaced,
  });
  if (backoffEnded) await maybeTriggerRecharge(db, sync.orgId); // a declined recharge tries the new card now
  if (sync.changes.defaultPaymentMethodReplaced) await retryDeclinedAllocationsOnNewCard(db, sync.orgId); // and a declined month's allocation, once
  return { ok: true, orgId: sync.orgId, plan: sync.plan, previousPlan: previousPlan ?? sync.plan, subscriptionId: sync.subscriptionId, card: sync.card };
}
