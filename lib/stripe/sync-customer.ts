import { and, eq, inArray, notInArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { stripeCustomers, subscriptions } from "@/db/schema";
import { planForLookupKey, type PlanId } from "@/lib/billing/plans";
import { getStripe } from "./client";
import { findOrgIdByCustomer } from "./customers";
import { idOf } from "./events";

export const LIVE_SUBSCRIPTION_STATUSES = ["active", "trialing", "past_due"];

/** What a sync found at Stripe and what it changed in our mirror (stripe_customers, subscriptions). */
interface CustomerSynced {
  ok: true;
  orgId: string;
  customerId: string;
  /** the plan of the newest live (active/trialing/past_due) subscription; "free" when there is none */
  plan: PlanId;
  subscriptionId: string | null;
  /** a subscription Stripe lists as ended (canceled, incomplete_expired, unpaid, …), if any */
  endedSubscriptionId: string | null;
  defaultPaymentMethodId: string | null;
  card: { brand: string; last4: string } | null;
  changes: {
    /** the default card was replaced by another one (not set for a first card, nor a removal) */
    defaultPaymentMethodReplaced: { from: string; to: string } | null;
    /** subscriptions whose row was created or whose status/plan moved (including ones Stripe no longer lists) */
    subscriptions: { id: string; status: string; plan: PlanId; previousStatus: string | null }[];
  };
}

export type CustomerSync = { ok: false; reason: "unknown_customer" | "deleted_customer" } | CustomerSynced;

/** Runs in the mirror's transaction, after the mirror rows are written: the modules that react to Stripe. */
export type OnCustomerSynced = (tx: Tx, sync: CustomerSynced) => Promise<void>;

function planOfSubscription(sub: Stripe.Subscription): PlanId | null {
  const price = sub.items.data[0]?.price;
  return planForLookupKey(price?.lookup_key)?.id ?? ((price?.metadata?.plan_id as PlanId | undefined) || null);
}

/**
 * THE one writer of Stripe mirror state: re-reads the customer (default card) and its subscriptions from
 * Stripe, converges `stripe_customers` and `subscriptions`, and returns what it found and what changed.
 * It writes nothing else: the org's plan, plan credits and auto-recharge react to the result (`onSynced`,
 * in the same transaction; see lib/billing-events/sync-customer.ts). Safe to call any number of times in
 * any order; concurrent syncs of one customer serialize on its `stripe_customers` row.
 */
export async function syncStripeCustomer(db: Db, customerId: string, onSynced?: OnCustomerSynced): Promise<CustomerSync> {
  const orgId = await findOrgIdByCustomer(db, customerId);
  if (!orgId) return { ok: false, reason: "unknown_customer" };
  const stripe = getStripe();
  const customer = await stripe.customers.retrieve(customerId, { expand: ["invoice_settings.default_payment_method"] });
  if ((customer as Stripe.DeletedCustomer).deleted) return { ok: false, reason: "deleted_customer" };
  let pm = (customer as Stripe.Customer).invoice_settings?.default_payment_method as Stripe.PaymentMethod | string | null;
  if (typeof pm === "string") pm = await stripe.paymentMethods.retrieve(pm);
  const card = pm?.card ?? null;
  const subs = await stripe.subscriptions.list({ customer: customerId, status: "all", limit: 100 });

  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ pm: stripeCustomers.defaultPaymentMethodId })
      .from(stripeCustomers)
      .where(eq(stripeCustomers.orgId, orgId))
      .for("update");
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

    const known = new Map((await tx.select().from(subscriptions).where(eq(subscriptions.orgId, orgId))).map((s) => [s.id, s]));
    const moved: CustomerSynced["changes"]["subscriptions"] = [];
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
      await tx
        .insert(subscriptions)
        .values({ id: sub.id, ...row })
        .onConflictDoUpdate({ target: subscriptions.id, set: row });
      const prev = known.get(sub.id);
      if (!prev || prev.status !== sub.status || prev.plan !== plan) moved.push({ id: sub.id, status: sub.status, plan, previousStatus: prev?.status ?? null });
    }
    // Subscriptions Stripe no longer lists for this customer are gone: mark them canceled.
    for (const prev of known.values())
      if (!seen.includes(prev.id) && prev.status !== "canceled") moved.push({ id: prev.id, status: "canceled", plan: prev.plan, previousStatus: prev.status });
    const stale = and(eq(subscriptions.orgId, orgId), seen.length ? notInArray(subscriptions.id, seen) : undefined);
    await tx.update(subscriptions).set({ status: "canceled", updatedAt: new Date() }).where(stale);

    const live = subs.data.filter((s) => LIVE_SUBSCRIPTION_STATUSES.includes(s.status) && planOfSubscription(s)).sort((a, b) => b.created - a.created)[0];
    const ended = subs.data.find((s) => !LIVE_SUBSCRIPTION_STATUSES.includes(s.status));
    const sync: CustomerSynced = {
      ok: true,
      orgId,
      customerId,
      plan: live ? planOfSubscription(live)! : "free",
      subscriptionId: live?.id ?? null,
      endedSubscriptionId: ended?.id ?? null,
      defaultPaymentMethodId: idOf(pm),
      card: card ? { brand: card.brand, last4: card.last4 } : null,
      changes: {
        defaultPaymentMethodReplaced: pm?.id && before?.pm && pm.id !== before.pm ? { from: before.pm, to: pm.id } : null,
        subscriptions: moved,
      },
    };
    if (onSynced) await onSynced(tx, sync);
    return sync;
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
