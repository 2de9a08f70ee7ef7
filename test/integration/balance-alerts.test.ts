import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships } from "@/db/schema";
import { alertGateLoadsIdle, alertsAfterDebit } from "@/lib/alerts/alert-gate";
import { saveBalanceAlertSettings } from "@/lib/alerts/alert-settings";
import { checkBalanceAlerts } from "@/lib/alerts/check-alerts";
import { sweepBalanceAlerts } from "@/lib/alerts/sweep-alerts";
import { ALERT_MIN_INTERVAL_MS } from "@/lib/billing/balance-alerts";
import { resetEnvCache } from "@/lib/env";
import { runJob } from "@/lib/jobs/handlers";
import { handOffsIdle, setJobSender, type JobName } from "@/lib/jobs/queue";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { afterDebitFlush } from "@/lib/usage/after-debit";
import { creditTopup, debitCredits } from "@/lib/ledger";
import { createUser } from "@/lib/orgs/create-user";
import { eventually } from "../support/billing-harness";
import { makeOrg } from "../support/factories";
import { parseMail } from "../support/mime";
import { startSmtpSink } from "../support/smtp-sink";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const handOffs: { name: JobName; data: Record<string, unknown> }[] = [];
beforeAll(async () => {
  t = await createTestDb();
  smtp = await startSmtpSink();
  Object.assign(process.env, { SMTP_URL: smtp.url, APP_URL: "http://app.test" });
  resetEnvCache();
  // durable jobs are only recorded; hand-offs (email delivery, alerts.check) run in this process (handOffsIdle waits)
  setJobSender({
    send: async () => {},
    handOff: async (db, name, data) => {
      handOffs.push({ name, data });
      await runJob(db ?? t.db, name, data);
    },
  });
});
afterAll(async () => {
  setJobSender(null);
  await smtp?.stop();
  await t?.drop();
});

async function orgWithOwner(opts: { topup: number; thresholds?: number[]; recipients?: string[] }) {
  const org = await makeOrg(t.db, { topup: opts.topup });
  const owner = await createUser(t.db, { email: `owner-${org.slug}@example.test`, name: "Owner", password: "password-123" });
  await t.db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
  if (opts.thresholds) await saveBalanceAlertSettings(t.db, { orgId: org.id, input: { thresholds: opts.thresholds, recipients: opts.recipients ?? [] } });
  return { org, owner };
}
const eventsOf = (orgId: string) => t.sql`SELECT type, data, dedupe_key FROM outgoing_events WHERE org_id = ${orgId} ORDER BY created_at, id`;
const emailsOf = (orgId: string) => t.sql`SELECT kind, "to", subject, status FROM outgoing_emails WHERE org_id = ${orgId} ORDER BY created_at, "to"`;

