import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { API_ERROR_STATUS } from "@/lib/api/responses";
import { resetEnvCache } from "@/lib/env";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The API route shell (lib/api/endpoint + with-api-key): whatever fails, the answer is the documented
// `{ error: { code, message } }` JSON with the status of its code.
let t: TestDb;
let key: string;
let shell: typeof import("@/lib/api/with-api-key");

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  const org = await makeOrg(t.db, { topup: 5 });
  key = (await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] })).secret;
  shell = await import("@/lib/api/with-api-key");
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const request = (path: string, init: { method?: string; body?: string; key?: string } = {}) =>
  new Request(`http://app.test${path}`, { method: init.method ?? "GET", body: init.body, headers: { authorization: `Bearer ${init.key ?? key}` } });

async function errorOf(res: Response) {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
  expect(body.error.message).toEqual(expect.any(String));
  return body.error;
}

describe("a database error on /api/v1/billing/* answers 500 internal_error JSON", () => {
  it("GET auto-topup, GET history and POST spending-limit while their table is gone", async () => {
    const { GET: getAutoTopup } = await import("@/app/api/v1/billing/auto-topup/route");
    const { GET: getHistory } = await import("@/app/api/v1/billing/auto-topup/history/route");
    const { POST: postLimit } = await import("@/app/api/v1/billing/spending-limit/route");
    expect((await getHistory(request("/api/v1/billing/auto-topup/history"))).status).toBe(200); // the key is known (and cached)
    await t.db.execute(sql`ALTER TABLE recharge_attempts RENAME TO recharge_attempts_away`);
    await t.db.execute(sql`ALTER TABLE auto_recharge_settings RENAME TO auto_recharge_settings_away`);
    try {
      for (const res of [
        await getAutoTopup(request("/api/v1/billing/auto-topup")),
        await getHistory(request("/api/v1/billing/auto-topup/history")),
        await postLimit(request("/api/v1/billing/spending-limit", { method: "POST", body: JSON.stringify({ monthly_limit: 5000 }) })),
      ]) {
        expect(res.status).toBe(500);
        expect((await errorOf(res)).code).toBe("internal_error");
      }
    } finally {
      await t.db.execute(sql`ALTER TABLE recharge_attempts_away RENAME TO recharge_attempts`);
      await t.db.execute(sql`ALTER TABLE auto_recharge_settings_away RENAME TO auto_recharge_settings`);
    }
  });
});

describe("withApiKey", () => {
  const body = z.object({ items: z.array(z.object({ n: z.number().int("n must be an integer") })) });
  const query = z.object({ page: z.string().regex(/^\d+$/, "page must be digits").optional() });

  it("a handler that throws → 500 internal_error JSON; nothing about the error leaks", async () => {
    const route = shell.withApiKey(["billing:read"], async () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const res = await route(request("/x"));
    expect(res.status).toBe(500);
    const err = await errorOf(res);
    expect(err.code).toBe("internal_error");
    expect(err.message).not.toMatch(/secret_table/);
    // every answer names its request (a made-up id, or the caller's X-Request-Id), as the error log does
    expect(res.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a caller's well-formed X-Request-Id and replaces a malformed one", async () => {
    const route = shell.withApiKey(["billing:read"], async () => ({ status: 200, body: { ok: true } }));
    const withId = (id: string) => {
      const r = request("/x");
      r.headers.set("x-request-id", id);
      return route(r);
    };
    expect((await withId("req_abc-123")).headers.get("request-id")).toBe("req_abc-123");
    expect((await withId("bad id\twith spaces")).headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("key, JSON, object, zod and query refusals, each with its code's status", async () => {
    const route = shell.withApiKey(
      ["billing:write"],
      async ({ body: b, query: q }) => ({ status: 200, body: { items: b.items.length, page: q.page ?? null } }),
      { body, query },
    );
    const post = (b: string, path = "/x", k?: string) => route(request(path, { method: "POST", body: b, key: k }));
    const ok = await post(JSON.stringify({ items: [{ n: 1 }] }), "/x?page=2");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ items: 1, page: "2" });

    const cases: [Response, string, Record<string, string>?][] = [
      [await post("{}", "/x", "rfk_unknown"), "unauthorized"],
      [await post("{not json"), "invalid_request", { body: "Invalid JSON." }],
      [await post("[1]"), "invalid_request", { body: "Expected a JSON object." }],
      [await post(JSON.stringify({ items: [{ n: 1 }, { n: 1.5 }] })), "invalid_request", { "items.1.n": "n must be an integer" }],
      [await post("{}", "/x?page=two"), "invalid_request", { page: "page must be digits" }],
      [await post("x".repeat(70 * 1024)), "payload_too_large"],
    ];
    for (const [res, code, fields] of cases) {
      const err = await errorOf(res);
      expect(err.code).toBe(code);
      expect(res.status).toBe(API_ERROR_STATUS[code as keyof typeof API_ERROR_STATUS]);
      if (fields) expect(err.fields).toEqual(fields);
    }
  });

  it("a key without the scope → 403 forbidden", async () => {
    const route = shell.withApiKey(["usage:write"], async () => ({ status: 200, body: {} }));
    const res = await route(request("/x"));
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("forbidden");
  });
});
