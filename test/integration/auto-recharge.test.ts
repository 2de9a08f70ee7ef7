import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runJob } from "@/lib/jobs/handlers";
import { debitCredits, getBalance } from "@/lib/ledger";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { chargeRechargeAttempt } from "@/lib/recharge/charge-attempt";
import { loadAutoRechargeState } from "@/lib/recharge/facts";
import { saveAutoRechargeSettings } from "@/lib/recharge/save-settings";
import { settleRechargeAttempt } from "@/lib/recharge/settle-attempt";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { getStripe } from "@/lib/stripe/client";
import { attachTestCard } from "@/lib/billing-events/provision";
import { makeBillingOrg } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { startSmtpSink } from "../support/smtp-sink";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  t = await createTestDb();
  smtp = await startSmtpSink();
  h = await startBillingHarness(t.db, { extraEnv: { SMTP_URL: smtp.url } });
});
beforeEach(() => {
  if (h) h.queue = "inline";
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
  await t?.drop();
});

const attemptsOf = (orgId: string) =>
  t.sql`SELECT id, status, trigger, failure_code, decline_code, payment_intent_id, created_at FROM recharge_attempts WHERE org_id = ${orgId} ORDER BY created_at`;
const statusOf = async (orgId: string, now?: Date) => (await loadAutoRechargeState(t.db, orgId, { now })).status;
const settingsOf = async (orgId: string) => (await t.sql`SELECT * FROM auto_recharge_settings WHERE org_id = ${orgId}`)[0]!;
/**
 * Makes a one-pack recharge due: the threshold just above what usage may take now (a far larger gap would
 * be closed by ONE bigger charge — see "gap closing"), and the back-off after a decline over (as an hour later).
 */
async function dueForOnePack(orgId: string) {
  const available = (await getBalance(t.db, orgId)).available;
  await t.sql`UPDATE auto_recharge_settings SET threshold = ${Math.max(1, available + 1)}, retry_not_before = NULL WHERE org_id = ${orgId}`;
}
async function paymentIntentsFor(attemptIds: string[]) {
  const all = await getStripe().paymentIntents.list({ limit: 100 });
  return all.data.filter((pi) => attemptIds.includes(pi.metadata?.attempt_id ?? ""));
}

