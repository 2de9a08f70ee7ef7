import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refundPurchase } from "@/lib/billing-events/owner-refund";
import { debitCredits, getBalance } from "@/lib/ledger";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { attachTestCard } from "@/lib/billing-events/provision";
import { getStripe } from "@/lib/stripe/client";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Refunds and disputes take credits back, against the emulator through the SDK and the real webhook path.
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

async function boughtTopUp(card = "pm_card_visa", packs = 1) {
  const { org, owner } = await makeBillingOrg(t.db, { card, planId: "free" });
  const r = await topUpNow(t.db, { orgId: org.id, userId: null, packs });
  expect(r).toMatchObject({ ok: true, status: "succeeded" });
  const [a] = await t.sql`SELECT id, payment_intent_id, credits, amount_cents FROM recharge_attempts WHERE org_id = ${org.id}`;
  const pi = await getStripe().paymentIntents.retrieve(a!.payment_intent_id);
  return { org, owner, attempt: a!, chargeId: pi.latest_charge as string };
}
const entriesOf = (orgId: string, kind: string) =>
  t.sql`SELECT delta, reference, idempotency_key FROM ledger_entries WHERE org_id = ${orgId} AND kind = ${kind}`;

describe("charge.refunded", () => {
  it("a partial refund takes back its share (rounded up) once, even delivered twice; the rest takes back exactly the remainder", async () => {
    const { org, attempt, chargeId } = await boughtTopUp("pm_card_visa", 1); // Free: 100 credits for $28.00
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await h.emu.admin("POST", "faults", { duplicate_deliveries: true });
    try {
      await getStripe().refunds.create({ charge: chargeId, amount: 1000 }); // 1000/2800 of 100 credits = 35.7 → 36
      await eventually(async () => (await entriesOf(org.id, "refund")).length === 1, 10_000, "refund entry");
      await h.emu.webhooksIdle();
      expect((await getBalance(t.db, org.id)).topupCredits).toBe(before - 36);
      await getStripe().refunds.create({ charge: chargeId });
      await eventually(async () => (await entriesOf(org.id, "refund")).length === 2, 10_000, "second refund entry");
      await h.emu.webhooksIdle();
    } finally {
      await h.emu.admin("POST", "faults", { duplicate_deliveries: false, delay_ms: 0 });
    }
    const entries = await entriesOf(org.id, "refund");
    expect(entries.map((e) => e.delta).sort()).toEqual([-36, -64]);
    expect(entries.every((e) => e.reference === chargeId)).toBe(true);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(before - attempt.credits);
    const [incidents] = await t.sql`SELECT count(*)::int AS n FROM billing_incidents WHERE org_id = ${org.id} AND kind = 'credits_taken_back'`;
    expect(incidents!.n).toBe(2);
    const events = await t.sql`SELECT type FROM outgoing_events WHERE org_id = ${org.id} AND type = 'charge.refunded'`;
    expect(events).toHaveLength(2);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});

describe("owner refund of an unused top-up", () => {
  it("credits removed first, refunds.create, and our own charge.refunded webhook debits nothing more", async () => {
    const { org, attempt } = await boughtTopUp();
    const before = (await getBalance(t.db, org.id)).topupCredits;
    const r = await refundPurchase(t.db, { orgId: org.id, purchaseId: attempt.id, userId: null });
    expect(r).toMatchObject({ ok: true, refund: { status: "succeeded" } });
    await h.emu.webhooksIdle();
    expect(h.deliveries.filter((d) => d.type === "charge.refunded").at(-1)?.result).toMatch(/already taken back/);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(before - attempt.credits);
    expect(await entriesOf(org.id, "refund")).toHaveLength(1);
    expect(await refundPurchase(t.db, { orgId: org.id, purchaseId: attempt.id, userId: null })).toMatchObject({
      ok: false,
      code: "conflict",
      reason: "refunded",
    });
  });

  it("409 when the credits were spent, 404 for another org's or an unknown purchase — nothing written", async () => {
    const { org, attempt } = await boughtTopUp();
    const other = await boughtTopUp();
    await debitCredits(t.db, org.id, [{ quantity: (await getBalance(t.db, org.id)).total - 10 }]);
    const count = async () =>
      (await t.sql`SELECT (SELECT count(*) FROM refund_requests)::int + (SELECT count(*) FROM ledger_entries WHERE kind = 'refund')::int AS n`)[0]!.n;
    const n = await count();
    expect(await refundPurchase(t.db, { orgId: org.id, purchaseId: attempt.id, userId: null })).toMatchObject({ ok: false, code: "conflict", reason: "spent" });
    expect(await refundPurchase(t.db, { orgId: org.id, purchaseId: other.attempt.id, userId: null })).toEqual({ ok: false, code: "not_found" });
    expect(await refundPurchase(t.db, { orgId: org.id, purchaseId: "cs_nope", userId: null })).toEqual({ ok: false, code: "not_found" });
    expect(await count()).toBe(n);
  });
});

describe("disputes", () => {
  it("a chargeback takes the credits back when the funds are withdrawn: overdraft, usage refused until the next purchase pays it", async () => {
    await h.emu.admin("POST", "faults", { delay_ms: 300 }); // the dispute's webhooks arrive after the credits are spent
    const { org, attempt, chargeId } = await boughtTopUp("pm_card_createDispute");
    expect(await debitCredits(t.db, org.id, [{ quantity: (await getBalance(t.db, org.id)).total }])).toMatchObject([{ ok: true }]); // all spent
    await eventually(async () => (await entriesOf(org.id, "dispute")).length === 1, 30_000, "dispute entry");
    await h.emu.admin("POST", "faults", { duplicate_deliveries: false, delay_ms: 0 });
    const b = await getBalance(t.db, org.id);
    expect(b).toMatchObject({ overdraft: attempt.credits, available: -attempt.credits });
    expect(await debitCredits(t.db, org.id, [{ quantity: 1 }])).toMatchObject([{ ok: false, code: "insufficient_credits" }]);
    const [incident] = await t.sql`SELECT message FROM billing_incidents WHERE org_id = ${org.id} AND kind = 'credits_taken_back'`;
    expect(incident!.message).toContain(chargeId);
    const [mail] = await t.sql`SELECT subject FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'credits_taken_back'`;
    expect(mail!.subject).toContain("taken back");

    const [dispute] = (await getStripe().disputes.list({ charge: chargeId })).data;
    await h.emu.admin("POST", `disputes/${dispute!.id}/close`, { outcome: "lost" });
    await h.emu.webhooksIdle();
    expect(await entriesOf(org.id, "dispute")).toHaveLength(1); // lost: already taken back, not twice
    const events = await t.sql`SELECT type FROM outgoing_events WHERE org_id = ${org.id} AND type LIKE 'charge.dispute.%' ORDER BY created_at`;
    expect(events.map((e) => e.type)).toEqual(["charge.dispute.created", "charge.dispute.closed"]);

    await attachTestCard(t.db, org.id, "pm_card_visa");
    await topUpNow(t.db, { orgId: org.id, userId: null, packs: 2 }); // 200 credits: pays the 100 owed first
    expect(await getBalance(t.db, org.id)).toMatchObject({ topupCredits: 100, overdraft: 0, graceCredits: 0 });
    expect(await debitCredits(t.db, org.id, [{ quantity: 1 }])).toMatchObject([{ ok: true }]);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a won dispute returns the credits", async () => {
    const { org, attempt, chargeId } = await boughtTopUp("pm_card_createDispute");
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await eventually(async () => (await entriesOf(org.id, "dispute")).length === 1, 30_000, "dispute entry");
    const [dispute] = (await getStripe().disputes.list({ charge: chargeId })).data;
    await getStripe().disputes.update(dispute!.id, { evidence: { uncategorized_text: "winning_evidence" } });
    await eventually(async () => (await entriesOf(org.id, "dispute_reversal")).length === 1, 10_000, "reversal entry");
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(before);
    expect((await entriesOf(org.id, "dispute_reversal"))[0]!.delta).toBe(attempt.credits);
  });
});
