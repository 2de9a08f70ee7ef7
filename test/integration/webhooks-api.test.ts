import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getDeliveries } from "@/app/api/v1/webhook-deliveries/route";
import { DELETE as deleteEndpointRoute } from "@/app/api/v1/webhook-endpoints/[id]/route";
import { GET as getEndpoints, POST as postEndpoint } from "@/app/api/v1/webhook-endpoints/route";
import { getDbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { resetEnvCache } from "@/lib/env";
import { recordEvent } from "@/lib/events/record-event";
import { setJobSender } from "@/lib/jobs/queue";
import { deliverWebhook } from "@/lib/webhooks-out/deliver";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";
import { startWebhookReceiver } from "../support/webhook-receiver";

/** The webhook REST API through its real route handlers: 201 with the secret once, 422 per field, 404, scopes. */
let t: TestDb;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url; // the routes use the app's pool
  resetEnvCache();
  setJobSender({ send: async () => {} });
  receiver = await startWebhookReceiver((_r, n) => ({ status: n === 1 ? 500 : 200 }));
});
afterAll(async () => {
  setJobSender(null);
  await receiver?.stop();
  await getDbHandle().close();
  await t?.drop();
});

const base = "http://app.test/api/v1";
function call(
  handler: (r: Request, c?: { params: Promise<{ id: string }> }) => Promise<Response>,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  id?: string,
) {
  const req = new Request(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return handler(req, id === undefined ? undefined : { params: Promise.resolve({ id }) });
}

async function orgWithKeys() {
  const org = await makeOrg(t.db);
  const rw = await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] });
  const ro = await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] });
  const usage = await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] });
  return { org, rw: rw.secret, ro: ro.secret, usage: usage.secret };
}