describe("trigger: exactly once", () => {
  it("200 parallel debits crossing the threshold create exactly one attempt and one PaymentIntent (×20)", async () => {
    h.queue = "manual";
    const { org } = await makeBillingOrg(t.db, { topup: 300, autoRecharge: { threshold: 1, max: 31 } });
    for (let round = 0; round < 20; round++) {
      const total = (await getBalance(t.db, org.id)).total;
      await t.sql`UPDATE auto_recharge_settings SET threshold = ${total - 100} WHERE org_id = ${org.id}`;
      const jobsBefore = h.jobs.length;
      const attemptsBefore = (await attemptsOf(org.id)).length;
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          await debitCredits(t.db, org.id, [{ quantity: 1 }]);
          await maybeTriggerRecharge(t.db, org.id);
        }),
      );
      const attempts = (await attemptsOf(org.id)).slice(attemptsBefore);
      expect(attempts).toHaveLength(1);
      const charges = h.jobs.slice(jobsBefore).filter((j) => j.name === "recharge.charge");
      expect(charges).toHaveLength(1);
      // the charge job runs twice (e.g. a redelivered job): still one PaymentIntent, credited once
      await Promise.all([runJob(t.db, "recharge.charge", charges[0]!.data), runJob(t.db, "recharge.charge", charges[0]!.data)]);
      expect(await paymentIntentsFor([attempts[0]!.id])).toHaveLength(1);
      expect((await getBalance(t.db, org.id)).total).toBe(total - 200 + 1000);
    }
    h.queue = "inline";
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  }, 300_000); // ≈ 2 min alone on 2 cores; more when the machine is shared

  it("a balance far below the threshold is closed by ONE charge (not a burst), within the consented monthly total; still low → says so", async () => {
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000, max: 3 } });
    const jobsBefore = h.jobs.length;
    expect((await maybeTriggerRecharge(t.db, org.id)).created).toBe(true); // inline: a success still below re-triggers
    // the gap needs 98 packs; the owner consented to 3 × 1 pack a month: one charge of 3 packs, then paused
    const attempts = await t.sql`SELECT status, packs FROM recharge_attempts WHERE org_id = ${org.id}`;
    expect(attempts.map((a) => [a.status, a.packs])).toEqual([["succeeded", 3]]);
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "paused_monthly_cap" });
    const low = await t.sql`SELECT count(*)::int AS n FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'still_low'`;
    expect(low[0]!.n).toBe(1);
    // the re-trigger was also written as a durable job in its settle transaction
    expect(h.jobs.slice(jobsBefore).filter((j) => j.name === "recharge.trigger" && j.tx && j.data.orgId === org.id)).toHaveLength(1);
  });

  it("saving settings while already below the threshold triggers at once", async () => {
    const { org, owner } = await makeBillingOrg(t.db, {});
    const total = (await getBalance(t.db, org.id)).total;
    const r = await saveAutoRechargeSettings(t.db, {
      orgId: org.id,
      input: { enabled: true, threshold: total + 1, rechargePacks: 2, maxRechargesPerMonth: 5 },
      actor: { source: "ui", userId: owner.id },
      consent: { given: true },
    });
    expect(r).toMatchObject({ ok: true, message: "Auto-recharge settings updated.", trigger: { created: true } });
    expect(await attemptsOf(org.id)).toMatchObject([{ status: "succeeded", trigger: "auto" }]);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(2000);
    const [audit] = await t.sql`SELECT source, user_id, before, after FROM auto_recharge_settings_changes WHERE org_id = ${org.id}`;
    expect(audit).toMatchObject({ source: "ui", user_id: owner.id, before: { enabled: false }, after: { enabled: true, threshold: total + 1 } });
  });

  it("refuses to enable without a card, on Free, or without a subscription — each with its own message", async () => {
    const noCard = await makeBillingOrg(t.db, { card: null, planId: "free" });
    const free = await saveAutoRechargeSettings(t.db, {
      orgId: noCard.org.id,
      input: { enabled: true, threshold: 10, rechargePacks: 1, maxRechargesPerMonth: 1 },
      actor: { source: "ui" },
    });
    expect(free).toMatchObject({ ok: false, code: "not_available_on_plan", message: "Auto-reload not available on Free plan" });
    await t.sql`UPDATE organizations SET plan = 'starter' WHERE id = ${noCard.org.id}`;
    const noSub = await saveAutoRechargeSettings(t.db, {
      orgId: noCard.org.id,
      input: { enabled: true, threshold: 10, rechargePacks: 1, maxRechargesPerMonth: 1 },
      actor: { source: "ui" },
    });
    expect(noSub).toMatchObject({ ok: false, code: "needs_subscription", message: "An active subscription is required to enable auto-recharge." });
    await t.sql`INSERT INTO subscriptions (id, org_id, customer_id, status, plan) VALUES (${`sub_fake_${noCard.org.id}`}, ${noCard.org.id}, 'cus_x', 'active', 'starter')`;
    const noPm = await saveAutoRechargeSettings(t.db, {
      orgId: noCard.org.id,
      input: { enabled: true, threshold: 10, rechargePacks: 1, maxRechargesPerMonth: 1 },
      actor: { source: "ui" },
    });
    expect(noPm).toMatchObject({ ok: false, code: "needs_payment_method", message: "A payment method is required to enable auto-recharge." });
  });
});

