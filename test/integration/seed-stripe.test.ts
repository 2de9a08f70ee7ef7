import { afterAll, beforeAll, expect, it } from "vitest";
import { getAutoRechargeOverview, getDefaultCard, getPlanSummary } from "@/lib/queries/billing";
import { saveAutoRechargeSettings } from "@/lib/recharge/save-settings";
import { orgIdBySlug, seedDemo } from "@/lib/seed/seed-demo";
import { seedStripe } from "@/lib/seed/seed-stripe";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
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

it("seeds Acme on Starter with a Visa default card (auto-recharge can be enabled at once), Globex on Free without a card; idempotent", async () => {
  await seedDemo(t.db);
  await seedStripe(t.db);
  await seedStripe(t.db);
  const acme = (await orgIdBySlug(t.db, "acme"))!;
  const globex = (await orgIdBySlug(t.db, "globex"))!;
  expect(await getDefaultCard(t.db, acme)).toMatchObject({ brand: "visa", last4: "4242" });
  expect((await getPlanSummary(t.db, acme)).subscription).toMatchObject({ status: "active" });
  expect((await getPlanSummary(t.db, acme)).plan.id).toBe("starter");
  expect(await t.sql`SELECT count(*)::int AS n FROM subscriptions WHERE org_id = ${acme}`).toEqual([{ n: 1 }]);
  expect(await getDefaultCard(t.db, globex)).toBeNull();
  expect((await getPlanSummary(t.db, globex)).plan.id).toBe("free");
  expect((await getAutoRechargeOverview(t.db, globex)).status).toBe("not_available_on_plan");
  expect((await getAutoRechargeOverview(t.db, acme)).status).toBe("off");
  const r = await saveAutoRechargeSettings(t.db, {
    orgId: acme,
    input: { enabled: true, threshold: 100, rechargePacks: 1, maxRechargesPerMonth: 10 },
    actor: { source: "ui" },
    consent: { given: true },
  });
  expect(r).toMatchObject({ ok: true, message: "Auto-recharge settings updated." });
  expect((await getAutoRechargeOverview(t.db, acme)).status).toBe("active");
});
