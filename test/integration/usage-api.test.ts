import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The usage endpoints against a real database, through both ways they are served: the Next.js route
// handlers (app/api/v1/usage) and the lean Node.js ingestion server (lib/http, what `npm start` runs).
// DATABASE_URL is set before either opens the shared pool.
let t: TestDb;
let balance: typeof import("@/app/api/v1/balance/route");
let server: Server;
let serverUrl: string;

type Path = "/api/v1/usage" | "/api/v1/usage/batch";
interface Transport {
  name: string;
  post(path: Path, body: string, key: string | null): Promise<Response>;
}

const transports: Transport[] = [
  {
    name: "Next.js route handlers",
    async post(path, body, key) {
      const route = path === "/api/v1/usage" ? await import("@/app/api/v1/usage/route") : await import("@/app/api/v1/usage/batch/route");
      return route.POST(new Request(`http://x${path}`, { method: "POST", headers: headers(key), body }));
    },
  },
  {
    name: "the Node.js ingestion server",
    post: (path, body, key) => fetch(`${serverUrl}${path}`, { method: "POST", headers: headers(key), body }),
  },
];

function headers(key: string | null): Record<string, string> {
  return { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) };
}

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  balance = await import("@/app/api/v1/balance/route");
  const { handleIngestRequest } = await import("@/lib/http/ingest-handler");
  server = createServer((req, res) => {
    if (!handleIngestRequest(req, res)) res.writeHead(404).end("not an ingestion route");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

describe.each(transports)("POST /api/v1/usage through $name", (transport) => {
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    const org = await makeOrg(t.db, { plan: 10, topup: 5 });
    keys.usage = (await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] })).secret;
    keys.read = (await createApiKey(t.db, org.id, null, { name: "read", scopes: ["billing:read"] })).secret;
    const revoked = await createApiKey(t.db, org.id, null, { name: "revoked", scopes: ["usage:write"] });
    await revokeApiKey(t.db, org.id, revoked.id);
    keys.revoked = revoked.secret;
  });
  const post = (body: unknown, key: string | null = keys.usage!, raw = false) =>
    transport.post("/api/v1/usage", raw ? (body as string) : JSON.stringify(body), key);

  it("200 with the id, quantity and the balance after the debit; a replayed key returns the same body", async () => {
    const res = await post({ quantity: 12, idempotency_key: "a" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ quantity: 12, balance: { plan_credits: 0, topup_credits: 3, total: 3, held: 0, grace: 0, overdraft: 0, available: 3 } });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await post({ quantity: 12, idempotency_key: "a" });
    expect(await again.json()).toEqual(body);
  });

  it("402 insufficient_credits when the total is short, and nothing is debited", async () => {
    const res = await post({ quantity: 4 });
    expect(res.status).toBe(402);
    expect((await res.json()).error).toMatchObject({ code: "insufficient_credits", message: expect.stringContaining("Insufficient credits") });
    const b = await balance.GET(new Request("http://x/api/v1/balance", { headers: { authorization: `Bearer ${keys.read}` } }));
    expect(await b.json()).toEqual({ plan_credits: 0, topup_credits: 3, total: 3, held: 0, grace: 0, overdraft: 0, available: 3 });
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

describe.each(transports)("POST /api/v1/usage/batch through $name", (transport) => {
  let key: string;
  beforeAll(async () => {
    const org = await makeOrg(t.db, { plan: 5, topup: 5 });
    key = (await createApiKey(t.db, org.id, null, { name: "batch", scopes: ["usage:write"] })).secret;
  });
  const send = (body: unknown) => transport.post("/api/v1/usage/batch", JSON.stringify(body), key);

  it("answers each event in order with the single endpoint's semantics", async () => {
    const res = await send({ events: [{ quantity: 4 }, { quantity: 7 }, { quantity: 3, idempotency_key: "b1" }, { quantity: 3, idempotency_key: "b1" }] });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([200, 402, 200, 200]);
    expect(results[0].balance).toEqual({ plan_credits: 1, topup_credits: 5, total: 6, held: 0, grace: 0, overdraft: 0, available: 6 });
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

describe("the Node.js ingestion server", () => {
  it("413 payload_too_large for a body over 1 MiB, and nothing debited", async () => {
    const org = await makeOrg(t.db, { plan: 10 });
    const key = (await createApiKey(t.db, org.id, null, { name: "big", scopes: ["usage:write"] })).secret;
    const body = JSON.stringify({ quantity: 1, idempotency_key: "x".repeat(1024 * 1024) });
    const res = await fetch(`${serverUrl}/api/v1/usage`, { method: "POST", headers: headers(key), body });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await t.sql`SELECT plan_credits FROM credit_balances WHERE org_id = ${org.id}`).toEqual([{ plan_credits: 10 }]);
  });

  it("leaves every other request to Next.js: other paths and methods, query strings aside", async () => {
    expect((await fetch(`${serverUrl}/api/v1/usage`)).status).toBe(404); // GET
    expect((await fetch(`${serverUrl}/api/v1/balance`, { method: "POST", body: "{}" })).status).toBe(404);
    expect((await fetch(`${serverUrl}/api/v1/usage?source=test`, { method: "POST", body: "{}" })).status).toBe(401);
  });
});

describe("GET /api/v1/balance", () => {
  it("answers for billing:read and usage:write keys, 401 without a key", async () => {
    const org = await makeOrg(t.db, { plan: 7 });
    for (const scope of ["billing:read", "usage:write"] as const) {
      const key = (await createApiKey(t.db, org.id, null, { name: scope, scopes: [scope] })).secret;
      const res = await balance.GET(new Request("http://x/api/v1/balance", { headers: { authorization: `Bearer ${key}` } }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ plan_credits: 7, topup_credits: 0, total: 7, held: 0, grace: 0, overdraft: 0, available: 7 });
    }
    expect((await balance.GET(new Request("http://x/api/v1/balance"))).status).toBe(401);
  });
});