describe("failure policy", () => {
  it("3 consecutive declines disable auto-recharge with the exact message; a success in between resets", async () => {
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000 } });
    const good = (await t.sql`SELECT default_payment_method_id FROM stripe_customers WHERE org_id = ${org.id}`)[0]!.default_payment_method_id;
    h.queue = "manual"; // run each charge explicitly (no follow-up triggers)
    const fire = async () => {
      await dueForOnePack(org.id);
      const r = await maybeTriggerRecharge(t.db, org.id);
      if (r.created) await chargeRechargeAttempt(t.db, r.attempt.id);
      return r;
    };
    await attachTestCard(t.db, org.id, "pm_card_chargeCustomerFail");
    await fire();
    await fire();
    expect((await settingsOf(org.id)).consecutive_failures).toBe(2);
    // a success resets the count
    await getStripe().customers.update((await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${org.id}`)[0]!.customer_id, {
      invoice_settings: { default_payment_method: good },
    });
    await t.sql`UPDATE stripe_customers SET default_payment_method_id = ${good} WHERE org_id = ${org.id}`;
    await fire();
    expect((await settingsOf(org.id)).consecutive_failures).toBe(0);
    await attachTestCard(t.db, org.id, "pm_card_chargeCustomerFail");
    for (let i = 0; i < 3; i++) await fire();
    h.queue = "inline";
    const s = await settingsOf(org.id);
    expect(s).toMatchObject({ enabled: false, disabled_reason: "failures", consecutive_failures: 3 });
    expect(await statusOf(org.id)).toBe("disabled_after_failures");
    const [incident] = await t.sql`SELECT message FROM billing_incidents WHERE org_id = ${org.id} AND kind = 'disabled_after_failures'`;
    expect(incident!.message).toBe("Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.");
    // no more attempts while disabled: never retry a declining card in a loop
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "off" });
    const failed = (await attemptsOf(org.id)).filter((a) => a.status === "failed");
    expect(failed.every((a) => a.failure_code === "card_declined")).toBe(true);
  });

  it("a lost-card decline disables at once", async () => {
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 10 } });
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "auto", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await settleRechargeAttempt(t.db, a!.id, { kind: "declined", paymentIntentId: null, code: "card_declined", declineCode: "lost_card" });
    expect(await settingsOf(org.id)).toMatchObject({ enabled: false, disabled_reason: "hard_decline", consecutive_failures: 1 });
    expect(await statusOf(org.id)).toBe("disabled_after_failures");
  });

  it("a 5xx then success uses one PaymentIntent (same idempotency key)", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await h.emu.admin("POST", "faults", { fail_next_requests: 1, fail_path_prefix: "/v1/payment_intents" });
    const r = await chargeRechargeAttempt(t.db, a!.id);
    expect(r.status).toBe("succeeded");
    expect(await paymentIntentsFor([a!.id])).toHaveLength(1);
  });

  it("Stripe answering 5xx through every retry: the outcome is unknown, the attempt stays processing — no failure, no email", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await h.emu.admin("POST", "faults", { fail_next_requests: 50, fail_path_prefix: "/v1/payment_intents" });
    const r = await chargeRechargeAttempt(t.db, a!.id, { retryDelaysMs: [10] });
    await h.emu.admin("POST", "faults", { fail_next_requests: 0 });
    expect(r.status).toBe("processing");
    const [row] = await t.sql`SELECT status, outcome_unknown_since, last_error, charge_sent_at FROM recharge_attempts WHERE id = ${a!.id}`;
    expect(row).toMatchObject({
      status: "processing",
      outcome_unknown_since: expect.anything(),
      last_error: expect.stringMatching(/500/),
      charge_sent_at: expect.anything(),
    });
    expect(await t.sql`SELECT kind FROM billing_incidents WHERE attempt_id = ${a!.id}`).toEqual([]);
    expect(await t.sql`SELECT kind FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'recharge_failed'`).toEqual([]);
  });

  it("a request Stripe refuses (400, known to charge nothing) fails with 'An internal error occurred' and an incident", async () => {
    const { org } = await makeBillingOrg(t.db, {});
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 10, currency: "usd" }); // below the $0.50 minimum: 400
    const r = await chargeRechargeAttempt(t.db, a!.id, { retryDelaysMs: [10] });
    expect(r.status).toBe("failed");
    const [incident] = await t.sql`SELECT kind, message FROM billing_incidents WHERE attempt_id = ${a!.id}`;
    expect(incident).toEqual({ kind: "internal_error", message: "An internal error occurred" });
  });
});

describe("verification and incidents", () => {
  it("authentication_required off-session: requires_action, a banner and an email with the link; credits land after verification", async () => {
    h.queue = "manual";
    const { org, owner } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000 } });
    await attachTestCard(t.db, org.id, "pm_card_authenticationRequired");
    await dueForOnePack(org.id);
    const r = await maybeTriggerRecharge(t.db, org.id);
    if (!r.created) throw new Error("no attempt");
    expect((await chargeRechargeAttempt(t.db, r.attempt.id)).status).toBe("requires_action");
    expect(await statusOf(org.id)).toBe("requires_action");
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "requires_action" });
    const [incident] = await t.sql`SELECT kind FROM billing_incidents WHERE attempt_id = ${r.attempt.id}`;
    expect(incident!.kind).toBe("verification_needed");
    const [mail] = await t.sql`SELECT text FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'verification_needed' AND "to" = ${owner.email}`;
    expect(mail!.text).toContain(`http://app.test/${org.slug}/settings/billing/verify/${r.attempt.id}`);
    const before = (await getBalance(t.db, org.id)).topupCredits;
    const { startVerification, completeVerification } = await import("@/lib/recharge/verification");
    expect(await startVerification(t.db, { orgId: org.id, attemptId: r.attempt.id, returnUrl: "http://app.test/return" })).toMatchObject({ kind: "redirect" });
    const [a] = await t.sql`SELECT payment_intent_id FROM recharge_attempts WHERE id = ${r.attempt.id}`;
    await h.emu.admin("POST", `payment_intents/${a!.payment_intent_id}/authenticate`, { outcome: "complete" });
    expect((await completeVerification(t.db, { orgId: org.id, attemptId: r.attempt.id })).status).toBe("succeeded");
    expect((await getBalance(t.db, org.id)).topupCredits - before).toBe(1000);
  });

  it("each incident is dismissed on its own and stays dismissed; a new failure is a new banner", async () => {
    h.queue = "manual";
    const { org, owner } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000 } });
    await attachTestCard(t.db, org.id, "pm_card_chargeCustomerFail");
    for (let i = 0; i < 2; i++) {
      await dueForOnePack(org.id);
      const r = await maybeTriggerRecharge(t.db, org.id);
      if (r.created) await chargeRechargeAttempt(t.db, r.attempt.id);
    }
    const { getOpenIncidents } = await import("@/lib/queries/billing");
    const { dismissIncident } = await import("@/lib/notifications/incidents");
    const open = await getOpenIncidents(t.db, org.id);
    expect(open.map((i) => [i.kind, i.action])).toEqual([
      ["card_declined", "update_payment_method"],
      ["card_declined", "update_payment_method"],
    ]);
    expect(await dismissIncident(t.db, { orgId: org.id, incidentId: open[0]!.id, userId: owner.id })).toBe(true);
    expect((await getOpenIncidents(t.db, org.id)).map((i) => i.id)).toEqual([open[1]!.id]);
    const other = await makeBillingOrg(t.db, { planId: "free", card: null });
    expect(await dismissIncident(t.db, { orgId: other.org.id, incidentId: open[1]!.id, userId: null })).toBe(false);
    await dueForOnePack(org.id); // the back-off after the last decline is over
    const r = await maybeTriggerRecharge(t.db, org.id);
    if (r.created) await chargeRechargeAttempt(t.db, r.attempt.id);
    expect(await getOpenIncidents(t.db, org.id)).toHaveLength(3); // the third failure also disabled auto-recharge
  });
});

