import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getAutoTopupJson } from "@/lib/api/billing/auto-topup";
import { attachTestCard } from "@/lib/billing-events/provision";
import { getBalance } from "@/lib/ledger";
import { listOrgCards, setBackupCard } from "@/lib/recharge/backup-card";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { retryAutoRechargeNow } from "@/lib/recharge/retry-now";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { getStripe } from "@/lib/stripe/client";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// #14: a backup card for terminal declines, and the back-off after a declined auto-recharge — real Postgres,
// the emulator through the SDK, its webhooks delivered to the real handler.

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
beforeEach(() => {
  if (h) h.queue = "inline";
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const attempts = (orgId: string) =>
  t.sql`SELECT id, status, packs, payment_intent_id, payment_method_id, card_label, primary_decline_code, primary_failure_code, backup_sent_at, failure_code
        FROM recharge_attempts WHERE org_id = ${orgId} ORDER BY created_at`;
const paymentIntentsOf = async (attemptId: string) =>
  (await getStripe().paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.metadata?.attempt_id === attemptId);
const customerOf = async (orgId: string) => (await t.sql`SELECT customer_id FROM stripe_customers WHERE org_id = ${orgId}`)[0]!.customer_id as string;
const idle = () => eventually(async () => ((await h.emu.admin("GET", "deliveries")) as { idle: boolean }).idle, 10_000, "webhook deliveries idle");

/** An org on Starter with Visa saved, then a card that declines off-session made the default; auto-recharge on, due now. */
async function orgWithDecliningDefault(opts: { backup: boolean }) {
  const { org, owner } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1 } });
  const visa = (await t.sql`SELECT default_payment_method_id FROM stripe_customers WHERE org_id = ${org.id}`)[0]!.default_payment_method_id as string;
  await attachTestCard(t.db, org.id, "pm_card_chargeCustomerFail");
  if (opts.backup)
    expect(await setBackupCard(t.db, { orgId: org.id, paymentMethodId: visa, actor: { source: "ui", userId: owner.id } })).toMatchObject({ ok: true });
  const available = (await getBalance(t.db, org.id)).available;
  await t.sql`UPDATE auto_recharge_settings SET threshold = ${available + 1} WHERE org_id = ${org.id}`;
  return { org, owner, visa };
}

