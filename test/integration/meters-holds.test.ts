import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// Holds with meters (#15): the meter, rate and properties are fixed at create; the capture is in the meter's unit.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

async function newOrg() {
  const org = await makeOrg(t.db, { topup: 10_000, planId: "starter" });
  const { secret } = await createApiKey(t.db, org.id, null, { name: "k", scopes: ["usage:write", "billing:read"] });
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const holds = await import("@/app/api/v1/holds/route");
  const capture = await import("@/app/api/v1/holds/[id]/capture/route");
  const summary = await import("@/app/api/v1/usage/summary/route");
  return {
    create: (body: unknown) => holds.POST(new Request("http://x/api/v1/holds", { method: "POST", headers, body: JSON.stringify(body) })),
    capture: (id: string, body: unknown) =>
      capture.POST(new Request(`http://x/api/v1/holds/${id}/capture`, { method: "POST", headers, body: JSON.stringify(body) }), {
        params: Promise.resolve({ id }),
      }),
    summary: async (qs: string) => (await summary.GET(new Request(`http://x/api/v1/usage/summary?${qs}`, { headers }))).json(),
  };
}

describe("holds with meters", () => {
  it("holds units × the plan's rate and captures in the meter's unit at that rate, counted per meter and property", async () => {
    const o = await newOrg();
    const res = await o.create({ meter: "minute.premium", quantity: 10, properties: { campaign_id: "c9" } });
    expect(res.status).toBe(202);
    const hold = await res.json();
    expect(hold).toMatchObject({ quantity: 80, meter: "minute.premium", rate: 8, units: 10, properties: { campaign_id: "c9" }, balance: { held: 80 } });
    const cap = await o.capture(hold.id, { quantity: 12 }); // more than held: fits the balance
    expect(cap.status).toBe(200);
    expect(await cap.json()).toMatchObject({ status: "captured", captured_quantity: 96, captured_units: 12, balance: { total: 10_000 - 96, held: 0 } });
    const byMeter = await o.summary("group_by=meter&granularity=hour");
    expect(byMeter.groups).toEqual([expect.objectContaining({ group: "minute.premium", units: 12, credits: 96, events: 1 })]);
    const byCampaign = await o.summary("group_by=property:campaign_id");
    expect(byCampaign.groups).toEqual([expect.objectContaining({ group: "c9", credits: 96 })]);
  });

  it.each([
    [{ meter: "minute.gold", quantity: 1 }, "meter"],
    [{ quantity: 1, properties: { a: "x".repeat(201) } }, "properties.a"],
    [{ meter: "minute.premium", quantity: 200_000 }, "quantity"], // 1,600,000 credits: over a hold's 1,000,000
  ])("422 for %j, nothing held", async (body, field) => {
    const o = await newOrg();
    const res = await o.create(body);
    expect(res.status).toBe(422);
    expect(Object.keys((await res.json()).error.fields)).toEqual([field]);
  });
});
