import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { ledgerCsvStream } from "@/lib/queries/ledger-csv";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// Meters and rate cards (#15) through the real route handlers on a real database: credits = units × the plan's
// rate, the default meter unchanged, 422s that change nothing, replays, the summary from the rollups, the CSV.
let t: TestDb;
let usage: typeof import("@/app/api/v1/usage/route");
let batch: typeof import("@/app/api/v1/usage/batch/route");
let summary: typeof import("@/app/api/v1/usage/summary/route");
let balanceRoute: typeof import("@/app/api/v1/balance/route");

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  usage = await import("@/app/api/v1/usage/route");
  batch = await import("@/app/api/v1/usage/batch/route");
  summary = await import("@/app/api/v1/usage/summary/route");
  balanceRoute = await import("@/app/api/v1/balance/route");
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

async function newOrg(planId: "starter" | "pro" = "starter", topup = 10_000) {
  const org = await makeOrg(t.db, { topup, planId });
  const { secret } = await createApiKey(t.db, org.id, null, { name: "k", scopes: ["usage:write", "billing:read"] });
  const auth = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  return {
    org,
    secret,
    post: (body: unknown) => usage.POST(new Request("http://x/api/v1/usage", { method: "POST", headers: auth, body: JSON.stringify(body) })),
    postBatch: (events: unknown[]) =>
      batch.POST(new Request("http://x/api/v1/usage/batch", { method: "POST", headers: auth, body: JSON.stringify({ events }) })),
    summary: (qs: string) => summary.GET(new Request(`http://x/api/v1/usage/summary?${qs}`, { headers: auth })),
    total: async () => (await (await balanceRoute.GET(new Request("http://x/api/v1/balance", { headers: auth }))).json()).total as number,
  };
}

describe("POST /api/v1/usage with meters", () => {
  it("debits a meter at its plan's rate and says so (Starter Premium 8, Pro Basic 6)", async () => {
    const starter = await newOrg("starter");
    const res = await starter.post({ meter: "minute.premium", quantity: 7, properties: { agent_id: "a1" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ quantity: 56, meter: "minute.premium", units: 7, credits: 56, rate: 8, balance: { total: 10_000 - 56 } });
    const pro = await newOrg("pro");
    expect(await (await pro.post({ meter: "minute.basic", quantity: 10 })).json()).toMatchObject({ meter: "minute.basic", units: 10, credits: 60, rate: 6 });
    expect(await pro.total()).toBe(10_000 - 60);
  });

  it("without a meter: the default meter, 1 credit per unit, the existing fields unchanged", async () => {
    const o = await newOrg();
    const body = await (await o.post({ quantity: 3 })).json();
    expect(body).toMatchObject({ quantity: 3, meter: "call", units: 3, credits: 3, rate: 1, balance: { total: 9_997 } });
    expect(Object.keys(body)).toEqual(expect.arrayContaining(["id", "quantity", "balance"]));
  });

  it("an idempotent replay returns the same meter, units and credits, debited once", async () => {
    const o = await newOrg();
    const first = await (await o.post({ meter: "minute.basic", quantity: 4, idempotency_key: "r1" })).json();
    const again = await (await o.post({ meter: "minute.basic", quantity: 4, idempotency_key: "r1" })).json();
    expect(again).toEqual(first);
    expect(first).toMatchObject({ meter: "minute.basic", units: 4, credits: 20, rate: 5 });
    expect(await o.total()).toBe(10_000 - 20);
  });

  const elevenKeys = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
  it.each([
    { name: "an unknown meter", body: { meter: "minute.gold", quantity: 1 }, field: "meter", message: "call, request, minute.basic, minute.premium" },
    { name: "11 property keys", body: { quantity: 1, properties: elevenKeys }, field: "properties", message: "at most 10 keys" },
    { name: "a property value over 200 characters", body: { quantity: 1, properties: { a: "x".repeat(201) } }, field: "properties.a", message: "200" },
    { name: "a non-string property value", body: { quantity: 1, properties: { a: 5 } }, field: "properties.a", message: "strings" },
    {
      name: "a timestamp 25 h ago",
      body: { quantity: 1, timestamp: new Date(Date.now() - 25 * 3_600_000).toISOString() },
      field: "timestamp",
      message: "24 hours",
    },
    {
      name: "a timestamp 10 min ahead",
      body: { quantity: 1, timestamp: new Date(Date.now() + 600_000).toISOString() },
      field: "timestamp",
      message: "5 minutes",
    },
    { name: "a timestamp that is not ISO 8601", body: { quantity: 1, timestamp: "yesterday" }, field: "timestamp", message: "ISO 8601" },
  ])("422 for $name, naming the field, and nothing debited", async ({ body, field, message }) => {
    const o = await newOrg();
    const res = await o.post(body);
    expect(res.status).toBe(422);
    const err = (await res.json()).error;
    expect(err.code).toBe("invalid_request");
    expect(JSON.stringify(err.fields[field])).toContain(message);
    expect(await o.total()).toBe(10_000);
  });

  it("accepts a timestamp within the window and properties at the limits", async () => {
    const o = await newOrg();
    const props = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "v".repeat(200)]));
    const res = await o.post({ quantity: 1, timestamp: new Date(Date.now() - 23 * 3_600_000).toISOString(), properties: props });
    expect(res.status).toBe(200);
  });

  it("a batch with one bad event beside good ones → 422 naming it, nothing applied; a good batch debits each at its rate", async () => {
    const o = await newOrg();
    const bad = await o.postBatch([{ quantity: 1 }, { meter: "nope", quantity: 1 }, { meter: "minute.premium", quantity: 2 }]);
    expect(bad.status).toBe(422);
    expect(Object.keys((await bad.json()).error.fields)).toEqual(["events.1.meter"]);
    expect(await o.total()).toBe(10_000);
    const good = await o.postBatch([{ quantity: 1 }, { meter: "minute.premium", quantity: 2, properties: { campaign_id: "c1" } }]);
    expect((await good.json()).results.map((r: { credits: number; meter: string }) => [r.meter, r.credits])).toEqual([
      ["call", 1],
      ["minute.premium", 16],
    ]);
    expect(await o.total()).toBe(10_000 - 17);
  });
});