describe("backup card", () => {
  it("lists the customer's saved cards; the default cannot be the backup; a foreign card is refused", async () => {
    const { org, visa } = await orgWithDecliningDefault({ backup: false });
    const cards = await listOrgCards(t.db, org.id);
    expect(cards).toHaveLength(2);
    expect(cards.find((c) => c.id === visa)).toMatchObject({ label: "Visa •••• 4242", isDefault: false, isBackup: false });
    const def = cards.find((c) => c.isDefault)!;
    expect(await setBackupCard(t.db, { orgId: org.id, paymentMethodId: def.id, actor: { source: "ui" } })).toMatchObject({ ok: false, code: "invalid" });
    expect(await setBackupCard(t.db, { orgId: org.id, paymentMethodId: "pm_someone_elses", actor: { source: "ui" } })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await setBackupCard(t.db, { orgId: org.id, paymentMethodId: visa, actor: { source: "ui" } })).toMatchObject({ ok: true, label: "Visa •••• 4242" });
    expect((await getAutoTopupJson(t.db, org.id)).backup_payment_method).toEqual({ id: visa, card: "Visa •••• 4242" });
    // the audit trail records the choice with the authorization it leads to
    const [audit] = await t.sql`SELECT consent_text FROM auto_recharge_settings_changes WHERE org_id = ${org.id} ORDER BY created_at DESC LIMIT 1`;
    expect(audit!.consent_text).toContain("(or the backup card Visa •••• 4242 if it is declined)");
  });

  it("a terminal decline of the default card is retried once on the backup card: one attempt, two PaymentIntents, credited once; the email names the card", async () => {
    const { org, owner, visa } = await orgWithDecliningDefault({ backup: true });
    const before = (await getBalance(t.db, org.id)).total;
    const r = await maybeTriggerRecharge(t.db, org.id);
    expect(r.created).toBe(true);
    await idle(); // the default card's payment_failed webhook arrived too: it did not fail the attempt
    const [a] = await attempts(org.id);
    expect(a).toMatchObject({ status: "succeeded", payment_method_id: visa, card_label: "Visa •••• 4242", primary_failure_code: "card_declined" });
    const pis = await paymentIntentsOf(a!.id);
    expect(pis.map((p) => [p.metadata.card, p.status]).sort()).toEqual([
      ["backup", "succeeded"],
      ["default", "requires_payment_method"],
    ]);
    expect(a!.payment_intent_id).toBe(pis.find((p) => p.metadata.card === "backup")!.id);
    expect((await getBalance(t.db, org.id)).total).toBe(before + 1000);
    // reconciliation and a redelivered webhook change nothing: one attempt credits once
    await reconcileRechargeAttempts(t.db, { olderThanMs: 0 });
    expect((await getBalance(t.db, org.id)).total).toBe(before + 1000);
    const [mail] = await t.sql`SELECT text FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'recharge_succeeded' AND "to" = ${owner.email}`;
    expect(mail!.text).toContain("Card charged: Visa •••• 4242 (your backup card: the default card was declined)");
    const { n } = (await t.sql`SELECT count(*)::int AS n FROM billing_incidents WHERE org_id = ${org.id} AND kind = 'card_declined'`)[0]!;
    expect(n).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("after a crash between the two charges, reconciliation finds the default card's decline and goes on to the backup card (same key)", async () => {
    h.queue = "manual";
    const { org, visa } = await orgWithDecliningDefault({ backup: true });
    const customerId = await customerOf(org.id);
    const [def] = await t.sql`SELECT default_payment_method_id AS pm FROM stripe_customers WHERE org_id = ${org.id}`;
    const a = (await createRechargeAttempt(t.db, { orgId: org.id, trigger: "auto", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" }))!;
    // what the charge path did before it died: claimed (backup designated), sent the default card's charge, got the decline
    await t.sql`UPDATE recharge_attempts SET status = 'processing', backup_payment_method_id = ${visa}, charge_sent_at = now() - interval '3 minutes', updated_at = now() - interval '3 minutes' WHERE id = ${a.id}`;
    await getStripe()
      .paymentIntents.create(
        {
          amount: 2000,
          currency: "usd",
          customer: customerId,
          payment_method: def!.pm,
          off_session: true,
          confirm: true,
          metadata: { attempt_id: a.id, card: "default" },
        },
        { idempotencyKey: a.id },
      )
      .catch(() => null);
    await idle();
    expect((await attempts(org.id))[0]).toMatchObject({ status: "processing" }); // the webhook of the decline waits for the backup
    await reconcileRechargeAttempts(t.db, { olderThanMs: 60_000 });
    expect((await attempts(org.id))[0]).toMatchObject({ status: "succeeded", payment_method_id: visa });
    expect(await paymentIntentsOf(a.id)).toHaveLength(2);
    await reconcileRechargeAttempts(t.db, { olderThanMs: 0 });
    expect(await paymentIntentsOf(a.id)).toHaveLength(2); // never a third
  });

  it("authentication_required is not a terminal decline: the backup card is not tried", async () => {
    h.queue = "manual";
    const { org, owner } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1 } });
    const visa = (await t.sql`SELECT default_payment_method_id FROM stripe_customers WHERE org_id = ${org.id}`)[0]!.default_payment_method_id as string;
    await attachTestCard(t.db, org.id, "pm_card_authenticationRequired");
    await setBackupCard(t.db, { orgId: org.id, paymentMethodId: visa, actor: { source: "ui", userId: owner.id } });
    await t.sql`UPDATE auto_recharge_settings SET threshold = ${(await getBalance(t.db, org.id)).available + 1} WHERE org_id = ${org.id}`;
    const r = await maybeTriggerRecharge(t.db, org.id);
    if (!r.created) throw new Error("no attempt");
    const { chargeRechargeAttempt } = await import("@/lib/recharge/charge-attempt");
    expect((await chargeRechargeAttempt(t.db, r.attempt.id)).status).toBe("requires_action");
    expect(await paymentIntentsOf(r.attempt.id)).toHaveLength(1);
  });
});

describe("back-off on declines", () => {
  it("a declined auto-recharge waits an hour (not the next debit) unless the owner presses Retry or changes the card", async () => {
    const { org, owner } = await orgWithDecliningDefault({ backup: false });
    const jobsBefore = h.jobs.length;
    expect((await maybeTriggerRecharge(t.db, org.id)).created).toBe(true);
    expect((await attempts(org.id)).map((a) => a.status)).toEqual(["failed"]);
    const state = await getAutoTopupJson(t.db, org.id);
    expect(state.status).toBe("backing_off");
    const retryAt = new Date(state.next_retry_at!).getTime();
    expect(Math.abs(retryAt - (Date.now() + 3600_000))).toBeLessThan(60_000);
    // the next debit does not retry; a trigger job is queued for when the wait ends
    expect(await maybeTriggerRecharge(t.db, org.id)).toEqual({ created: false, reason: "backing_off" });
    const job = h.jobs.slice(jobsBefore).find((j) => j.name === "recharge.trigger" && j.tx && j.data.orgId === org.id);
    expect(job).toBeDefined();
    // Retry now: one more try at once (declines again: 2 in a row, waiting again)
    expect((await retryAutoRechargeNow(t.db, { orgId: org.id, actor: { source: "ui", userId: owner.id } })).created).toBe(true);
    expect((await attempts(org.id)).map((a) => a.status)).toEqual(["failed", "failed"]);
    expect((await getAutoTopupJson(t.db, org.id)).status).toBe("backing_off");
    // a new default card ends the wait and is tried at once
    await attachTestCard(t.db, org.id, "pm_card_visa");
    // the card change reaches the engine through the customer sync (the attach, or its webhook): wait for the try
    await eventually(async () => (await attempts(org.id)).length === 3, 10_000, "the try on the new card");
    await idle();
    expect((await attempts(org.id)).map((a) => a.status)).toEqual(["failed", "failed", "succeeded"]);
    expect(await getAutoTopupJson(t.db, org.id)).toMatchObject({ status: "active", next_retry_at: null });
    const [s] = await t.sql`SELECT consecutive_failures, retry_not_before FROM auto_recharge_settings WHERE org_id = ${org.id}`;
    expect(s).toMatchObject({ consecutive_failures: 0, retry_not_before: null });
  });
});