describe("monthly cap and spending limit at the month boundary", () => {
  it("never exceeds the cap at 23:59:59 on the last day, and resumes on the 1st", async () => {
    h.queue = "manual";
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000, max: 2 } });
    const at = (iso: string) => new Date(iso);
    const fire = async (iso: string) => {
      await dueForOnePack(org.id);
      const r = await maybeTriggerRecharge(t.db, org.id, { now: at(iso) });
      if (r.created) await chargeRechargeAttempt(t.db, r.attempt.id);
      return r;
    };
    expect((await fire("2026-01-31T23:59:58Z")).created).toBe(true);
    expect((await fire("2026-01-31T23:59:59Z")).created).toBe(true);
    expect(await fire("2026-01-31T23:59:59.900Z")).toEqual({ created: false, reason: "paused_monthly_cap" });
    expect(await statusOf(org.id, at("2026-01-31T23:59:59.900Z"))).toBe("paused_monthly_cap");
    // a debit below the threshold while capped: no attempt, the status says why, no email
    await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    expect(await fire("2026-01-31T23:59:59.999Z")).toEqual({ created: false, reason: "paused_monthly_cap" });
    expect(await attemptsOf(org.id)).toHaveLength(2);
    // …and the Billing page gets one "monthly limit reached" banner for that month, however many debits follow
    const { getOpenIncidents } = await import("@/lib/queries/billing");
    const capped = (await getOpenIncidents(t.db, org.id)).filter((i) => i.kind === "monthly_cap_reached");
    expect(capped).toHaveLength(1);
    expect(capped[0]!.message).toBe("You've reached your monthly auto-reload limit. Auto-reload is paused until next month.");
    expect((await fire("2026-02-01T00:00:00Z")).created).toBe(true);
    expect(await attemptsOf(org.id)).toHaveLength(3);
    h.queue = "inline";
  });

  it("counts the month in the org's time zone", async () => {
    h.queue = "manual";
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000, max: 1 } });
    await t.sql`UPDATE organizations SET time_zone = 'America/New_York' WHERE id = ${org.id}`;
    const r1 = await maybeTriggerRecharge(t.db, org.id, { now: new Date("2026-02-01T03:00:00Z") }); // Jan 31, 22:00 in New York
    if (r1.created) await chargeRechargeAttempt(t.db, r1.attempt.id);
    expect((await maybeTriggerRecharge(t.db, org.id, { now: new Date("2026-02-01T04:59:59Z") })).created).toBe(false);
    expect((await maybeTriggerRecharge(t.db, org.id, { now: new Date("2026-02-01T05:00:00Z") })).created).toBe(true);
    h.queue = "inline";
  });

  it("pauses at the spending limit and emails the alert once at 80%", async () => {
    h.queue = "manual";
    const { org, owner } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100_000, max: 10, limitCents: 4000 } });
    const now = new Date("2026-03-15T12:00:00Z");
    for (let i = 0; i < 2; i++) {
      await dueForOnePack(org.id);
      const r = await maybeTriggerRecharge(t.db, org.id, { now });
      expect(r.created).toBe(true);
      if (r.created) await chargeRechargeAttempt(t.db, r.attempt.id);
    }
    await dueForOnePack(org.id);
    expect(await maybeTriggerRecharge(t.db, org.id, { now })).toEqual({ created: false, reason: "paused_spending_limit" });
    const alerts = await t.sql`SELECT "to", subject FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'spending_alert'`;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.to).toBe(owner.email);
    h.queue = "inline";
  });
});

describe("emails over real SMTP", () => {
  it("sends 'Auto-recharge successful' with amount, credits, new and previous balance and threshold", async () => {
    const { org, owner } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1 } });
    const total = (await getBalance(t.db, org.id)).total;
    await t.sql`UPDATE auto_recharge_settings SET threshold = ${total} WHERE org_id = ${org.id}`;
    await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    const r = await maybeTriggerRecharge(t.db, org.id);
    expect(r.created).toBe(true);
    const mail = smtp.messages.find((m) => m.to.includes(owner.email) && m.raw.includes("Auto-recharge successful"));
    expect(mail).toBeDefined();
    const body = mail!.raw.replace(/=\r?\n/g, "");
    expect(body).toContain("Amount charged: $20.00");
    expect(body).toContain("Credits added: 1,000");
    expect(body).toContain(`Previous balance: ${(total - 1).toLocaleString("en-US")} credits`);
    expect(body).toContain(`New balance: ${(total - 1 + 1000).toLocaleString("en-US")} credits`);
    expect(body).toContain(`Trigger threshold: ${total.toLocaleString("en-US")} credits`);
    const [row] = await t.sql`SELECT status FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'recharge_succeeded'`;
    expect(row!.status).toBe("sent");
  });
});
