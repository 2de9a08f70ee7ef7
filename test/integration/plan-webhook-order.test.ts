import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "@/lib/ledger";
import { setClockOffsetMs } from "@/lib/clock";
import { getStripe } from "@/lib/stripe/client";
import { attachTestCard, subscribeOrgToPlan } from "@/lib/billing-events/provision";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";
import { priceIdForPlan } from "@/lib/stripe/catalog";
import { getPlan } from "@/lib/billing/plans";
import { renewFreePeriods } from "@/lib/plans/free-periods";
import { customerOnTestClock } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

/**
 * Stripe delivers webhooks late, out of order and more than once. Here the plan webhooks are lost by the
 * emulator (`drop_webhooks`) and delivered by hand in the orders that could move an org's plan or plan
 * credits backwards: what the org ends with must be what the in-order delivery gives.
 */
let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
afterEach(async () => {
  setClockOffsetMs(0);
  await h.emu.admin("POST", "faults", { drop_webhooks: false });
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const PLAN_EVENTS = ["invoice.paid", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"];
type EmuEvent = { id: string; type: string; created: number; data: { object: { id: string; customer?: string } } };

/** This customer's events of `type`, oldest first (the emulator lists newest first). */
async function eventsOf(type: string, customerId: string): Promise<EmuEvent[]> {
  const { data } = await h.emu.admin<{ data: EmuEvent[] }>("GET", `events?type=${type}`);
  return data.filter((e) => (e.data.object.customer ?? e.data.object.id) === customerId).reverse();
}

async function deliver(ev: EmuEvent): Promise<string | undefined> {
  const payload = JSON.stringify(ev);
  const r = await handleStripeWebhook(t.db, payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: h.emu.webhookSecret }));
  expect(r.status).toBe(200);
  return r.body.result;
}

const planState = async (orgId: string) => {
  const [org] = await t.sql`SELECT plan FROM organizations WHERE id = ${orgId}`;
  const b = await getBalance(t.db, orgId);
  return { plan: org!.plan as string, planCredits: b.planCredits, planAllotment: b.planAllotment, planResetsAt: b.planResetsAt, topupCredits: b.topupCredits };
};
const planEntries = (orgId: string) =>
  t.sql`SELECT kind, delta, idempotency_key FROM ledger_entries WHERE org_id = ${orgId} AND pool = 'plan' ORDER BY id`.then((rows) =>
    rows.map((r) => ({ kind: r.kind as string, delta: Number(r.delta), key: r.idempotency_key as string })),
  );

/**
 * A Free org (300 top-up credits) whose customer is on a test clock at `start` subscribes to Starter with
 * every plan webhook lost. `cancel(at)` moves the test clock and the app clock to `at` and cancels the
 * subscription at Stripe (its webhook lost too).
 */
async function subscribed(start: Date) {
  const org = await makeOrg(t.db, { planId: "free", topup: 300 });
  const stripe = getStripe();
  const { clockId, customerId } = await customerOnTestClock(t.db, org.id, start);
  await attachTestCard(t.db, org.id, "pm_card_visa");
  await h.emu.admin("POST", "faults", { drop_webhooks: PLAN_EVENTS });
  const subId = await subscribeOrgToPlan(t.db, org.id, "starter");
  const cancel = async (at: Date) => {
    await h.emu.admin("POST", `test_clocks/${clockId}/advance`, { frozen_time: at.getTime() / 1000 });
    setClockOffsetMs(at.getTime() - Date.now());
    await stripe.subscriptions.cancel(subId);
  };
  return { org, customerId, subId, cancel };
}

// A period from Jan 29 ends Feb 28 at Stripe (month ends clamp); a Free period started on Jan 31 also ends
// on Feb 28, an hour earlier: the paid period's end is after the Free period's.
const JAN29 = new Date("2027-01-29T10:00:00Z");
const JAN31 = new Date("2027-01-31T09:00:00Z");
const FREE_END = new Date("2027-02-28T09:00:00Z");

/** On Free with the Free period started at the cancel (Jan 31 09:00 on the app clock, give or take the test's own run time). */
const onFree = async (orgId: string) => {
  const s = await planState(orgId);
  const end = s.planResetsAt?.getTime() ?? 0;
  return (
    s.plan === "free" &&
    s.planCredits === 100 &&
    s.planAllotment === 100 &&
    s.topupCredits === 300 &&
    end >= FREE_END.getTime() &&
    end < FREE_END.getTime() + 60_000
  );
};

describe("plan webhooks delivered late, out of order, twice", () => {
  it("in order (invoice.paid, then subscription.deleted): the paid period's credits end with the cancel, a Free period starts", async () => {
    const { org, customerId, subId, cancel } = await subscribed(JAN29);
    const [paid] = await eventsOf("invoice.paid", customerId);
    expect(await deliver(paid!)).toBe("plan credits reset to 2000");
    expect(await planState(org.id)).toMatchObject({ plan: "starter", planCredits: 2000, planAllotment: 2000 });
    await cancel(JAN31);
    const [deleted] = await eventsOf("customer.subscription.deleted", customerId);
    await deliver(deleted!);
    expect(await onFree(org.id)).toBe(true);
    expect(await planEntries(org.id)).toEqual([
      { kind: "plan_grant", delta: 2000, key: `invoice:${(paid!.data.object as { id: string }).id}:grant` },
      { kind: "plan_expire", delta: -2000, key: `downgrade:${subId}:expire` },
      { kind: "plan_grant", delta: 100, key: `downgrade:${subId}:grant` },
    ]);
  });

  it("(a) invoice.paid delivered after subscription.deleted grants nothing: the org stays on Free with its Free period", async () => {
    const { org, customerId, subId, cancel } = await subscribed(JAN29);
    await cancel(JAN31);
    const [deleted] = await eventsOf("customer.subscription.deleted", customerId);
    await deliver(deleted!);
    expect(await onFree(org.id)).toBe(true);
    const [paid] = await eventsOf("invoice.paid", customerId);
    // the invoice's period really ends after the Free period (the case a period-end comparison lets through)
    const invoice = paid!.data.object as unknown as Stripe.Invoice;
    expect(invoice.lines.data[0]!.period.end * 1000).toBeGreaterThan(FREE_END.getTime());

    // the late invoice, the subscription's old (active) states, and everything again: nothing moves
    expect(await deliver(paid!)).toMatch(/^ended: subscription sub_\w+ is canceled/);
    const late = [paid!, ...(await eventsOf("customer.subscription.created", customerId)), ...(await eventsOf("customer.subscription.updated", customerId))];
    for (const ev of [...late, deleted!, ...late]) await deliver(ev);
    expect(await planState(org.id)).toMatchObject({ plan: "free", planCredits: 100, planAllotment: 100, topupCredits: 300 });
    expect(await onFree(org.id)).toBe(true);
    expect(await planEntries(org.id)).toEqual([{ kind: "plan_grant", delta: 100, key: `downgrade:${subId}:grant` }]);

    // and the Free period renews as usual when it ends (no paid allotment left behind)
    expect(await renewFreePeriods(t.db, new Date(FREE_END.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    expect(await planState(org.id)).toMatchObject({ plan: "free", planCredits: 100, planAllotment: 100 });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("(d) the invoice delivered 16 times while the cancel happens at Stripe and its webhook arrives 16 times (32 concurrent): Free whichever commits first", async () => {
    const { org, customerId, subId, cancel } = await subscribed(JAN29);
    const [paid] = await eventsOf("invoice.paid", customerId);
    const times = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, f));
    await Promise.all([
      times(16, () => deliver(paid!)),
      (async () => {
        await cancel(JAN31);
        const [deleted] = await eventsOf("customer.subscription.deleted", customerId);
        await times(16, () => deliver(deleted!));
      })(),
    ]);
    expect(await onFree(org.id)).toBe(true);
    const grant = `invoice:${(paid!.data.object as { id: string }).id}:grant`;
    const entries = await planEntries(org.id);
    // the invoice first: its grant, then the cancel's expiry and Free grant; the cancel first: the Free grant alone
    const inOrder = [
      { kind: "plan_grant", delta: 2000, key: grant },
      { kind: "plan_expire", delta: -2000, key: `downgrade:${subId}:expire` },
      { kind: "plan_grant", delta: 100, key: `downgrade:${subId}:grant` },
    ];
    expect([JSON.stringify(inOrder), JSON.stringify([inOrder[2]])]).toContain(JSON.stringify(entries));
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("(b)+(c) at any time of the month: old subscription states and a late invoice after the cancel, each twice, leave the org on Free", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { org, customerId, subId, cancel } = await subscribed(now);
    await cancel(new Date(now.getTime() + 3600_000));
    const created = await eventsOf("customer.subscription.created", customerId);
    const [deleted] = await eventsOf("customer.subscription.deleted", customerId);
    const [paid] = await eventsOf("invoice.paid", customerId);
    for (const ev of [deleted!, deleted!, ...created, ...created, paid!, paid!]) await deliver(ev);
    const state = await planState(org.id);
    expect(state).toMatchObject({ plan: "free", planCredits: 100, planAllotment: 100, topupCredits: 300 });
    expect(state.planResetsAt!.getTime()).toBeGreaterThan(Date.now() + 27 * 86400_000);
    expect(await planEntries(org.id)).toEqual([{ kind: "plan_grant", delta: 100, key: `downgrade:${subId}:grant` }]);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("(b) a Starter → Pro switch: the old (Starter) subscription event delivered after the switch leaves the org on Pro", async () => {
    const org = await makeOrg(t.db, { planId: "free" });
    await attachTestCard(t.db, org.id, "pm_card_visa");
    await h.emu.admin("POST", "faults", { drop_webhooks: PLAN_EVENTS });
    const subId = await subscribeOrgToPlan(t.db, org.id, "starter");
    const [customer] = await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${org.id}`;
    const customerId = customer!.customer_id as string;
    const [paid] = await eventsOf("invoice.paid", customerId);
    expect(await deliver(paid!)).toBe("plan credits reset to 2000");
    const stripe = getStripe();
    const sub = await stripe.subscriptions.retrieve(subId);
    await stripe.subscriptions.update(subId, {
      items: [{ id: sub.items.data[0]!.id, price: await priceIdForPlan(getPlan("pro")) }],
      proration_behavior: "none",
    });
    const updated = await eventsOf("customer.subscription.updated", customerId);
    expect(updated.length).toBeGreaterThan(0);
    for (const ev of [...updated, ...(await eventsOf("customer.subscription.created", customerId)), paid!]) await deliver(ev);
    // the new allotment comes with the next period's invoice; the plan never moves back to Starter
    expect(await planState(org.id)).toMatchObject({ plan: "pro", planCredits: 2000 });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