describe("/api/v1/webhook-endpoints", () => {
  it("creates (201, the secret once), lists without secrets, deletes; 404 for unknown and foreign ids", async () => {
    const { rw, ro } = await orgWithKeys();
    const res = await call(postEndpoint, rw, "POST", "/webhook-endpoints", { url: `${receiver.url}/hooks`, events: ["recharge.succeeded", "balance.low"] });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toEqual({
      id: expect.any(String),
      url: `${receiver.url}/hooks`,
      events: ["balance.low", "recharge.succeeded"],
      status: "enabled",
      disabled_reason: null,
      created_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const all = await call(postEndpoint, rw, "POST", "/webhook-endpoints", { url: receiver.url, events: ["balance.low", "*"] });
    expect((await all.json()).events).toEqual(["*"]);

    const list = await (await call(getEndpoints, ro, "GET", "/webhook-endpoints")).json();
    expect(list.endpoints.map((e: { id: string }) => e.id)).toContain(created.id);
    expect(JSON.stringify(list)).not.toContain("whsec_");

    const other = await orgWithKeys();
    expect((await call(deleteEndpointRoute, other.rw, "DELETE", `/webhook-endpoints/${created.id}`, undefined, created.id)).status).toBe(404);
    expect((await call(deleteEndpointRoute, rw, "DELETE", "/webhook-endpoints/nope", undefined, "nope")).status).toBe(404);
    const del = await call(deleteEndpointRoute, rw, "DELETE", `/webhook-endpoints/${created.id}`, undefined, created.id);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: created.id, deleted: true });
    expect((await call(deleteEndpointRoute, rw, "DELETE", `/webhook-endpoints/${created.id}`, undefined, created.id)).status).toBe(404);
  });

  it("422 per field for bad input", async () => {
    const { rw } = await orgWithKeys();
    const cases: [unknown, Record<string, string>][] = [
      [{ url: "", events: ["*"] }, { url: "Enter the endpoint's URL." }],
      [{ url: "ftp://example.com", events: ["*"] }, { url: "The URL must use https://." }],
      [{ url: "http://example.com/hooks", events: ["*"] }, { url: "Use https://; http:// is allowed only for localhost." }],
      [{ url: "https://example.com", events: [] }, { events: 'Choose at least one event type, or ["*"] for all.' }],
      [{ url: "https://example.com", events: ["balance.nope"] }, { "events.0": expect.stringContaining("Unknown event type") }],
      [{ url: "https://example.com", events: "*" }, { events: 'events must be a list of event types, or ["*"] for all.' }],
      [{ events: ["*"] }, { url: "Enter the endpoint's URL." }],
    ];
    for (const [body, fields] of cases) {
      const res = await call(postEndpoint, rw, "POST", "/webhook-endpoints", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const json = await res.json();
      expect(json.error.code).toBe("invalid_request");
      expect(json.error.fields).toEqual(fields);
    }
    expect((await call(postEndpoint, rw, "POST", "/webhook-endpoints", "{not json")).status).toBe(422);
  });

  it("scopes: billing:read lists but cannot create or delete; usage:write gets 403; no key 401", async () => {
    const { ro, usage } = await orgWithKeys();
    expect((await call(getEndpoints, ro, "GET", "/webhook-endpoints")).status).toBe(200);
    expect((await call(postEndpoint, ro, "POST", "/webhook-endpoints", { url: receiver.url, events: ["*"] })).status).toBe(403);
    expect((await call(deleteEndpointRoute, ro, "DELETE", "/webhook-endpoints/x", undefined, "x")).status).toBe(403);
    expect((await call(getEndpoints, usage, "GET", "/webhook-endpoints")).status).toBe(403);
    expect((await call(getDeliveries, usage, "GET", "/webhook-deliveries")).status).toBe(403);
    expect((await call(getEndpoints, "rfk_nope", "GET", "/webhook-endpoints")).status).toBe(401);
  });
});

describe("/api/v1/webhook-deliveries", () => {
  it("lists deliveries with their attempts, filtered by endpoint, paged; 404 for foreign ids, 422 for malformed", async () => {
    const { org, rw, ro } = await orgWithKeys();
    const endpoint = await (await call(postEndpoint, rw, "POST", "/webhook-endpoints", { url: receiver.url, events: ["*"] })).json();
    const ids: string[] = [];
    for (const k of ["a", "b", "c"]) {
      await recordEvent(t.db, { orgId: org.id, type: "balance.low", data: { k }, dedupeKey: k });
    }
    const first = await (await call(getDeliveries, ro, "GET", `/webhook-deliveries?endpoint_id=${endpoint.id}&limit=2`)).json();
    expect(first.deliveries).toHaveLength(2);
    expect(first.has_more).toBe(true);
    ids.push(...first.deliveries.map((d: { id: string }) => d.id));
    const second = await (await call(getDeliveries, ro, "GET", `/webhook-deliveries?limit=2&starting_after=${ids[1]}`)).json();
    expect(second.deliveries).toHaveLength(1);
    expect(second.has_more).toBe(false);

    const d = second.deliveries[0];
    await deliverWebhook(t.db, d.id); // receiver: 500 first
    const after = await (await call(getDeliveries, ro, "GET", `/webhook-deliveries?limit=100`)).json();
    const row = after.deliveries.find((x: { id: string }) => x.id === d.id);
    expect(row).toMatchObject({ endpoint_id: endpoint.id, event_type: "balance.low", status: "pending", next_attempt_at: expect.any(String) });
    expect(row.attempts).toEqual([
      {
        attempt: 1,
        status: "failed",
        response_code: 500,
        duration_ms: expect.any(Number),
        error: "HTTP 500",
        next_retry_at: row.next_attempt_at,
        attempted_at: expect.any(String),
      },
    ]);

    const other = await orgWithKeys();
    expect((await call(getDeliveries, other.ro, "GET", `/webhook-deliveries?endpoint_id=${endpoint.id}`)).status).toBe(404);
    expect((await call(getDeliveries, other.ro, "GET", `/webhook-deliveries?starting_after=${d.id}`)).status).toBe(404);
    const bad = await call(getDeliveries, ro, "GET", "/webhook-deliveries?limit=0&endpoint_id=x");
    expect(bad.status).toBe(422);
    expect(Object.keys((await bad.json()).error.fields).sort()).toEqual(["endpoint_id", "limit"]);
  });
});
