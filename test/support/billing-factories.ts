import type { Db } from "@/db/client";
import { memberships, stripeCustomers } from "@/db/schema";
import type { PlanId } from "@/lib/billing/plans";
import { createUser } from "@/lib/orgs/create-user";
import { writeAutoRechargeSettings } from "@/lib/recharge/settings";
import { attachTestCard, subscribeOrgToPlan } from "@/lib/billing-events/provision";
import { getBalance } from "@/lib/ledger";
import { getStripe } from "@/lib/stripe/client";
import { eventually } from "./billing-harness";
import { makeOrg } from "./factories";

/**
 * Makes the org's Stripe customer on a new test clock frozen at `at` (before anything else makes the customer):
 * its subscriptions renew when the clock is advanced (`test_clocks/:id/advance`).
 */
export async function customerOnTestClock(db: Db, orgId: string, at: Date): Promise<{ clockId: string; customerId: string }> {
  const stripe = getStripe();
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(at.getTime() / 1000) });
  const customer = await stripe.customers.create({ test_clock: clock.id, metadata: { org_id: orgId } });
  await db.insert(stripeCustomers).values({ orgId, customerId: customer.id });
  return { clockId: clock.id, customerId: customer.id };
}

/**
 * An org with an owner, a Stripe customer, a card (test PaymentMethod) and, for paid plans, an active
 * subscription — all through the real domain functions and the emulator.
 */
export async function makeBillingOrg(
  db: Db,
  opts: {
    planId?: PlanId;
    card?: string | null;
    plan?: number;
    topup?: number;
    waitForPlanCredits?: boolean;
    autoRecharge?: { threshold: number; packs?: number; max?: number; limitCents?: number | null };
    /** the customer on a Stripe test clock frozen at this instant (its subscription renews when the clock is advanced) */
    testClockAt?: Date;
  } = {},
) {
  const planId = opts.planId ?? "starter";
  const org = await makeOrg(db, { planId: "free", plan: opts.plan, topup: opts.topup });
  const owner = await createUser(db, { email: `owner-${org.slug}@example.test`, name: "Owner", password: "password-123" });
  await db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
  const testClockId = opts.testClockAt ? (await customerOnTestClock(db, org.id, opts.testClockAt)).clockId : null;
  if (opts.card !== null) await attachTestCard(db, org.id, opts.card ?? "pm_card_visa");
  if (planId !== "free") {
    await subscribeOrgToPlan(db, org.id, planId);
    // the subscription's first invoice.paid webhook grants the plan credits asynchronously: wait for it
    if (opts.waitForPlanCredits !== false) {
      await eventually(async () => (await getBalance(db, org.id)).planAllotment > 0, 10_000, "plan credits from invoice.paid");
    }
  }
  if (opts.autoRecharge) {
    await writeAutoRechargeSettings(db, {
      orgId: org.id,
      plan: planId,
      patch: {
        enabled: true,
        threshold: opts.autoRecharge.threshold,
        rechargePacks: opts.autoRecharge.packs ?? 1,
        maxRechargesPerMonth: opts.autoRecharge.max ?? 10,
        spendingLimitCents: opts.autoRecharge.limitCents ?? null,
      },
      actor: { source: "system" },
    });
  }
  return { org: { ...org, plan: planId }, owner, testClockId };
}
