import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { linkSubAccount, saveAllocation } from "@/lib/agencies/sub-accounts";
import { retryAllocationNow } from "@/lib/agencies/retry-allocation";
import { runDueAllocations } from "@/lib/agencies/run-allocations";
import { attachTestCard } from "@/lib/billing-events/provision";
import { runJob } from "@/lib/jobs/handlers";
import { getBalance } from "@/lib/ledger";
import { listSubAccounts } from "@/lib/queries/sub-accounts";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { getStripe } from "@/lib/stripe/client";
import { syncStripeCustomer } from "@/lib/stripe/sync-customer";
import { makeBillingOrg } from "../support/billing-factories";
import { makeOrg } from "../support/factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
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
  await h.emu.admin("POST", "faults", { drop_response_next_requests: 0, drop_webhooks: false, duplicate_deliveries: false, delay_ms: 0 });
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const FEB = new Date("2026-02-10T12:00:00Z");
const CREDITS = 900; // Starter: 100 × 5 + 50 × 8

/** An agency whose card declines (so it stays on Free), one Starter sub-account allocated 100 Basic + 50 Premium; this month's purchase declined. */
async function declinedMonth(now?: Date) {
  const { org: agency, owner } = await makeBillingOrg(t.db, { planId: "free", card: "pm_card_chargeCustomerFail" });
  const sub = await makeOrg(t.db, { planId: "starter" });
  await linkSubAccount(t.db, { agencyId: agency.id, subAccountId: sub.id });
  h.queue = "manual";
  await saveAllocation(t.db, { agencyId: agency.id, subAccountId: sub.id, basicMinutes: 100, premiumMinutes: 50, userId: owner.id });
  h.queue = "inline";
  await runDueAllocations(t.db, { now });
  expect(await attemptsOf(agency.id)).toMatchObject([{ status: "failed" }]);
  const retry = (n = now) => retryAllocationNow(t.db, { agencyId: agency.id, subAccountId: sub.id, userId: owner.id, now: n });
  return { agency, sub, owner, retry };
}

const attemptsOf = (agencyId: string) =>
  t.sql`SELECT status, credits, credit_key, payment_method_id FROM recharge_attempts WHERE org_id = ${agencyId} ORDER BY created_at`;
const allocationEntries = (orgId: string) => t.sql`SELECT delta, idempotency_key FROM ledger_entries WHERE org_id = ${orgId} AND kind = 'allocation'`;
const paymentIntentsOf = async (agencyId: string) => {
  const [c] = await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${agencyId}`;
  return (await getStripe().paymentIntents.list({ customer: c!.customer_id, limit: 100 })).data.filter((p) => p.metadata?.attempt_id);
};
/** A new default card at Stripe, mirrored without the sync's reactions (so no automatic retry: the owner's button is what runs). */
async function newCardWithoutReactions(agencyId: string) {
  const [c] = await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${agencyId}`;
  const pm = await getStripe().paymentMethods.attach("pm_card_visa", { customer: c!.customer_id });
  await getStripe().customers.update(c!.customer_id, { invoice_settings: { default_payment_method: pm.id } });
  await syncStripeCustomer(t.db, c!.customer_id);
  return pm.id;
}

