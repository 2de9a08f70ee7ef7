import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { appNow, setClockOffsetMs } from "@/lib/clock";
import { debitCredits, getBalance } from "@/lib/ledger";
import { chargeRechargeAttempt } from "@/lib/recharge/charge-attempt";
import { loadAutoRechargeState } from "@/lib/recharge/facts";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { makeBillingOrg } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

// The app clock (lib/clock.ts) decides the month of the monthly cap and the spending limit: no `now` is
// passed anywhere below — the trigger, the facts and the attempt's created_at all read `appNow()`.

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db, { queue: "manual" });
});
afterEach(() => setClockOffsetMs(0));
afterAll(async () => {
  setClockOffsetMs(0);
  await h?.stop();
  await t?.drop();
});

/** `appNow()` reads `iso` now (and runs on from there). */
const setClock = (iso: string) => setClockOffsetMs(Date.parse(iso) - Date.now());

/** A usage debit that takes the available balance below the threshold (a crossing), then the trigger it runs. */
async function cross(orgId: string) {
  const available = (await getBalance(t.db, orgId)).available;
  await t.sql`UPDATE auto_recharge_settings SET threshold = ${available} WHERE org_id = ${orgId}`;
  await debitCredits(t.db, orgId, [{ quantity: 1 }]);
  const r = await maybeTriggerRecharge(t.db, orgId);
  if (r.created) await chargeRechargeAttempt(t.db, r.attempt.id, { retryDelaysMs: [] });
  return r;
}

describe("the app clock across a month boundary", () => {
  it("an org paused by its monthly cap on Jan 31 23:59:50 recharges at the next crossing on Feb 1 00:00:05", async () => {
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1, max: 1 } });
    setClock("2027-01-31T23:59:50Z");
    const first = await cross(org.id);
    expect(first.created).toBe(true);
    const [a] = await t.sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, status FROM recharge_attempts WHERE org_id = ${org.id}`;
    expect(a!.status).toBe("succeeded");
    // written from the app clock, not the database's now()
    expect(a!.at).toBe("2027-01-31 23:59");

    expect(await cross(org.id)).toEqual({ created: false, reason: "paused_monthly_cap" });
    expect((await loadAutoRechargeState(t.db, org.id)).status).toBe("paused_monthly_cap");

    setClock("2027-02-01T00:00:05Z");
    expect(appNow().toISOString().slice(0, 10)).toBe("2027-02-01");
    const state = await loadAutoRechargeState(t.db, org.id);
    expect(state.window.key).toBe("2027-02");
    expect(state.month.recharges).toBe(0);
    expect((await cross(org.id)).created).toBe(true);
    const months = await t.sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS m, status FROM recharge_attempts
      WHERE org_id = ${org.id} ORDER BY created_at`;
    expect(months.map((r) => `${r.m}:${r.status}`)).toEqual(["2027-01:succeeded", "2027-02:succeeded"]);
  });

  it("an org paused by its spending limit on Jan 31 recharges again on Feb 1; the alert is once per month", async () => {
    // one Starter pack is $20.00: the $20.00 limit allows one recharge a month
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1, max: 10, limitCents: 2000 } });
    setClock("2027-01-31T23:59:50Z");
    expect((await cross(org.id)).created).toBe(true);
    expect(await cross(org.id)).toEqual({ created: false, reason: "paused_spending_limit" });
    setClock("2027-02-01T00:00:05Z");
    expect((await cross(org.id)).created).toBe(true);
    expect(await cross(org.id)).toEqual({ created: false, reason: "paused_spending_limit" });
    const alerts = await t.sql`SELECT split_part(dedupe_key, ':', 2) AS month FROM outgoing_emails
      WHERE org_id = ${org.id} AND kind = 'spending_alert' ORDER BY dedupe_key`;
    expect(alerts.map((r) => r.month)).toEqual(["2027-01", "2027-02"]);
  });
});
