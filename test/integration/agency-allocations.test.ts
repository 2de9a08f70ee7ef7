import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { linkSubAccount, saveAllocation } from "@/lib/agencies/sub-accounts";
import { runDueAllocations } from "@/lib/agencies/run-allocations";
import { getBalance } from "@/lib/ledger";
import { runJob } from "@/lib/jobs/handlers";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { getStripe } from "@/lib/stripe/client";
import { listSubAccounts } from "@/lib/queries/sub-accounts";
import { orgIdBySlug, seedDemo } from "@/lib/seed/seed-demo";
import { makeBillingOrg } from "../support/billing-factories";
import { makeOrg } from "../support/factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db, { extraEnv: { STRIPE_TIMEOUT_MS: "2500", STRIPE_MAX_NETWORK_RETRIES: "1" } });
});
afterEach(async () => {
  h.queue = "inline";
  await h.emu.admin("POST", "faults", {
    hang_next_requests: 0,
    fail_next_requests: 0,
    drop_response_next_requests: 0,
    drop_webhooks: false,
    duplicate_deliveries: false,
    delay_ms: 0,
  });
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const FEB = new Date("2026-02-10T12:00:00Z");
const FEB_LAST = new Date("2026-02-28T23:59:59Z");
const MAR_FIRST = new Date("2026-03-01T00:00:01Z");

/** An agency (Pro, card on file; no Stripe for the sub-account: its own card is not used) with one Starter sub-account allocated 100 Basic + 50 Premium minutes a month. */
async function agencyWithSub(card = "pm_card_visa") {
  // a declining card could not pay a subscription's first invoice: that agency stays on Free
  const { org: agency, owner } = await makeBillingOrg(t.db, { planId: card === "pm_card_visa" ? "pro" : "free", card });
  const sub = await makeOrg(t.db, { planId: "starter" });
  await linkSubAccount(t.db, { agencyId: agency.id, subAccountId: sub.id });
  h.queue = "manual"; // the save's own run is asserted separately; here the test runs the job
  await saveAllocation(t.db, { agencyId: agency.id, subAccountId: sub.id, basicMinutes: 100, premiumMinutes: 50, userId: owner.id });
  h.queue = "inline";
  return { agency, sub, owner };
}
// Starter: 100 × 5 + 50 × 8 = 900 credits, $18.00 at $20.00 per 1,000
const CREDITS = 900;
const CENTS = 1800;

const topupOf = async (orgId: string) => (await getBalance(t.db, orgId)).topupCredits;
const allocationEntries = (orgId: string) =>
  t.sql`SELECT delta, kind, idempotency_key FROM ledger_entries WHERE org_id = ${orgId} AND idempotency_key LIKE 'allocation:%' ORDER BY created_at`;
const periodsOf = (subId: string) => t.sql`SELECT period, credits, amount_cents FROM allocation_periods WHERE sub_account_id = ${subId} ORDER BY period`;
const attemptsOf = (agencyId: string) =>
  t.sql`SELECT status, amount_cents, credits, credit_org_id, payment_intent_id FROM recharge_attempts WHERE org_id = ${agencyId} ORDER BY created_at`;
/** the agency's purchase PaymentIntents at Stripe (the subscription's invoices have their own) */
const paymentIntentsOf = async (agencyId: string) => {
  const [c] = await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${agencyId}`;
  return (await getStripe().paymentIntents.list({ customer: c!.customer_id, limit: 100 })).data.filter((p) => p.metadata?.attempt_id);
};

describe("monthly auto allocation: charged on the agency's card, credited to the sub-account exactly once per month", () => {
  it("the job run twice, concurrently and after a restart charges once for the month; again next month", async () => {
    const { agency, sub } = await agencyWithSub();
    const agencyBefore = await getBalance(t.db, agency.id);
    const subBefore = await topupOf(sub.id);

    const [first, second] = await Promise.all([runDueAllocations(t.db, { now: FEB }), runDueAllocations(t.db, { now: FEB })]);
    expect([...first!, ...second!]).toHaveLength(1);
    expect(await runDueAllocations(t.db, { now: FEB_LAST })).toEqual([]); // a re-run later in the month
    // a restart: the durable jobs queued in the transactions run again (the attempt is settled, nothing more)
    for (const j of h.jobs.filter((x) => x.name === "recharge.charge")) await runJob(t.db, j.name, j.data);
    expect(await runDueAllocations(t.db, { now: FEB })).toEqual([]);

    expect(await topupOf(sub.id)).toBe(subBefore + CREDITS);
    expect(await allocationEntries(sub.id)).toEqual([{ delta: CREDITS, kind: "allocation", idempotency_key: `allocation:${sub.id}:2026-02` }]);
    expect(await attemptsOf(agency.id)).toMatchObject([{ status: "succeeded", amount_cents: CENTS, credits: CREDITS, credit_org_id: sub.id }]);
    expect(await paymentIntentsOf(agency.id)).toHaveLength(1);
    // the agency's own credits are never moved: its balance is untouched
    expect(await getBalance(t.db, agency.id)).toEqual(agencyBefore);

    // across the month boundary: March is bought once
    expect(await runDueAllocations(t.db, { now: MAR_FIRST })).toHaveLength(1);
    expect(await runDueAllocations(t.db, { now: MAR_FIRST })).toEqual([]);
    expect(await topupOf(sub.id)).toBe(subBefore + 2 * CREDITS);
    expect((await periodsOf(sub.id)).map((p) => p.period)).toEqual(["2026-02", "2026-03"]);
    expect(await paymentIntentsOf(agency.id)).toHaveLength(2);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("saving an allocation buys the current month at once; a zero allocation buys nothing", async () => {
    const { org: agency, owner } = await makeBillingOrg(t.db, { planId: "pro" });
    const sub = await makeOrg(t.db, { planId: "starter" });
    const other = await makeOrg(t.db, { planId: "starter" });
    await linkSubAccount(t.db, { agencyId: agency.id, subAccountId: sub.id });
    const before = await topupOf(sub.id);
    expect(await saveAllocation(t.db, { agencyId: agency.id, subAccountId: sub.id, basicMinutes: 0, premiumMinutes: 0, userId: owner.id })).toEqual({
      ok: true,
    });
    expect(await periodsOf(sub.id)).toEqual([]);
    await saveAllocation(t.db, { agencyId: agency.id, subAccountId: sub.id, basicMinutes: 100, premiumMinutes: 50, userId: owner.id });
    expect(await topupOf(sub.id)).toBe(before + CREDITS);
    // not this agency's sub-account: not found, nothing saved
    expect(await saveAllocation(t.db, { agencyId: agency.id, subAccountId: other.id, basicMinutes: 1, premiumMinutes: 0, userId: owner.id })).toEqual({
      ok: false,
      code: "not_found",
    });
    expect(await t.sql`SELECT 1 FROM sub_account_allocations WHERE sub_account_id = ${other.id}`).toHaveLength(0);
  });

  it("a declined agency card: an incident and a failed email for the agency, nothing credited, not re-charged that month", async () => {
    const { agency, sub } = await agencyWithSub("pm_card_chargeCustomerFail");
    const before = await topupOf(sub.id);
    await runDueAllocations(t.db, { now: FEB });
    expect(await attemptsOf(agency.id)).toMatchObject([{ status: "failed" }]);
    expect(await t.sql`SELECT kind FROM billing_incidents WHERE org_id = ${agency.id}`).toMatchObject([{ kind: "card_declined" }]);
    expect((await t.sql`SELECT kind FROM outgoing_emails WHERE org_id = ${agency.id}`).map((e) => e.kind)).toContain("recharge_failed");
    expect(await topupOf(sub.id)).toBe(before);
    expect(await runDueAllocations(t.db, { now: FEB })).toEqual([]);
    expect(await allocationEntries(sub.id)).toEqual([]);
  });

  it("unknown outcome (every answer dropped after Stripe charged, webhook lost): reconciled, credited once", async () => {
    const { agency, sub } = await agencyWithSub();
    const before = await topupOf(sub.id);
    await h.emu.admin("POST", "faults", { drop_webhooks: true, drop_response_next_requests: 10, drop_path_prefix: "/v1/payment_intents" });
    await runDueAllocations(t.db, { now: FEB });
    await h.emu.admin("POST", "faults", { drop_response_next_requests: 0 });
    expect(await attemptsOf(agency.id)).toMatchObject([{ status: "processing" }]);
    expect(await topupOf(sub.id)).toBe(before);
    const later = new Date(Date.now() + 5 * 60_000);
    await reconcileRechargeAttempts(t.db, { now: later });
    await reconcileRechargeAttempts(t.db, { now: later });
    expect(await attemptsOf(agency.id)).toMatchObject([{ status: "succeeded" }]);
    expect(await topupOf(sub.id)).toBe(before + CREDITS);
    expect(await paymentIntentsOf(agency.id)).toHaveLength(1);
    expect(await allocationEntries(sub.id)).toHaveLength(1);
  });

  it("the month's webhook late and delivered twice, the create's answer lost: credited once, whichever comes first", async () => {
    const { agency, sub } = await agencyWithSub();
    const before = await topupOf(sub.id);
    const seen = h.deliveries.length;
    await h.emu.admin("POST", "faults", {
      duplicate_deliveries: true,
      delay_ms: 400,
      drop_response_next_requests: 10,
      drop_path_prefix: "/v1/payment_intents",
    });
    await runDueAllocations(t.db, { now: FEB });
    await h.emu.admin("POST", "faults", { drop_response_next_requests: 0 });
    const succeeded = () => h.deliveries.slice(seen).filter((d) => d.type === "payment_intent.succeeded" && d.status === 200);
    for (let i = 0; i < 100 && succeeded().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(succeeded()).toHaveLength(2); // the same event, twice
    await reconcileRechargeAttempts(t.db, { now: new Date(Date.now() + 5 * 60_000) });
    expect(await attemptsOf(agency.id)).toMatchObject([{ status: "succeeded", credits: CREDITS, amount_cents: CENTS }]);
    expect(await topupOf(sub.id)).toBe(before + CREDITS);
    expect(await paymentIntentsOf(agency.id)).toHaveLength(1);
    expect(await allocationEntries(sub.id)).toHaveLength(1);
    const receipts = await t.sql`SELECT subject, text FROM outgoing_emails WHERE org_id = ${agency.id} AND kind = 'recharge_succeeded'`;
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.subject).toContain(`Auto allocation for ${sub.name} successful`);
    expect(receipts[0]!.text).toContain(`${sub.name}'s new balance`);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a refund of the month's charge at Stripe takes the credits back from the sub-account that got them; the agency's page offers no refund", async () => {
    const { agency, sub } = await agencyWithSub();
    await runDueAllocations(t.db, { now: FEB });
    const agencyBefore = await getBalance(t.db, agency.id);
    const subBefore = await topupOf(sub.id);
    const [pi] = await paymentIntentsOf(agency.id);
    await getStripe().refunds.create({ charge: pi!.latest_charge as string });
    await h.emu.webhooksIdle();
    expect(await t.sql`SELECT delta, kind FROM ledger_entries WHERE org_id = ${sub.id} AND kind = 'refund'`).toEqual([{ delta: -CREDITS, kind: "refund" }]);
    expect(await topupOf(sub.id)).toBe(subBefore - CREDITS);
    expect(await getBalance(t.db, agency.id)).toEqual(agencyBefore); // never the agency's own credits
    const { loadBillingPage } = await import("@/lib/queries/billing-page");
    const page = await loadBillingPage(t.db, agency);
    expect(page.payments.filter((p) => p.kind === "allocation").map((p) => p.refundable)).toEqual([false]);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("the seed: Northwind Agency's owner logs in to two sub-accounts, Northwind Dental allocated Basic and Premium minutes", async () => {
    const creds = await seedDemo(t.db);
    expect(creds.logins).toContainEqual(expect.objectContaining({ email: "owner@northwind.test", org: "northwind" }));
    const subs = await listSubAccounts(t.db, (await orgIdBySlug(t.db, "northwind"))!);
    expect(subs.map((s) => [s.slug, s.allocation])).toEqual([
      ["northwind-dental", { basicMinutes: 500, premiumMinutes: 100 }],
      ["northwind-realty", { basicMinutes: 0, premiumMinutes: 0 }],
    ]);
  });
});