describe("Retry now after a declined month's allocation", () => {
  it("declined → retried on the same card (declines again) → new card → 32 concurrent retries start one attempt → credited once; then refused", async () => {
    const { agency, sub, retry } = await declinedMonth(FEB);
    const [row] = await listSubAccounts(t.db, agency.id, FEB);
    expect(row).toMatchObject({ declinedThisMonth: true, lastAllocation: { period: "2026-02", status: "failed" } });

    expect(await retry()).toMatchObject({ ok: true, period: "2026-02" });
    expect((await attemptsOf(agency.id)).map((a) => a.status)).toEqual(["failed", "failed"]);
    expect(await allocationEntries(sub.id)).toEqual([]);

    const pm = await newCardWithoutReactions(agency.id);
    h.queue = "manual"; // the first retry's charge has not run when the second arrives
    const all = await Promise.all(Array.from({ length: 32 }, () => retry()));
    expect(all.filter((r) => r.ok)).toHaveLength(1);
    expect(all.filter((r) => !r.ok)).toEqual(Array.from({ length: 31 }, () => ({ ok: false, code: "in_progress" })));
    h.queue = "inline";
    await reconcileRechargeAttempts(t.db, { now: new Date(Date.now() + 5 * 60_000) });

    const attempts = await attemptsOf(agency.id);
    expect(attempts.map((a) => a.status)).toEqual(["failed", "failed", "succeeded"]);
    expect(attempts[2]).toMatchObject({ credits: CREDITS, credit_key: `allocation:${sub.id}:2026-02`, payment_method_id: pm });
    expect(await allocationEntries(sub.id)).toEqual([{ delta: CREDITS, idempotency_key: `allocation:${sub.id}:2026-02` }]);
    expect((await paymentIntentsOf(agency.id)).filter((p) => p.status === "succeeded")).toHaveLength(1);

    // after the success: refused, nothing charged; the page shows it paid
    const pis = (await paymentIntentsOf(agency.id)).length;
    expect(await retry()).toEqual({ ok: false, code: "already_paid" });
    expect(await attemptsOf(agency.id)).toHaveLength(3);
    expect(await paymentIntentsOf(agency.id)).toHaveLength(pis);
    expect((await listSubAccounts(t.db, agency.id, FEB))[0]).toMatchObject({ declinedThisMonth: false, lastAllocation: { status: "succeeded" } });
    // the scheduled run does not buy February again; next month is a fresh purchase
    expect(await runDueAllocations(t.db, { now: FEB })).toEqual([]);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a new default card (customer sync) retries the declined month once automatically; Retry now is then refused", async () => {
    const { agency, sub, retry } = await declinedMonth();
    await attachTestCard(t.db, agency.id, "pm_card_visa");
    await eventually(async () => (await allocationEntries(sub.id)).length === 1, 10_000, "the month credited on the new card");
    await attachTestCard(t.db, agency.id, "pm_card_mastercard"); // another card change: the month is paid, nothing more
    expect((await attemptsOf(agency.id)).map((a) => a.status)).toEqual(["failed", "succeeded"]);
    expect(await retry()).toEqual({ ok: false, code: "already_paid" });
    expect(await allocationEntries(sub.id)).toHaveLength(1);
    expect((await getBalance(t.db, sub.id)).topupCredits).toBeGreaterThanOrEqual(CREDITS);
  });

  it("a new card whose sync could not retry (a crash after the mirror): the scheduled allocations.run retries once; a decline on it is not retried again", async () => {
    const { agency, sub } = await declinedMonth();
    await newCardWithoutReactions(agency.id); // the card is mirrored, the sync's reaction never ran
    expect(await attemptsOf(agency.id)).toHaveLength(1);
    await runJob(t.db, "allocations.run", {}); // the 5-minute run
    await eventually(async () => (await allocationEntries(sub.id)).length === 1, 10_000, "the month credited on the new card");
    await runJob(t.db, "allocations.run", {});
    expect((await attemptsOf(agency.id)).map((a) => a.status)).toEqual(["failed", "succeeded"]);

    // a second agency whose new card declines too: one retry on it, then the scheduled runs leave it to the owner
    const other = await declinedMonth();
    const [c] = await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${other.agency.id}`;
    const pm = await getStripe().paymentMethods.attach("pm_card_chargeCustomerFail", { customer: c!.customer_id });
    await getStripe().customers.update(c!.customer_id, { invoice_settings: { default_payment_method: pm.id } });
    await syncStripeCustomer(t.db, c!.customer_id);
    await runJob(t.db, "allocations.run", {});
    await eventually(async () => (await attemptsOf(other.agency.id)).every((a) => a.status === "failed"), 10_000, "the retry declined");
    await runJob(t.db, "allocations.run", {});
    await runJob(t.db, "allocations.run", {});
    expect(await attemptsOf(other.agency.id)).toHaveLength(2);
    expect(await allocationEntries(other.sub.id)).toHaveLength(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("the retry's webhook late and delivered twice, the create's answer lost: credited once", async () => {
    const { agency, sub, retry } = await declinedMonth(FEB);
    await newCardWithoutReactions(agency.id);
    const seen = h.deliveries.length;
    await h.emu.admin("POST", "faults", {
      duplicate_deliveries: true,
      delay_ms: 400,
      drop_response_next_requests: 10,
      drop_path_prefix: "/v1/payment_intents",
    });
    expect((await retry()).ok).toBe(true);
    await h.emu.admin("POST", "faults", { drop_response_next_requests: 0 });
    const succeeded = () => h.deliveries.slice(seen).filter((d) => d.type === "payment_intent.succeeded" && d.status === 200);
    await eventually(async () => succeeded().length >= 2, 10_000, "the same event, twice");
    await reconcileRechargeAttempts(t.db, { now: new Date(Date.now() + 5 * 60_000) });
    expect((await attemptsOf(agency.id)).map((a) => a.status)).toEqual(["failed", "succeeded"]);
    expect(await allocationEntries(sub.id)).toHaveLength(1);
    expect((await paymentIntentsOf(agency.id)).filter((p) => p.status === "succeeded")).toHaveLength(1);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("refusals: another agency's sub-account, no purchase this month, no card; the database allows one open attempt per period", async () => {
    const { agency, sub, owner, retry } = await declinedMonth(FEB);
    const other = await makeOrg(t.db, { planId: "starter" });
    expect(await retryAllocationNow(t.db, { agencyId: agency.id, subAccountId: other.id, userId: owner.id, now: FEB })).toEqual({
      ok: false,
      code: "not_found",
    });
    expect(await retry(new Date("2026-03-05T12:00:00Z"))).toEqual({ ok: false, code: "nothing_to_retry" });
    await t.sql`UPDATE stripe_customers SET default_payment_method_id = NULL WHERE org_id = ${agency.id}`;
    expect(await retry()).toEqual({ ok: false, code: "no_card" });
    // the index, without the period row's lock: a second open attempt under the same credit key is not inserted
    const key = { orgId: sub.id, key: `allocation:${sub.id}:2026-02` };
    const open = { orgId: agency.id, trigger: "manual" as const, packs: 1, credits: 1, amountCents: 100, currency: "usd", creditTo: key };
    expect(await createRechargeAttempt(t.db, open)).not.toBeNull();
    expect(await createRechargeAttempt(t.db, open)).toBeNull();
  });
});
