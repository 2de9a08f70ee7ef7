import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The real route handlers against a real database: set DATABASE_URL before they open the shared pool.
let t: TestDb;
let usage: typeof import("@/app/api/v1/usage/route");
let balance: typeof import("@/app/api/v1/balance/route");
let orgId: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  usage = await import("@/app/api/v1/usage/route");
  balance = await import("@/app/api/v1/balance/route");
  const org = await makeOrg(t.db, { plan: 10, topup: 5 });
  orgId = org.id;
  keys.usage = (await createApiKey(t.db, orgId, null, { name: "usage", scopes: ["usage:write"] })).secret;
  keys.read = (await createApiKey(t.db, orgId, null, { name: "read", scopes: ["billing:read"] })).secret;
  const revoked = await createApiKey(t.db, orgId, null, { name: "revoked", scopes: ["usage:write"] });
  await revokeApiKey(t.db, orgId, revoked.id);
  keys.revoked = revoked.secret;
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

function post(body: unknown, key: string | null = keys.usage!, raw = false) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  return usage.POST(new Request("http://x/api/v1/usage", { method: "POST", headers, body: raw ? (body as string) : JSON.stringify(body) }));
}

describe("POST /api/v1/usage", () => {
  it("200 with the id, quantity and the balance after the debit", async () => {
    const res = await post({ quantity: 12, idempotency_key: "a" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ quantity: 12, balance: { plan_credits: 0, topup_credits: 3, total: 3 } });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await post({ quantity: 12, idempotency_key: "a" });
    expect(await again.json()).toEqual(body);
  });

  it("402 insufficient_credits when the total is short, and nothing is debited", async () => {
    const res = await post({ quantity: 4 });
    expect(res.status).toBe(402);
    expect((await res.json()).error).toMatchObject({ code: "insufficient_credits", message: expect.stringContaining("Insufficient credits") });
    const b = await balance.GET(new Request("http://x/api/v1/balance", { headers: { authorization: `Bearer ${keys.read}` } }));
    expect(await b.json()).toEqual({ plan_credits: 0, topup_credits: 3, total: 3 });
  });

  it.each([
    { name: "missing key", key: null },
    { name: "unknown key", key: "rfk_nope" },
    { name: "revoked key", key: "revoked" },
  ])("401 for a $name", async ({ key }) => {
    const res = await post({ quantity: 1 }, key === "revoked" ? keys.revoked! : key);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("403 for a key without usage:write", async () => {
    const res = await post({ quantity: 1 }, keys.read!);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });

  it.each([
    { body: {}, field: "quantity" },
    { body: { quantity: 0 }, field: "quantity" },
    { body: { quantity: 1.5 }, field: "quantity" },
    { body: { quantity: 1_000_001 }, field: "quantity" },
    { body: { quantity: "3" }, field: "quantity" },
    { body: { quantity: 1, idempotency_key: "x".repeat(256) }, field: "idempotency_key" },
    { body: { quantity: 1, extra: true }, field: "body" },
  ])("422 with a field-level message for $body", async ({ body, field }) => {
    const res = await post(body);
    expect(res.status).toBe(422);
    const err = (await res.json()).error;
    expect(err.code).toBe("invalid_request");
    expect(Object.keys(err.fields)).toContain(field);
  });

  it("422 for a body that is not JSON", async () => {
    const res = await post("{nope", keys.usage!, true);
    expect(res.status).toBe(422);
  });
});

describe("GET /api/v1/balance", () => {
  it("answers for billing:read and usage:write keys, 401 without a key", async () => {
    for (const key of [keys.read, keys.usage]) {
      const res = await balance.GET(new Request("http://x/api/v1/balance", { headers: { authorization: `Bearer ${key}` } }));
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveProperty("total");
    }
    expect((await balance.GET(new Request("http://x/api/v1/balance"))).status).toBe(401);
  });
});

describe("POST /api/v1/usage/batch", () => {
  let batch: typeof import("@/app/api/v1/usage/batch/route");
  let key: string;
  beforeAll(async () => {
    batch = await import("@/app/api/v1/usage/batch/route");
    const org = await makeOrg(t.db, { plan: 5, topup: 5 });
    key = (await createApiKey(t.db, org.id, null, { name: "batch", scopes: ["usage:write"] })).secret;
  });
  const send = (body: unknown, k = key) =>
    batch.POST(new Request("http://x/api/v1/usage/batch", { method: "POST", headers: { authorization: `Bearer ${k}`, "content-type": "application/json" }, body: JSON.stringify(body) }));

  it("answers each event in order with the single endpoint's semantics", async () => {
    const res = await send({ events: [{ quantity: 4 }, { quantity: 7 }, { quantity: 3, idempotency_key: "b1" }, { quantity: 3, idempotency_key: "b1" }] });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([200, 402, 200, 200]);
    expect(results[0].balance).toEqual({ plan_credits: 1, topup_credits: 5, total: 6 });
    expect(results[1].error.code).toBe("insufficient_credits");
    expect(results[2].balance.total).toBe(3);
    expect(results[3].id).toBe(results[2].id);
  });

  it("422 and nothing applied when one event is invalid", async () => {
    const res = await send({ events: [{ quantity: 1 }, { quantity: -1 }] });
    expect(res.status).toBe(422);
    expect((await res.json()).error.fields).toHaveProperty(["events.1.quantity"]);
    const again = await send({ events: [{ quantity: 3 }] });
    expect((await again.json()).results[0].balance.total).toBe(0);
  });

  it("422 for an empty or oversized batch", async () => {
    expect((await send({ events: [] })).status).toBe(422);
    expect((await send({ events: Array.from({ length: 1001 }, () => ({ quantity: 1 })) })).status).toBe(422);
  });
});
