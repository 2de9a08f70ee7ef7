import { and, eq, inArray, notInArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx } from "@/db/client";
import { organizations, rechargeAttempts, stripeCustomers, subscriptions, type PlanId } from "@/db/schema";
import { currentFreePeriod } from "@/lib/billing/free-period";
import { planForLookupKey } from "@/lib/billing/plans";
import { resetPlanCredits } from "@/lib/ledger";
import { startFreePeriod } from "@/lib/plans/free-periods";
import { getAutoRechargeSettings, writeAutoRechargeSettings } from "@/lib/recharge/settings";
import { getStripe } from "./client";
import { findOrgIdByCustomer } from "./customers";

export const LIVE_SUBSCRIPTION_STATUSES = ["active", "trialing", "past_due"];

export type SyncResult =
  | { ok: false; reason: "unknown_customer" | "deleted_customer" }
  | {
      ok: true;
      orgId: string;
      plan: PlanId;
      previousPlan: PlanId;
      subscriptionId: string | null;
      card: { brand: string; last4: string } | null;
    };

function planOfSubscription(sub: Stripe.Subscription): PlanId | null {
  const price = sub.items.data[0]?.price;
  return planForLookupKey(price?.lookup_key)?.id ?? ((price?.metadata?.plan_id as PlanId | undefined) || null);
}

/**
 * THE one writer of customer/payment-method/subscription state: re-reads the customer (default card) and
 * its subscriptions from Stripe, and converges our rows and the org's plan. Called by webhooks and the
 * checkout return page; safe to call any number of times in any order.
 * Downgrade/cancel to Free turns auto-recharge off and expires plan credits; top-up credits stay.
 */
export async function syncStripeCustomer(db: DbOrTx, customerId: string): Promise<SyncResult> {
  const orgId = await findOrgIdByCustomer(db, customerId);
  if (!orgId) return { ok: false, reason: "unknown_customer" };
  const stripe = getStripe();
  const customer = await stripe.customers.retrieve(customerId, { expand: ["invoice_settings.default_payment_method"] });
  if ((customer as Stripe.DeletedCustomer).deleted) return { ok: false, reason: "deleted_customer" };
  const c = customer as Stripe.Customer;
  let pm = c.invoice_settings?.default_payment_method as Stripe.PaymentMethod | string | null;
  if (typeof pm === "string") pm = await stripe.paymentMethods.retrieve(pm);
  const card = pm?.card ?? null;
  const subs = await stripe.subscriptions.list({ customer: customerId, status: "all", limit: 100 });

  return db.transaction(async (tx) => {
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, orgId)).for("update");
    const previousPlan = org!.plan;
    const [before] = await tx.select({ pm: stripeCustomers.defaultPaymentMethodId }).from(stripeCustomers).where(eq(stripeCustomers.orgId, orgId));
    await tx
      .update(stripeCustomers)
      .set({
        defaultPaymentMethodId: pm?.id ?? null,
        cardBrand: card?.brand ?? null,
        cardLast4: card?.last4 ?? null,
        cardExpMonth: card?.exp_month ?? null,
        cardExpYear: card?.exp_year ?? null,
        syncedAt: new Date(),
      })
      .where(eq(stripeCustomers.orgId, orgId));

    // A new default card replaces a payment stuck waiting for verification: that auto attempt is canceled so
    // auto-recharge can try the new card (if the old PaymentIntent still succeeds, settling credits it).
    if (pm?.id && before?.pm && pm.id !== before.pm) {
      await tx
        .update(rechargeAttempts)
        .set({ status: "canceled", completedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(rechargeAttempts.orgId, orgId), eq(rechargeAttempts.trigger, "auto"), eq(rechargeAttempts.status, "requires_action")));
    }

    const seen: string[] = [];
    for (const sub of subs.data) {
      const plan = planOfSubscription(sub);
      if (!plan) continue;
      seen.push(sub.id);
      const item = sub.items.data[0];
      const row = {
        orgId,
        customerId,
        status: sub.status,
        plan,
        priceId: item?.price.id ?? null,
        currentPeriodStart: item?.current_period_start ? new Date(item.current_period_start * 1000) : null,
        currentPeriodEnd: item?.current_period_end ? new Date(item.current_period_end * 1000) : null,
        cancelAtPeriodEnd: sub.cancel_at_period_end,
        updatedAt: new Date(),
      };
      await tx.insert(subscriptions).values({ id: sub.id, ...row }).onConflictDoUpdate({ target: subscriptions.id, set: row });
    }
    // Subscriptions Stripe no longer lists for this customer are gone: mark them canceled.
    const stale = and(eq(subscriptions.orgId, orgId), seen.length ? notInArray(subscriptions.id, seen) : undefined);
    await tx.update(subscriptions).set({ status: "canceled", updatedAt: new Date() }).where(stale);

    const live = subs.data
      .filter((s) => LIVE_SUBSCRIPTION_STATUSES.includes(s.status) && planOfSubscription(s))
      .sort((a, b) => b.created - a.created)[0];
    const plan: PlanId = live ? planOfSubscription(live)! : "free";
    if (plan !== previousPlan) await tx.update(organizations).set({ plan }).where(eq(organizations.id, orgId));

    if (plan === "free" && previousPlan !== "free") {
      const settings = await getAutoRechargeSettings(tx, orgId, previousPlan);
      if (settings.enabled) {
        await writeAutoRechargeSettings(tx, { orgId, plan: previousPlan, patch: { enabled: false }, actor: { source: "system" } });
      }
      // The paid period's plan credits end with it and a Free period starts (its monthly allotment, renewed
      // by the plans.free-periods job); top-up credits are untouched. An org marked paid that Stripe never
      // subscribed (no ended subscription: e.g. the seed, before its subscription exists) only loses the plan
      // credits — no Free period, so the paid period its first invoice grants is never taken for stale.
      const ended = subs.data.find((s) => !LIVE_SUBSCRIPTION_STATUSES.includes(s.status));
      if (ended) await startFreePeriod(tx, orgId, currentFreePeriod(new Date(), null), `downgrade:${ended.id}`);
      else await resetPlanCredits(tx, { orgId, allotment: 0, resetsAt: null, reference: "downgrade:none", idempotencyKey: "downgrade:none" });
    }
    return { ok: true as const, orgId, plan, previousPlan, subscriptionId: live?.id ?? null, card: card ? { brand: card.brand, last4: card.last4 } : null };
  });
}

/** Whether the org has a live (active/trialing/past_due) subscription, from our synced rows. */
export async function hasActiveSubscription(db: DbOrTx, orgId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, LIVE_SUBSCRIPTION_STATUSES)))
    .limit(1);
  return !!row;
}
