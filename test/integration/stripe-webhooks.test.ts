import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { debitCredits, getBalance } from "@/lib/ledger";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { chargeRechargeAttempt } from "@/lib/recharge/charge-attempt";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { writeAutoRechargeSettings } from "@/lib/recharge/settings";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { createBuyCreditsCheckout, createCardSetupCheckout } from "@/lib/stripe/checkout";
import { getStripe } from "@/lib/stripe/client";
import { attachTestCard, subscribeOrgToPlan } from "@/lib/billing-events/provision";
import { syncCustomer } from "@/lib/billing-events/sync-customer";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";
import { stripeCustomers } from "@/db/schema";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
beforeEach(() => {
  h.queue = "inline";
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const urls = { successUrl: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}", cancelUrl: "http://app.test/cancel" };
const sign = (payload: string, secret = h.emu.webhookSecret, timestamp?: number) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const eventsCount = async () => (await t.sql`SELECT count(*)::int AS n FROM stripe_events`)[0]!.n as number;

async function emulatorEvent(type: string, match: (obj: Record<string, unknown>) => boolean) {
  return eventually(
    async () => {
      const { data } = await h.emu.admin<{ data: { id: string; type: string; data: { object: Record<string, unknown> } }[] }>("GET", `events?type=${type}`);
      return data.find((e) => match(e.data.object));
    },
    10_000,
    `${type} event`,
  );
}

describe("signature", () => {
  it("wrong signature, tampered body, stale timestamp, missing header → 400 and no rows", async () => {
    const payload = JSON.stringify({ id: "evt_test_sig", object: "event", type: "invoice.paid", data: { object: {} } });
    const before = await eventsCount();
    expect((await handleStripeWebhook(t.db, payload, sign(payload, "whsec_wrong"))).status).toBe(400);
    expect((await handleStripeWebhook(t.db, payload.replace("invoice.paid", "invoice.void"), sign(payload))).status).toBe(400);
    expect((await handleStripeWebhook(t.db, payload, sign(payload, undefined, Math.floor(Date.now() / 1000) - 600))).status).toBe(400);
    expect((await handleStripeWebhook(t.db, payload, null)).status).toBe(400);
    expect(await eventsCount()).toBe(before);
  });

  it("unknown event type → 200 ignored; unknown customer → 200 ignored", async () => {
    const p1 = JSON.stringify({ id: "evt_unknown_type", object: "event", type: "charge.dispute.updated", data: { object: {} } });
    expect(await handleStripeWebhook(t.db, p1, sign(p1))).toMatchObject({
      status: 200,
      body: { eventId: "evt_unknown_type", result: "ignored: event type not handled" },
    });
    const p2 = JSON.stringify({
      id: "evt_unknown_cus",
      object: "event",
      type: "customer.subscription.updated",
      data: { object: { object: "subscription", id: "sub_x", customer: "cus_nobody" } },
    });
    expect(await handleStripeWebhook(t.db, p2, sign(p2))).toMatchObject({ status: 200, body: { result: expect.stringMatching(/ignored: unknown_customer/) } });
  });
});

describe("Buy Credits through Checkout", () => {
  it("credits the packs from our stored session once, even when the webhook is delivered 3 times concurrently", async () => {
    const { org } = await makeBillingOrg(t.db, { planId: "free", card: null });
    const checkout = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs: 3, ...urls });
    expect(checkout).toMatchObject({ credits: 300, amountCents: 8400 });
    await h.emu.admin("POST", `checkout_sessions/${checkout.id}/complete`, { card_number: "4242424242424242" });
    await eventually(async () => (await getBalance(t.db, org.id)).topupCredits === 300, 10_000, "credits from checkout webhook");
    const ev = await emulatorEvent("checkout.session.completed", (o) => o.id === checkout.id);
    const payload = JSON.stringify(ev);
    const results = await Promise.all([1, 2, 3].map(() => handleStripeWebhook(t.db, payload, sign(payload))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(300);
    const entries = await t.sql`SELECT delta FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'purchase'`;
    expect(entries).toEqual([{ delta: 300 }]);
  });

  it("a declined card grants nothing", async () => {
    const { org } = await makeBillingOrg(t.db, { planId: "free", card: null });
    const checkout = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs: 1, ...urls });
    await h.emu.admin("POST", `checkout_sessions/${checkout.id}/complete`, { card_number: "4000000000000002" }).catch(() => null);
    await h.emu.webhooksIdle(); // every webhook the decline caused has been handled
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(0);
  });

  it("setup mode sets the saved card as the default", async () => {
    const { org } = await makeBillingOrg(t.db, { planId: "free", card: null });
    const checkout = await createCardSetupCheckout(t.db, { orgId: org.id, userId: null, ...urls });
    await h.emu.admin("POST", `checkout_sessions/${checkout.id}/complete`, { card_number: "4242424242424242" });
    const row = await eventually(
      async () => (await t.sql`SELECT card_brand, card_last4 FROM stripe_customers WHERE org_id = ${org.id} AND card_last4 IS NOT NULL`)[0],
      10_000,
      "default card",
    );
    expect(row).toEqual({ card_brand: "visa", card_last4: "4242" });
  });
});

