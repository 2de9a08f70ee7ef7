import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "@/lib/ledger";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { makeBillingOrg } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const attemptsOf = (orgId: string) =>
  t.sql`SELECT status, failure_code, decline_code, failure_message, payment_intent_id FROM recharge_attempts WHERE org_id = ${orgId} ORDER BY created_at`;
const incidentsOf = (orgId: string) => t.sql`SELECT kind, message FROM billing_incidents WHERE org_id = ${orgId} ORDER BY created_at`;

describe("Top Up Now through each saveable test card", () => {
  it("pm_card_visa: succeeds and credits the packs once", async () => {
    const { org } = await makeBillingOrg(t.db, { card: "pm_card_visa" });
    const before = (await getBalance(t.db, org.id)).topupCredits;
    const r = await topUpNow(t.db, { orgId: org.id, userId: null, packs: 3 });
    expect(r).toMatchObject({ ok: true, status: "succeeded" });
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(3000);
    const [a] = await attemptsOf(org.id);
    expect(a).toMatchObject({ status: "succeeded" });
    const entries = await t.sql`SELECT kind, delta, idempotency_key FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'top_up'`;
    expect(entries).toEqual([{ kind: "top_up", delta: 3000, idempotency_key: `pi:${a!.payment_intent_id}` }]);
  });

  it("pm_card_chargeCustomerFail: fails with card_declined, an actionable message and an incident; nothing credited", async () => {
    const { org } = await makeBillingOrg(t.db, { card: "pm_card_chargeCustomerFail", planId: "free" });
    const before = await getBalance(t.db, org.id);
    const r = await topUpNow(t.db, { orgId: org.id, userId: null, packs: 1 });
    expect(r).toMatchObject({ ok: false, code: "charge_failed" });
    if (!r.ok) expect(r.message).toMatch(/declined/i);
    expect(await attemptsOf(org.id)).toMatchObject([{ status: "failed", failure_code: "card_declined" }]);
    expect(await incidentsOf(org.id)).toMatchObject([{ kind: "card_declined" }]);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(before.topupCredits);
  });

  it("insufficient funds after authentication: fails with decline_code insufficient_funds", async () => {
    const { org } = await makeBillingOrg(t.db, { card: "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", planId: "free" });
    const r = await topUpNow(t.db, { orgId: org.id, userId: null, packs: 1 });
    expect(r.ok).toBe(false);
    expect(await attemptsOf(org.id)).toMatchObject([{ status: "failed", failure_code: "card_declined", decline_code: "insufficient_funds" }]);
    const [a] = await attemptsOf(org.id);
    expect(a!.failure_message).toMatch(/insufficient funds/);
  });

  it("pm_card_authenticationRequired: requires_action with a verification link; credits land once verification completes", async () => {
    // Free plan: a subscription's first invoice would itself need verification with this card
    const { org } = await makeBillingOrg(t.db, { card: "pm_card_authenticationRequired", planId: "free" });
    const before = await getBalance(t.db, org.id);
    const r = await topUpNow(t.db, { orgId: org.id, userId: null, packs: 2 });
    expect(r).toMatchObject({ ok: true, status: "requires_action" });
    if (r.ok) expect(r.verifyUrl).toMatch(new RegExp(`/${org.slug}/settings/billing/verify/${r.attemptId}$`));
    expect(await incidentsOf(org.id)).toMatchObject([{ kind: "verification_needed" }]);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(before.topupCredits);

    // the owner comes on-session: confirm with a return_url, follow next_action, authenticate, return
    const { startVerification, completeVerification } = await import("@/lib/recharge/verification");
    const start = await startVerification(t.db, { orgId: org.id, attemptId: r.attemptId!, returnUrl: "http://app.test/return" });
    expect(start).toMatchObject({ kind: "redirect" });
    const piId = (await attemptsOf(org.id))[0]!.payment_intent_id as string;
    await h.emu.admin("POST", `payment_intents/${piId}/authenticate`, { outcome: "complete" });
    const done = await completeVerification(t.db, { orgId: org.id, attemptId: r.attemptId! });
    expect(done.status).toBe("succeeded");
    expect((await getBalance(t.db, org.id)).topupCredits - before.topupCredits).toBe(200);
    await completeVerification(t.db, { orgId: org.id, attemptId: r.attemptId! });
    expect((await getBalance(t.db, org.id)).topupCredits - before.topupCredits).toBe(200);
  });

  it("keeps balance == sum(entries)", async () => {
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
