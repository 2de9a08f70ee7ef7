import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { startIngestServer } from "../support/ingest-server";
import { createTestDb, type TestDb } from "../support/test-db";

// The holds endpoints against a real database, through the Next.js route handlers (app/api/v1/holds) and the
// lean Node.js ingestion server (lib/http, what `npm start` runs). DATABASE_URL is set before either opens the pool.
let t: TestDb;
let server: Awaited<ReturnType<typeof startIngestServer>>;
let serverUrl: string;

interface Transport {
  name: string;
  call(method: "GET" | "POST", path: string, body: string | null, key: string | null): Promise<Response>;
}

const transports: Transport[] = [
  {
    name: "Next.js route handlers",
    async call(method, path, body, key) {
      const request = new Request(`http://x${path}`, { method, headers: headers(key), body: method === "POST" ? (body ?? "") : undefined });
      const m = /^\/api\/v1\/holds(?:\/([^/]+)(?:\/(capture|release))?)?$/.exec(path)!;
      if (!m[1]) return (await import("@/app/api/v1/holds/route")).POST(request);
      const params = Promise.resolve({ id: decodeURIComponent(m[1]) });
      if (!m[2]) return (await import("@/app/api/v1/holds/[id]/route")).GET(request, { params });
      const route = m[2] === "capture" ? await import("@/app/api/v1/holds/[id]/capture/route") : await import("@/app/api/v1/holds/[id]/release/route");
      return route.POST(request, { params });
    },
  },
  {
    name: "the Node.js ingestion server",
    call: (method, path, body, key) => fetch(`${serverUrl}${path}`, { method, headers: headers(key), body: method === "POST" ? (body ?? "") : undefined }),
  },
];

