import { getAutoTopupJson } from "@/lib/api/billing/auto-topup";
import { UNCONFIRMED_RECHARGE_MESSAGE } from "@/lib/billing/auto-recharge-status";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NEVER_CHARGED_MESSAGE } from "@/lib/billing/decline-messages";
import { debitCredits, getBalance } from "@/lib/ledger";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { chargeRechargeAttempt } from "@/lib/recharge/charge-attempt";
import { loadAutoRechargeState } from "@/lib/recharge/facts";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { getStripe } from "@/lib/stripe/client";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// The client gives up after 2.5 s and one SDK retry; a hang of 30 s outlasts every retry (ours included).
const HANG = { hang_next_requests: 1, hang_ms: 30_000, hang_path_prefix: "/v1/payment_intents" };

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db, { extraEnv: { STRIPE_TIMEOUT_MS: "2500", STRIPE_MAX_NETWORK_RETRIES: "1" } });
});
afterEach(async () => {
  await h.emu.admin("POST", "faults", { hang_next_requests: 0, fail_next_requests: 0, drop_response_next_requests: 0, drop_webhooks: false });
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

/** the reconcile sweep's clock: past its 2-minute quiet period and Stripe search's lag */
const later = (ms = 5 * 60_000) => new Date(Date.now() + ms);
/** webhooks recorded by Stripe but never delivered */
const loseWebhooks = () => h.emu.admin("POST", "faults", { drop_webhooks: true });
const attemptsOf = (orgId: string) =>
  t.sql`SELECT id, status, payment_intent_id, outcome_unknown_since, last_error, failure_code, failure_message FROM recharge_attempts WHERE org_id = ${orgId} ORDER BY created_at`;
const emailsOf = async (orgId: string) =>
  (await t.sql`SELECT kind FROM outgoing_emails WHERE org_id = ${orgId} AND kind LIKE 'recharge_%' ORDER BY created_at`).map((r) => r.kind);
const customerOf = async (orgId: string) => (await t.sql`SELECT customer_id, default_payment_method_id FROM stripe_customers WHERE org_id = ${orgId}`)[0]!;
async function paymentIntentsOf(orgId: string) {
  const { customer_id } = await customerOf(orgId);
  // the recharge PaymentIntents (the subscription's invoices have their own)
  return (await getStripe().paymentIntents.list({ customer: customer_id, limit: 100 })).data.filter((p) => p.metadata?.attempt_id);
}
const statusOf = async (orgId: string) => (await loadAutoRechargeState(t.db, orgId)).status;

/** An org on Starter whose next debit crosses the threshold (1 pack = 1,000 credits = $20). */
async function orgAtThreshold(limits: { max: number; limitCents: number | null }) {
  const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1, ...limits } });
  const total = (await getBalance(t.db, org.id)).total;
  await t.sql`UPDATE auto_recharge_settings SET threshold = ${total} WHERE org_id = ${org.id}`;
  return org;
}

/** Debit across the threshold with the create call hanging past the client's retries and the webhook lost. */
async function crossWithStripeHanging(orgId: string) {
  await loseWebhooks();
  await h.emu.admin("POST", "faults", HANG);
  await debitCredits(t.db, orgId, [{ quantity: 1 }]);
  const r = await maybeTriggerRecharge(t.db, orgId); // the inline queue runs the charge job (awaited)
  if (!r.created) throw new Error(`no attempt: ${r.reason}`);
  return r.attempt.id;
}

