import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { creditTopup, debitCredits, getBalance } from "@/lib/ledger";
import { attachTestCard } from "@/lib/billing-events/provision";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { writeAutoRechargeSettings } from "@/lib/recharge/settings";
import { reportUsage } from "@/lib/usage/report-usage";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Grace end to end: an auto-recharge in flight lets usage draw on its credits (bounded by them), the recharge
// covers the overdraft when it lands; when it fails, usage is refused until a purchase pays the overdraft.
let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
afterEach(async () => {
  await h.emu.admin("POST", "faults", { drop_webhooks: false });
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

// Stripe performs a hung create at once and its payment_intent.* webhook would settle the attempt before the
// answer: drop those webhooks so the recharge stays in flight for the whole hang (the SDK's answer settles it).
const NO_PI_WEBHOOKS = { drop_webhooks: ["payment_intent.succeeded", "payment_intent.payment_failed"] };
const attemptsOf = (orgId: string) =>
  t.sql<{ id: string; status: string }[]>`SELECT id, status FROM recharge_attempts WHERE org_id = ${orgId} AND trigger = 'auto' ORDER BY created_at`;
const graceOf = async (orgId: string) =>
  (
    await t.sql<
      { grace_attempt_id: string | null; grace_credits: number }[]
    >`SELECT grace_attempt_id, grace_credits FROM credit_balances WHERE org_id = ${orgId}`
  )[0]!;

/** A Starter org at `balance` credits with auto-recharge on (threshold 50, 1 pack = 1,000 credits). */
async function orgAt(balance: number, card: string) {
  const { org } = await makeBillingOrg(t.db); // subscribed with pm_card_visa
  if (card !== "pm_card_visa") await attachTestCard(t.db, org.id, card); // the new default card
  const total = (await getBalance(t.db, org.id)).total;
  if (total > balance) await debitCredits(t.db, org.id, [{ quantity: total - balance }]);
  await writeAutoRechargeSettings(t.db, {
    orgId: org.id,
    plan: "starter",
    patch: { enabled: true, threshold: 50, rechargePacks: 1, maxRechargesPerMonth: 10 },
    actor: { source: "system" },
  });
  return org;
}

describe("grace while an auto-recharge is in flight", () => {
  it("200 parallel debits during the recharge: accepted up to its 1,000 credits below zero, never more; the recharge covers the overdraft", async () => {
    const org = await orgAt(2000, "pm_card_visa");
    expect((await topUpNow(t.db, { orgId: org.id, userId: null, packs: 1 })).ok).toBe(true); // the card has succeeded before
    await debitCredits(t.db, org.id, [{ quantity: (await getBalance(t.db, org.id)).total - 100 }]);
    // Stripe is slow: the PaymentIntent create is performed, its answer held for 3 s.
    await h.emu.admin("POST", "faults", { ...NO_PI_WEBHOOKS, hang_next_requests: 1, hang_ms: 8000, hang_path_prefix: "/v1/payment_intents" });
    const crossing = reportUsage(t.db, org.id, [{ quantity: 60 }]); // 100 → 40: below the threshold
    await eventually(async () => (await graceOf(org.id)).grace_attempt_id, 10_000, "grace opened by the attempt");
    expect((await attemptsOf(org.id)).map((a) => a.status)).toEqual([expect.stringMatching(/pending|processing/)]);

    const results = (await Promise.all(Array.from({ length: 200 }, () => reportUsage(t.db, org.id, [{ quantity: 10 }])))).flat();
    const accepted = results.filter((r) => r.ok).length;
    expect(accepted).toBe(104); // 40 credits + 1,000 of grace, 10 each
    const during = await getBalance(t.db, org.id);
    expect(during.total).toBe(-1000);
    expect(during.overdraft).toBe(1000);
    expect(during.available).toBe(0);

    await crossing;
    // the recharge lands (+1,000 covers the overdraft); still below the threshold → one more recharge
    await eventually(async () => (await attemptsOf(org.id)).filter((a) => a.status === "succeeded").length === 2, 15_000, "two recharges landed");
    const after = await getBalance(t.db, org.id);
    expect(after.total).toBe(1000);
    expect(after.overdraft).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a recharge that fails during grace: overdraft kept and shown, usage refused, the next purchase pays it first", async () => {
    const org = await orgAt(100, "pm_card_chargeCustomerFail");
    // Fixture: this card's earlier payment succeeded (the emulator's declining card cannot produce one).
    await t.sql`INSERT INTO recharge_attempts (org_id, trigger, status, packs, credits, amount_cents, payment_method_id, completed_at)
                SELECT ${org.id}, 'manual', 'succeeded', 1, 1000, 2000, default_payment_method_id, now() - interval '1 day' FROM stripe_customers WHERE org_id = ${org.id}`;
    await h.emu.admin("POST", "faults", { ...NO_PI_WEBHOOKS, hang_next_requests: 1, hang_ms: 5000, hang_path_prefix: "/v1/payment_intents" });
    const crossing = reportUsage(t.db, org.id, [{ quantity: 60 }]);
    await eventually(async () => (await graceOf(org.id)).grace_attempt_id, 10_000, "grace opened");
    const results = (await Promise.all(Array.from({ length: 30 }, () => reportUsage(t.db, org.id, [{ quantity: 50 }])))).flat();
    expect(results.filter((r) => r.ok).length).toBe(20); // 40 + 1,000 of grace, 50 each → 1,000 accepted
    await crossing;
    await eventually(async () => (await attemptsOf(org.id))[0]?.status === "failed", 10_000, "the recharge declined");
    await writeAutoRechargeSettings(t.db, { orgId: org.id, plan: "starter", patch: { enabled: false }, actor: { source: "system" } });

    const owed = await getBalance(t.db, org.id);
    expect(owed.total).toBe(-960);
    expect(owed.overdraft).toBe(960);
    expect(owed.graceCredits).toBe(0);
    expect((await graceOf(org.id)).grace_attempt_id).toBeNull();
    const [refused] = await reportUsage(t.db, org.id, [{ quantity: 1 }]);
    expect(refused!.ok).toBe(false);

    await creditTopup(t.db, { orgId: org.id, credits: 2000, kind: "purchase", reference: "cs_test", idempotencyKey: "checkout:cs_test" });
    const paid = await getBalance(t.db, org.id);
    expect(paid.total).toBe(1040); // the overdraft was paid first
    expect(paid.overdraft).toBe(0);
    expect((await graceOf(org.id)).grace_credits).toBe(0);
    const [ok] = await reportUsage(t.db, org.id, [{ quantity: 1 }]);
    expect(ok!.ok).toBe(true);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("no grace for a card that never succeeded: the balance stops at zero", async () => {
    const org = await orgAt(100, "pm_card_visa");
    await h.emu.admin("POST", "faults", { ...NO_PI_WEBHOOKS, hang_next_requests: 1, hang_ms: 5000, hang_path_prefix: "/v1/payment_intents" });
    const crossing = reportUsage(t.db, org.id, [{ quantity: 60 }]);
    await eventually(async () => (await attemptsOf(org.id)).length === 1, 10_000, "the attempt");
    const results = (await Promise.all(Array.from({ length: 10 }, () => reportUsage(t.db, org.id, [{ quantity: 10 }])))).flat();
    expect(results.filter((r) => r.ok).length).toBe(4);
    expect((await getBalance(t.db, org.id)).total).toBe(0);
    expect((await graceOf(org.id)).grace_attempt_id).toBeNull();
    await crossing;
  });
});
