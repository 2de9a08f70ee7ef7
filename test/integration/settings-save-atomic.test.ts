import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { autoRechargeSettings, autoRechargeSettingsChanges } from "@/db/schema";
import { applySettings } from "@/lib/recharge/save-settings";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The Billing page's auto-recharge form saves its settings and its spending limit together
// (saveAutoRechargeAction → applySettings with `limit`): a refused enable stores nothing at all.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const form = { enabled: true, threshold: 100, rechargePacks: 1, maxRechargesPerMonth: 5 };
const actor = { source: "ui" as const };

async function stored(orgId: string) {
  const settings = await t.db.select().from(autoRechargeSettings).where(eq(autoRechargeSettings.orgId, orgId));
  const audit = await t.db.select().from(autoRechargeSettingsChanges).where(eq(autoRechargeSettingsChanges.orgId, orgId));
  return { settings, audit };
}

describe("a refused settings save writes nothing", () => {
  it("a Free org enabling auto-recharge with a spending limit: refused, no settings row, no audit row", async () => {
    const org = await makeOrg(t.db, { planId: "free" });
    const r = await applySettings(t.db, { org, next: form, limit: { monthlyLimitCents: 5000, alertPercent: 80 }, actor });
    expect(r).toMatchObject({ ok: false, code: "not_available_on_plan" });
    expect(await stored(org.id)).toEqual({ settings: [], audit: [] });
  });

  it("a paid-plan org without a subscription: refused (needs_subscription), nothing stored", async () => {
    const org = await makeOrg(t.db, { planId: "starter" });
    const r = await applySettings(t.db, { org, next: { ...form, threshold: 200 }, limit: { monthlyLimitCents: 10_000, alertPercent: 50 }, actor });
    expect(r).toMatchObject({ ok: false, code: "needs_subscription" });
    expect(await stored(org.id)).toEqual({ settings: [], audit: [] });
  });

  it("an accepted save stores settings and limit together, with one audit row", async () => {
    const org = await makeOrg(t.db, { planId: "starter" });
    const r = await applySettings(t.db, { org, next: { ...form, enabled: false }, limit: { monthlyLimitCents: 5000, alertPercent: 70 }, actor });
    expect(r.ok).toBe(true);
    const { settings, audit } = await stored(org.id);
    expect(settings).toHaveLength(1);
    expect(settings[0]).toMatchObject({ enabled: false, threshold: 100, spendingLimitCents: 5000, spendingAlertPercent: 70 });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ threshold: 100, spendingLimitCents: 5000, spendingAlertPercent: 70 });
  });
});