describe("an unknown charge outcome is not a failure", () => {
  it("(a) create hangs past the retries, Stripe charged, webhook lost: processing, counted, credited once by reconciliation", async () => {
    const org = await orgAtThreshold({ max: 1, limitCents: null });
    const before = (await getBalance(t.db, org.id)).total;
    const attemptId = await crossWithStripeHanging(org.id);
    const [a] = await attemptsOf(org.id);
    expect(a).toMatchObject({ id: attemptId, status: "processing", outcome_unknown_since: expect.anything(), last_error: expect.stringMatching(/\S/) });
    expect(await t.sql`SELECT kind FROM billing_incidents WHERE org_id = ${org.id}`).toEqual([]);
    expect(await emailsOf(org.id)).toEqual([]);
    // it counts: one open attempt, this month's recharges and spend include it
    const { facts } = await loadAutoRechargeState(t.db, org.id);
    expect(facts).toMatchObject({ openAttempt: "processing", rechargesThisMonth: 1, spendThisMonthCents: 2000 });
    expect(await statusOf(org.id)).toBe("recharging");
    // the API and the page say the payment is being confirmed, not that it failed
    expect((await getAutoTopupJson(t.db, org.id)).status_message).toBe(UNCONFIRMED_RECHARGE_MESSAGE);
    // Stripe did charge the card
    expect((await paymentIntentsOf(org.id)).map((p) => p.status)).toEqual(["succeeded"]);

    await Promise.all([reconcileRechargeAttempts(t.db, { now: later() }), reconcileRechargeAttempts(t.db, { now: later() })]);
    await reconcileRechargeAttempts(t.db, { now: later() });
    expect((await attemptsOf(org.id))[0]).toMatchObject({ status: "succeeded", payment_intent_id: expect.stringMatching(/^pi_/), outcome_unknown_since: null });
    expect((await getBalance(t.db, org.id)).total).toBe(before - 1 + 1000);
    expect(await t.sql`SELECT delta FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'auto_recharge'`).toEqual([{ delta: 1000 }]);
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
    expect(await emailsOf(org.id)).toEqual(["recharge_succeeded"]);
    expect(await maybeTriggerRecharge(t.db, org.id)).toMatchObject({ created: false }); // above the threshold again
  }, 60_000);

  it("(b) the same with a LATE webhook: one charge; the cap (1) and the spending limit hold; no 'failed' email, one 'successful'", async () => {
    const org = await orgAtThreshold({ max: 1, limitCents: 2000 });
    const attemptId = await crossWithStripeHanging(org.id);
    expect((await attemptsOf(org.id))[0]).toMatchObject({ id: attemptId, status: "processing" });
    // a second crossing while the first is unknown: no second attempt, no second charge
    await t.sql`UPDATE auto_recharge_settings SET threshold = 1000000 WHERE org_id = ${org.id}`;
    await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "recharging" });
    expect(await attemptsOf(org.id)).toHaveLength(1);

    // the webhook arrives late (twice)
    const [pi] = await paymentIntentsOf(org.id);
    const { data } = await h.emu.admin<{ data: { data: { object: { id: string } } }[] }>("GET", "events?type=payment_intent.succeeded");
    const payload = JSON.stringify(data.find((e) => e.data.object.id === pi!.id));
    for (let i = 0; i < 2; i++) {
      const r = await handleStripeWebhook(t.db, payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: h.emu.webhookSecret }));
      expect(r.status).toBe(200);
    }
    expect((await attemptsOf(org.id)).map((a) => a.status)).toEqual(["succeeded"]);
    expect(await t.sql`SELECT delta FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'auto_recharge'`).toEqual([{ delta: 1000 }]);
    // still below the (raised) threshold: the cap holds, then (cap raised) the $20 spending limit holds
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "paused_monthly_cap" });
    await t.sql`UPDATE auto_recharge_settings SET max_recharges_per_month = 10 WHERE org_id = ${org.id}`;
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "paused_spending_limit" });
    await reconcileRechargeAttempts(t.db, { now: later() });
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
    expect(await emailsOf(org.id)).toEqual(["recharge_succeeded"]);
  }, 60_000);

  it("(c) idempotency keys forgotten (as after 24 h): reconciliation searches first — no second PaymentIntent", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const c = await customerOf(org.id);
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    // the worker sent the create, Stripe charged, the process died before writing anything; the webhook was lost
    await t.sql`UPDATE recharge_attempts SET status = 'processing', updated_at = now() - interval '10 minutes' WHERE id = ${a!.id}`;
    await loseWebhooks();
    await getStripe().paymentIntents.create(
      {
        amount: 2000,
        currency: "usd",
        customer: c.customer_id,
        payment_method: c.default_payment_method_id,
        off_session: true,
        confirm: true,
        metadata: { org_id: org.id, attempt_id: a!.id },
      },
      { idempotencyKey: a!.id },
    );
    await h.emu.admin("POST", "idempotency/forget");
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await reconcileRechargeAttempts(t.db, { now: later() });
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
    expect((await attemptsOf(org.id))[0]).toMatchObject({ status: "succeeded" });
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(1000);
  });

  it("(c) an attempt past the key's life that Stripe never saw is settled 'never charged' — not re-created", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await t.sql`UPDATE recharge_attempts SET status = 'processing', created_at = now() - interval '23 hours 30 minutes', updated_at = now() - interval '23 hours' WHERE id = ${a!.id}`;
    await reconcileRechargeAttempts(t.db);
    expect(await paymentIntentsOf(org.id)).toHaveLength(0);
    expect((await attemptsOf(org.id))[0]).toMatchObject({ status: "failed", failure_code: "never_charged", failure_message: NEVER_CHARGED_MESSAGE });
  });

  it("5xx through every retry: unknown, then reconciliation re-creates with the same key only once search could see a PaymentIntent", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await h.emu.admin("POST", "faults", { fail_next_requests: 50, fail_path_prefix: "/v1/payment_intents" });
    expect((await chargeRechargeAttempt(t.db, a!.id, { retryDelaysMs: [10] })).status).toBe("processing");
    await h.emu.admin("POST", "faults", { fail_next_requests: 0 });
    // 1 minute after the last create: Stripe's search may not show it yet → no re-create
    await reconcileRechargeAttempts(t.db, { now: later(60_000), olderThanMs: 0 });
    expect(await paymentIntentsOf(org.id)).toHaveLength(0);
    expect((await attemptsOf(org.id))[0]!.status).toBe("processing");
    await reconcileRechargeAttempts(t.db, { now: later() });
    expect((await attemptsOf(org.id))[0]!.status).toBe("succeeded");
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
  });

  it("(d) the response is dropped after Stripe committed: the SDK's retry gets the replay, credited once", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await h.emu.admin("POST", "faults", { drop_response_next_requests: 1, drop_path_prefix: "/v1/payment_intents" });
    const before = (await getBalance(t.db, org.id)).topupCredits;
    expect((await chargeRechargeAttempt(t.db, a!.id)).status).toBe("succeeded");
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
    await eventually(
      async () => (await h.emu.admin<{ data: { ok: boolean }[]; idle: boolean }>("GET", "deliveries?event_type=payment_intent.succeeded")).idle,
      10_000,
      "webhooks delivered",
    );
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(1000);
  });

  it("(d) every answer lost to a connection reset after Stripe committed, webhook lost: unknown, then reconciliation credits once", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await loseWebhooks();
    // every try (the SDK's retries, the replays and ours) loses its answer
    await h.emu.admin("POST", "faults", { drop_response_next_requests: 10, drop_path_prefix: "/v1/payment_intents" });
    expect((await chargeRechargeAttempt(t.db, a!.id, { retryDelaysMs: [10] })).status).toBe("processing");
    await h.emu.admin("POST", "faults", { drop_response_next_requests: 0 });
    expect((await attemptsOf(org.id))[0]).toMatchObject({ status: "processing", outcome_unknown_since: expect.anything() });
    expect(await emailsOf(org.id)).toEqual([]);
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await reconcileRechargeAttempts(t.db, { now: later() });
    expect((await attemptsOf(org.id))[0]!.status).toBe("succeeded");
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(1000);
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
    expect(await emailsOf(org.id)).toEqual(["recharge_succeeded"]);
  });

  it("a 'failed' attempt settled on a guess by older code is searched once; Stripe's success lands as a late success", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const c = await customerOf(org.id);
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await loseWebhooks();
    await getStripe().paymentIntents.create(
      {
        amount: 2000,
        currency: "usd",
        customer: c.customer_id,
        payment_method: c.default_payment_method_id,
        off_session: true,
        confirm: true,
        metadata: { org_id: org.id, attempt_id: a!.id },
      },
      { idempotencyKey: a!.id },
    );
    await t.sql`UPDATE recharge_attempts SET status = 'failed', failure_code = 'internal_error', failure_message = 'An internal error occurred', completed_at = now() WHERE id = ${a!.id}`;
    await t.sql`INSERT INTO billing_incidents (org_id, kind, message, attempt_id, dedupe_key) VALUES (${org.id}, 'internal_error', 'An internal error occurred', ${a!.id}, ${`attempt:${a!.id}:failed`})`;
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await reconcileRechargeAttempts(t.db);
    await reconcileRechargeAttempts(t.db);
    expect((await attemptsOf(org.id))[0]).toMatchObject({ status: "succeeded", failure_code: null });
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(1000);
    expect(await t.sql`SELECT kind FROM billing_incidents WHERE org_id = ${org.id} AND dismissed_at IS NULL`).toEqual([]);
    expect(await emailsOf(org.id)).toEqual(["recharge_succeeded"]);
    expect((await t.sql`SELECT stripe_searched_at FROM recharge_attempts WHERE id = ${a!.id}`)[0]!.stripe_searched_at).not.toBeNull();
  });

  it("two concurrent charges of one attempt (hand-off + durable job) with Stripe slow: one PaymentIntent, credited once", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await h.emu.admin("POST", "faults", { hang_next_requests: 1, hang_ms: 1000, hang_path_prefix: "/v1/payment_intents" });
    const before = (await getBalance(t.db, org.id)).topupCredits;
    await Promise.all([chargeRechargeAttempt(t.db, a!.id), chargeRechargeAttempt(t.db, a!.id)]);
    await reconcileRechargeAttempts(t.db, { now: later() });
    expect((await attemptsOf(org.id))[0]!.status).toBe("succeeded");
    expect(await paymentIntentsOf(org.id)).toHaveLength(1);
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(1000);
  });

  it("keeps balance == sum(entries)", async () => {
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