describe("recharge webhooks: order and reconciliation", () => {
  it("a late payment_intent.payment_failed after succeeded never takes credits back", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    const { chargeRechargeAttempt } = await import("@/lib/recharge/charge-attempt");
    await chargeRechargeAttempt(t.db, a!.id);
    const topup = (await getBalance(t.db, org.id)).topupCredits;
    const [row] = await t.sql`SELECT payment_intent_id FROM recharge_attempts WHERE id = ${a!.id}`;
    const fake = JSON.stringify({
      id: "evt_late_failure",
      object: "event",
      type: "payment_intent.payment_failed",
      data: {
        object: {
          id: row!.payment_intent_id,
          object: "payment_intent",
          status: "requires_payment_method",
          customer: (await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${org.id}`)[0]!.customer_id,
          metadata: { attempt_id: a!.id },
          last_payment_error: { code: "card_declined" },
        },
      },
    });
    const r = await handleStripeWebhook(t.db, fake, sign(fake));
    expect(r.status).toBe(200);
    expect((await t.sql`SELECT status FROM recharge_attempts WHERE id = ${a!.id}`)[0]!.status).toBe("succeeded");
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(topup);
  });

  it("a charge whose process died before the ledger write is credited once by reconciliation (and the webhook)", async () => {
    h.queue = "manual";
    const { org } = await makeBillingOrg(t.db, {});
    const customer = (await t.db.select().from(stripeCustomers)).find((c) => c.orgId === org.id)!;
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 2, credits: 2000, amountCents: 4000, currency: "usd" });
    await t.sql`UPDATE recharge_attempts SET status = 'processing', updated_at = now() - interval '10 minutes' WHERE id = ${a!.id}`;
    // the worker's Stripe call happened (same key = attempt id), then the process died
    await getStripe().paymentIntents.create(
      {
        amount: 4000,
        currency: "usd",
        customer: customer.customerId,
        payment_method: customer.defaultPaymentMethodId!,
        off_session: true,
        confirm: true,
        metadata: { org_id: org.id, attempt_id: a!.id },
      },
      { idempotencyKey: a!.id },
    );
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await Promise.all([reconcileRechargeAttempts(t.db), reconcileRechargeAttempts(t.db)]);
    await h.emu.webhooksIdle(); // the payment_intent.succeeded webhook races too: handled by now
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(2000);
    expect((await t.sql`SELECT status FROM recharge_attempts WHERE id = ${a!.id}`)[0]!.status).toBe("succeeded");
    const pis = (await getStripe().paymentIntents.list({ customer: customer.customerId, limit: 100 })).data.filter((p) => p.metadata?.attempt_id === a!.id);
    expect(pis).toHaveLength(1);
  });
});

describe("plans", () => {
  it("a month advanced on a test clock resets plan credits once", async () => {
    const org = await makeOrg(t.db, { planId: "free" });
    const stripe = getStripe();
    const now = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: now });
    const customer = await stripe.customers.create({ test_clock: clock.id, metadata: { org_id: org.id } });
    await t.db.insert(stripeCustomers).values({ orgId: org.id, customerId: customer.id });
    await attachTestCard(t.db, org.id, "pm_card_visa");
    await subscribeOrgToPlan(t.db, org.id, "starter");
    await eventually(async () => (await getBalance(t.db, org.id)).planAllotment === 2000, 10_000, "first grant");
    await debitCredits(t.db, org.id, [{ quantity: 500 }]);
    await h.emu.admin("POST", `test_clocks/${clock.id}/advance`, { frozen_time: now + 32 * 86400 });
    const grants = () => t.sql`SELECT kind, delta FROM ledger_entries WHERE org_id = ${org.id} AND kind IN ('plan_grant', 'plan_expire') ORDER BY id`;
    await eventually(async () => (await grants()).length === 3, 10_000, "renewal grant");
    expect(await grants()).toEqual([
      { kind: "plan_grant", delta: 2000 },
      { kind: "plan_expire", delta: -1500 },
      { kind: "plan_grant", delta: 2000 },
    ]);
    // redeliver every invoice.paid: nothing changes
    const { data } = await h.emu.admin<{ data: { data: { object: { customer: string } } }[] }>("GET", "events?type=invoice.paid");
    for (const ev of data.filter((e) => e.data.object.customer === customer.id)) {
      const payload = JSON.stringify(ev);
      expect((await handleStripeWebhook(t.db, payload, sign(payload))).status).toBe(200);
    }
    expect(await grants()).toHaveLength(3);
    expect((await getBalance(t.db, org.id)).planCredits).toBe(2000);
  });

  it("cancel → Free turns auto-recharge off, keeps top-up credits and starts a Free period (100 plan credits)", async () => {
    const { org } = await makeBillingOrg(t.db, { topup: 700 });
    await writeAutoRechargeSettings(t.db, { orgId: org.id, plan: "starter", patch: { enabled: true, threshold: 10 }, actor: { source: "system" } });
    const [sub] = await t.sql`SELECT id FROM subscriptions WHERE org_id = ${org.id}`;
    await getStripe().subscriptions.cancel(sub!.id);
    await eventually(async () => (await t.sql`SELECT plan FROM organizations WHERE id = ${org.id}`)[0]!.plan === "free", 10_000, "downgrade");
    const [s] = await t.sql`SELECT enabled FROM auto_recharge_settings WHERE org_id = ${org.id}`;
    expect(s!.enabled).toBe(false);
    const balance = await getBalance(t.db, org.id);
    expect(balance).toMatchObject({ topupCredits: 700, planCredits: 100, planAllotment: 100 });
    expect(balance.planResetsAt!.getTime()).toBeGreaterThan(Date.now() + 27 * 86400_000);
    const [audit] = await t.sql`SELECT source FROM auto_recharge_settings_changes WHERE org_id = ${org.id} ORDER BY created_at DESC LIMIT 1`;
    expect(audit!.source).toBe("system");
  });

  it("an org marked paid that Stripe never subscribed gets no Free period, so its first invoice grants the plan", async () => {
    const org = await makeOrg(t.db, { planId: "starter", plan: 2000 }); // like the seed: plan set before the subscription
    const customer = await getStripe().customers.create({ metadata: { org_id: org.id } });
    await t.db.insert(stripeCustomers).values({ orgId: org.id, customerId: customer.id });
    await syncCustomer(t.db, customer.id); // no subscription yet: the org reads as Free
    expect(await getBalance(t.db, org.id)).toMatchObject({ planCredits: 0, planResetsAt: null });
    await attachTestCard(t.db, org.id, "pm_card_visa");
    await subscribeOrgToPlan(t.db, org.id, "starter");
    await eventually(async () => (await getBalance(t.db, org.id)).planCredits === 2000, 10_000, "the first invoice's grant");
  });

  it("a new default card cancels the auto payment waiting for verification (settled, not overwritten) and auto-recharge tries the new card", async () => {
    h.queue = "manual";
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000 } });
    await attachTestCard(t.db, org.id, "pm_card_authenticationRequired");
    const r = await maybeTriggerRecharge(t.db, org.id);
    if (!r.created) throw new Error("no attempt");
    expect((await chargeRechargeAttempt(t.db, r.attempt.id)).status).toBe("requires_action");
    await attachTestCard(t.db, org.id, "pm_card_visa");
    const [a] = await t.sql`SELECT status, completed_at, outcome_unknown_since FROM recharge_attempts WHERE id = ${r.attempt.id}`;
    expect(a).toMatchObject({ status: "canceled", outcome_unknown_since: null });
    expect(a!.completed_at).not.toBeNull();
    expect((await getBalance(t.db, org.id)).graceCredits).toBe(0);
    const next = await maybeTriggerRecharge(t.db, org.id);
    expect(next.created).toBe(true);
  });

  it("keeps balance == sum(entries)", async () => {
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