describe("GET /api/v1/usage/summary", () => {
  it("by meter: units, credits and events per meter, from the rollups", async () => {
    const o = await newOrg();
    await o.postBatch([{ quantity: 2 }, { meter: "minute.basic", quantity: 3 }, { meter: "minute.basic", quantity: 1 }]);
    const res = await o.summary("group_by=meter&granularity=hour");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.groups).toEqual([
      { group: "minute.basic", name: "Basic minutes", is_other: false, units: 4, credits: 20, events: 2 },
      { group: "call", name: "Answered calls", is_other: false, units: 2, credits: 2, events: 1 },
    ]);
    const last = body.buckets.at(-1);
    expect(last.values).toEqual([
      { group: "minute.basic", units: 4, credits: 20, events: 2 },
      { group: "call", units: 2, credits: 2, events: 1 },
    ]);
  });

  it("by property: the top 10 values by credits + other", async () => {
    const o = await newOrg();
    // agent a0..a11: agent a_i uses i+1 credits → the top 10 are a11..a2; a1 and a0 fold into other (1 + 2)
    await o.postBatch(Array.from({ length: 12 }, (_, i) => ({ quantity: i + 1, properties: { agent_id: `a${i}` } })));
    await o.post({ quantity: 50 }); // no agent_id: not in the agent breakdown
    const body = await (await o.summary("group_by=property:agent_id&granularity=day")).json();
    expect(body.groups.map((g: { group: string; credits: number }) => [g.group, g.credits])).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [`a${11 - i}`, 12 - i]),
      ["other", 3],
    ]);
    expect(body.groups.at(-1)).toMatchObject({ is_other: true, events: 2 });
  });

  it.each([
    ["group_by=agent", "group_by"],
    ["granularity=week", "granularity"],
    ["from=yesterday", "from"],
    ["from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from"],
    ["from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&granularity=hour", "to"],
  ])("422 for %s", async (qs, field) => {
    const o = await newOrg();
    const res = await o.summary(qs);
    expect(res.status).toBe(422);
    expect(Object.keys((await res.json()).error.fields)).toContain(field);
  });
});

it("the Node.js ingestion path (what `npm start` serves) prices meters the same way", async () => {
  const { createServer } = await import("node:http");
  const { handleIngestRequest } = await import("@/lib/http/ingest-handler");
  const server = createServer((req, res) => {
    if (!handleIngestRequest(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const o = await newOrg("pro");
    const { port } = server.address() as import("node:net").AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ meter: "minute.premium", quantity: 2, properties: { model: "v2" } }),
    });
    expect(await res.json()).toMatchObject({ meter: "minute.premium", units: 2, credits: 22, rate: 11 });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it("the ledger CSV carries each usage entry's meter and properties", async () => {
  const o = await newOrg();
  await o.post({ meter: "minute.premium", quantity: 1, properties: { agent_id: "a,1" } });
  await o.post({ quantity: 1 });
  const text = await new Response(ledgerCsvStream(t.db, o.org.id)).text();
  const lines = text.trim().split("\n");
  expect(lines[0]!.endsWith(",meter,properties")).toBe(true);
  expect(lines[1]).toMatch(/,usage,topup,-1,\d+,[0-9a-f-]{36},call,$/);
  expect(lines[2]).toMatch(/,usage,topup,-8,\d+,[0-9a-f-]{36},minute\.premium,"\{""agent_id"":""a,1""\}"$/);
  expect(lines[3]).toMatch(/,adjustment,topup,10000,10000,.*,,$/);
});