function headers(key: string | null): Record<string, string> {
  return { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) };
}

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  server = await startIngestServer();
  serverUrl = server.url;
});
afterAll(async () => {
  await server.close();
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

describe.each(transports)("holds through $name", (transport) => {
  let key: string;
  let orgId: string;
  let otherKey: string;
  beforeAll(async () => {
    const org = await makeOrg(t.db, { plan: 50, topup: 50 });
    orgId = org.id;
    key = (await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] })).secret;
    const other = await makeOrg(t.db, { topup: 10 });
    otherKey = (await createApiKey(t.db, other.id, null, { name: "usage", scopes: ["usage:write"] })).secret;
  });
  const post = async (path: string, body: unknown, k: string | null = key) => {
    const res = await transport.call("POST", path, body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body), k);
    return { status: res.status, body: await res.json() };
  };
  const get = async (path: string, k: string | null = key) => {
    const res = await transport.call("GET", path, null, k);
    return { status: res.status, body: await res.json() };
  };
  /** Everything a refused request must not change. */
  const snapshot = async () => ({
    balance: await t.sql`SELECT plan_credits, topup_credits, held_credits FROM credit_balances WHERE org_id = ${orgId}`,
    entries: await t.sql`SELECT count(*)::int AS n FROM ledger_entries WHERE org_id = ${orgId}`,
    holds: await t.sql`SELECT id, status, captured_quantity, capture_idempotency_key FROM credit_holds WHERE org_id = ${orgId} ORDER BY id`,
  });

  it("hold 202 → capture 200 (replayed by its key) → the rest released; GET shows it", async () => {
    const created = await post("/api/v1/holds", { quantity: 30, expires_in: 600, idempotency_key: "call-1" });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: "active", quantity: 30, captured_quantity: null, balance: { total: 100, held: 30, available: 70 } });
    expect(Date.parse(created.body.expires_at) - Date.now()).toBeGreaterThan(590_000);
    const again = await post("/api/v1/holds", { quantity: 30, expires_in: 600, idempotency_key: "call-1" });
    expect(again).toEqual(created);
    const id = created.body.id as string;
    const captured = await post(`/api/v1/holds/${id}/capture`, { quantity: 12, idempotency_key: "cap-1" });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ id, status: "captured", captured_quantity: 12, balance: { total: 88, held: 0, available: 88 } });
    expect(captured.body.usage_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await post(`/api/v1/holds/${id}/capture`, { quantity: 12, idempotency_key: "cap-1" })).toEqual(captured);
    expect(await get(`/api/v1/holds/${id}`)).toMatchObject({ status: 200, body: { id, status: "captured", captured_quantity: 12 } });
  });

  it("release 200, and a hold's credits are held until then", async () => {
    const created = await post("/api/v1/holds", { quantity: 88 });
    expect(created.status).toBe(202);
    expect((await post("/api/v1/holds", { quantity: 1 })).status).toBe(402);
    const released = await post(`/api/v1/holds/${created.body.id}/release`, undefined);
    expect(released).toMatchObject({ status: 200, body: { id: created.body.id, status: "released", balance: { held: 0, available: 88 } } });
  });

  it("402 insufficient_credits for a hold the balance cannot cover, nothing held", async () => {
    const before = await snapshot();
    const r = await post("/api/v1/holds", { quantity: 89 });
    expect(r).toMatchObject({ status: 402, body: { error: { code: "insufficient_credits", balance: { available: 88 } } } });
    expect(await snapshot()).toEqual(before);
  });

  it("bad input → 422 / 404 / 409 with a message, nothing written", async () => {
    const active = (await post("/api/v1/holds", { quantity: 5 })).body.id as string;
    const captured = (await post("/api/v1/holds", { quantity: 5 })).body.id as string;
    expect((await post(`/api/v1/holds/${captured}/capture`, { quantity: 5, idempotency_key: "k" })).status).toBe(200);
    const released = (await post("/api/v1/holds", { quantity: 5 })).body.id as string;
    expect((await post(`/api/v1/holds/${released}/release`, "{}")).status).toBe(200);
    const expired = (await post("/api/v1/holds", { quantity: 5 })).body.id as string;
    await t.sql`UPDATE credit_holds SET expires_at = now() - interval '1 second' WHERE id = ${expired}`; // its hour has passed
    await post(`/api/v1/holds/${expired}/release`, undefined); // expired on touch (409), as the sweep would
    const foreign = (await post("/api/v1/holds", { quantity: 1 }, otherKey)).body.id as string;
    const before = await snapshot();
    const cases: [string, string, unknown, number, RegExp][] = [
      ["/api/v1/holds", "quantity 0", { quantity: 0 }, 422, /quantity/],
      ["/api/v1/holds", "negative", { quantity: -3 }, 422, /quantity/],
      ["/api/v1/holds", "non-integer", { quantity: 1.5 }, 422, /quantity/],
      ["/api/v1/holds", "above 1,000,000", { quantity: 1_000_001 }, 422, /quantity/],
      ["/api/v1/holds", "a string", { quantity: "5" }, 422, /quantity/],
      ["/api/v1/holds", "expires_in beyond 24 h", { quantity: 1, expires_in: 86_401 }, 422, /expires_in/],
      ["/api/v1/holds", "expires_in 0", { quantity: 1, expires_in: 0 }, 422, /expires_in/],
      ["/api/v1/holds", "unknown field", { quantity: 1, amount: 1 }, 422, /amount|Unrecognized/i],
      ["/api/v1/holds", "not JSON", "{", 422, /JSON/],
      [`/api/v1/holds/${active}/capture`, "capture negative", { quantity: -1 }, 422, /quantity/],
      [`/api/v1/holds/${active}/capture`, "capture non-integer", { quantity: 2.5 }, 422, /quantity/],
      [`/api/v1/holds/${active}/capture`, "capture above 1,000,000", { quantity: 1_000_001 }, 422, /quantity/],
      [`/api/v1/holds/not-a-uuid/capture`, "malformed id", { quantity: 1 }, 404, /No such hold/],
      [`/api/v1/holds/${foreign}/capture`, "another org's hold", { quantity: 1 }, 404, /No such hold/],
      [`/api/v1/holds/${foreign}/release`, "release another org's hold", {}, 404, /No such hold/],
      [`/api/v1/holds/${captured}/capture`, "captured, another key", { quantity: 5, idempotency_key: "other" }, 409, /already captured/],
      [`/api/v1/holds/${captured}/capture`, "captured, no key", { quantity: 5 }, 409, /already captured/],
      [`/api/v1/holds/${captured}/release`, "release a captured hold", {}, 409, /already captured/],
      [`/api/v1/holds/${released}/capture`, "capture a released hold", { quantity: 1 }, 409, /released/],
      [`/api/v1/holds/${released}/release`, "release twice", {}, 409, /released/],
      [`/api/v1/holds/${expired}/capture`, "capture an expired hold", { quantity: 1 }, 409, /expired/],
      [`/api/v1/holds/${expired}/release`, "release an expired hold", {}, 409, /expired/],
    ];
    for (const [path, what, body, status, message] of cases) {
      const r = await post(path, body);
      expect({ what, status: r.status }).toEqual({ what, status });
      expect(r.body.error.message).toMatch(message);
    }
    expect(await get("/api/v1/holds/not-a-uuid")).toMatchObject({ status: 404 });
    expect(await get(`/api/v1/holds/${foreign}`)).toMatchObject({ status: 404 });
    expect(await get(`/api/v1/holds/${expired}`)).toMatchObject({ status: 200, body: { status: "expired" } });
    expect(await post("/api/v1/holds", { quantity: 1 }, null)).toMatchObject({ status: 401 });
    expect(await snapshot()).toEqual(before);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
