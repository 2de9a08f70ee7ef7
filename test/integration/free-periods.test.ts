import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, resetPlanCredits } from "@/lib/ledger";
import { renewFreePeriods } from "@/lib/plans/free-periods";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const day = 86400_000;

async function freeOrgWithPeriodEnding(resetsAt: Date | null, planCredits: number, topup = 0) {
  const org = await makeOrg(t.db, { planId: "free", topup });
  await resetPlanCredits(t.db, { orgId: org.id, allotment: planCredits, resetsAt, reference: "test", idempotencyKey: "test:free-period" });
  return org;
}

describe("the Free plan's monthly periods (plans.free-periods job)", () => {
  it("a Free org whose period ended gets 100 plan credits until a month later, once; top-up credits stay", async () => {
    const now = new Date();
    const ended = new Date(now.getTime() - day);
    const org = await freeOrgWithPeriodEnding(ended, 37, 250);
    await renewFreePeriods(t.db, now);
    const b = await getBalance(t.db, org.id);
    expect(b).toMatchObject({ planCredits: 100, planAllotment: 100, topupCredits: 250 });
    expect(b.planResetsAt!.getUTCDate()).toBe(ended.getUTCDate());
    expect(b.planResetsAt!.getTime()).toBeGreaterThan(now.getTime() + 25 * day);
    await renewFreePeriods(t.db, now); // the job again, or a second worker: nothing more
    const entries = await t.sql`SELECT kind, delta FROM ledger_entries WHERE org_id = ${org.id} AND kind IN ('plan_grant','plan_expire') ORDER BY id`;
    expect(entries.slice(-2)).toEqual([
      { kind: "plan_expire", delta: -37 },
      { kind: "plan_grant", delta: 100 },
    ]);
    expect(entries).toHaveLength(3);
  });

  it("leaves alone paid orgs, Free orgs whose period still runs, and Free orgs without a period", async () => {
    const now = new Date();
    const paid = await makeOrg(t.db, { planId: "starter" });
    await resetPlanCredits(t.db, { orgId: paid.id, allotment: 5, resetsAt: new Date(now.getTime() - day), reference: "t", idempotencyKey: "t:p" });
    const running = await freeOrgWithPeriodEnding(new Date(now.getTime() + day), 40);
    const none = await freeOrgWithPeriodEnding(null, 0);
    await renewFreePeriods(t.db, now);
    expect((await getBalance(t.db, paid.id)).planCredits).toBe(5);
    expect((await getBalance(t.db, running.id)).planCredits).toBe(40);
    expect((await getBalance(t.db, none.id)).planCredits).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