describe("low-balance alerts", () => {
  it("200 concurrent usage debits through group commit crossing a threshold fire exactly one alert: one event, one email per recipient", async () => {
    const { org, owner } = await orgWithOwner({ topup: 300, thresholds: [150], recipients: ["finance@acme.test"] });
    const coalescer = createDebitCoalescer(t.db, { afterFlush: (orgId, flush) => afterDebitFlush(t.db, orgId, flush) });
    const results = await Promise.all(Array.from({ length: 200 }, () => coalescer.debit(org.id, [{ quantity: 1 }])));
    expect(results.flat().every((r) => r.ok)).toBe(true);
    await coalescer.idle();
    await alertGateLoadsIdle(); // this process's first look at the org's alerts (two reads)…
    await handOffsIdle(); // the alert checks handed off by the flushes, and their follow-ups
    const low = (await eventsOf(org.id)).filter((e) => e.type === "balance.low");
    expect(low).toHaveLength(1);
    expect(low[0]!.data).toMatchObject({ threshold: 150, held: 0, grace: 0, overdraft: 0 });
    expect(low[0]!.data.available).toBeLessThanOrEqual(150);
    const mails = (await emailsOf(org.id)).filter((m) => m.kind === "balance_low");
    expect(mails.map((m) => m.to).sort()).toEqual(["finance@acme.test", owner.email].sort());
  }, 120_000);

  it("exactly once per crossing; recovery re-arms (balance.recovered); a second crossing inside the hour waits for the hour", async () => {
    const { org } = await orgWithOwner({ topup: 300, thresholds: [150] });
    const t0 = new Date();
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        await debitCredits(t.db, org.id, [{ quantity: 1 }]);
        await checkBalanceAlerts(t.db, org.id, t0);
      }),
    );
    let events = await eventsOf(org.id);
    expect(events.map((e) => e.type)).toEqual(["balance.low"]);
    expect(events[0]!.data).toMatchObject({ threshold: 150, held: 0, grace: 0, overdraft: 0 });
    expect(events[0]!.data.available).toBeLessThanOrEqual(150); // the balance the firing check read
    expect((await emailsOf(org.id)).filter((m) => m.kind === "balance_low")).toHaveLength(1);

    // a credit (recharge, checkout, plan reset) recovers above the threshold: re-armed
    await creditTopup(t.db, { orgId: org.id, credits: 100, kind: "adjustment", reference: "t", idempotencyKey: "t:1" });
    expect((await checkBalanceAlerts(t.db, org.id, new Date(t0.getTime() + 60_000))).rearmed).toEqual([150]);
    events = await eventsOf(org.id);
    expect(events.map((e) => e.type)).toEqual(["balance.low", "balance.recovered"]);
    expect(events[1]!.data).toMatchObject({ threshold: 150, available: 200 });

    // below again 10 minutes after the first alert: held back (armed), nothing sent
    await debitCredits(t.db, org.id, [{ quantity: 100 }]);
    const held = await checkBalanceAlerts(t.db, org.id, new Date(t0.getTime() + 10 * 60_000));
    expect(held.fired).toEqual([]);
    expect((await eventsOf(org.id)).map((e) => e.type)).toEqual(["balance.low", "balance.recovered"]);
    // an hour after the first alert, still low: it fires (once, whatever the concurrency)
    const later = new Date(t0.getTime() + ALERT_MIN_INTERVAL_MS + 1000);
    await Promise.all(Array.from({ length: 20 }, () => checkBalanceAlerts(t.db, org.id, later)));
    expect((await eventsOf(org.id)).map((e) => e.type)).toEqual(["balance.low", "balance.recovered", "balance.low"]);
    expect((await emailsOf(org.id)).filter((m) => m.kind === "balance_low")).toHaveLength(2);
  }, 120_000);

  it("balance.depleted when nothing is left (available ≤ 0), besides the low alert", async () => {
    const { org } = await orgWithOwner({ topup: 50, thresholds: [40] });
    await debitCredits(t.db, org.id, [{ quantity: 50 }]);
    const r = await checkBalanceAlerts(t.db, org.id);
    expect(r.fired.map((f) => f.type).sort()).toEqual(["balance.depleted", "balance.low"]);
    const events = await eventsOf(org.id);
    expect(events.find((e) => e.type === "balance.depleted")!.data).toMatchObject({ threshold: 0, available: 0 });
    expect((await emailsOf(org.id)).map((m) => m.kind).sort()).toEqual(["balance_depleted", "balance_low"]);
  });

  it("recipients receive the alert over real SMTP, with the balance and a link to the org's Billing page", async () => {
    const { org, owner } = await orgWithOwner({ topup: 120, thresholds: [100, 20], recipients: ["ap@globex-finance.test"] });
    await debitCredits(t.db, org.id, [{ quantity: 25 }]);
    await checkBalanceAlerts(t.db, org.id);
    for (const to of ["ap@globex-finance.test", owner.email]) {
      const raw = await eventually(async () => smtp.messages.find((m) => m.to.includes(to) && m.raw.includes("Low balance")));
      const mail = parseMail(raw.raw);
      expect(mail.subject).toBe(`Low balance: 95 credits left for ${org.name}`);
      expect(mail.text).toContain("Available balance: 95 credits");
      expect(mail.text).toContain("Alert threshold: 100 credits");
      expect(mail.text).toContain(`Manage billing: http://app.test/${org.slug}/settings/billing`);
      expect(mail.html).toContain(`href="http://app.test/${org.slug}/settings/billing"`);
    }
    expect((await emailsOf(org.id)).every((m) => m.status === "sent")).toBe(true);
  });

  it("defaults: 10 % of the plan allotment without auto-recharge (Starter: 200)", async () => {
    const { org } = await orgWithOwner({ topup: 201 });
    expect((await checkBalanceAlerts(t.db, org.id)).fired).toEqual([]);
    await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    expect((await checkBalanceAlerts(t.db, org.id)).fired).toEqual([{ threshold: 200, type: "balance.low" }]);
  });

  it("the debit path's gate: no check above the armed thresholds, one hand-off at or below", async () => {
    const { org } = await orgWithOwner({ topup: 500, thresholds: [100] });
    await checkBalanceAlerts(t.db, org.id); // fills this process's gate (level 100)
    const before = handOffs.filter((h) => h.name === "alerts.check").length;
    alertsAfterDebit(t.db, org.id, 400);
    alertsAfterDebit(t.db, org.id, 101);
    expect(handOffs.filter((h) => h.name === "alerts.check").length).toBe(before);
    await debitCredits(t.db, org.id, [{ quantity: 420 }]);
    alertsAfterDebit(t.db, org.id, 80);
    await handOffsIdle();
    expect((await eventsOf(org.id)).map((e) => e.type)).toEqual(["balance.low"]);
    expect(handOffs.filter((h) => h.name === "alerts.check").length).toBe(before + 1);
  });

  it("the sweep finds a crossing whose check never ran (crash after the debit's commit) and a recovery", async () => {
    const { org } = await orgWithOwner({ topup: 300, thresholds: [250] });
    await debitCredits(t.db, org.id, [{ quantity: 100 }]); // no check ran
    await sweepBalanceAlerts(t.db);
    expect((await eventsOf(org.id)).map((e) => e.type)).toEqual(["balance.low"]);
    await creditTopup(t.db, { orgId: org.id, credits: 100, kind: "adjustment", reference: "t", idempotencyKey: "t:sweep" }); // no check ran
    await sweepBalanceAlerts(t.db);
    expect((await eventsOf(org.id)).map((e) => e.type)).toEqual(["balance.low", "balance.recovered"]);
    const second = await sweepBalanceAlerts(t.db);
    expect((await eventsOf(org.id)).map((e) => e.type)).toEqual(["balance.low", "balance.recovered"]); // nothing new
    expect(second).toBeGreaterThanOrEqual(0);
  });
});
