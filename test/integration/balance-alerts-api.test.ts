import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, PUT } from "@/app/api/v1/billing/alerts/route";
import { getDbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { resetEnvCache } from "@/lib/env";
import { runJob } from "@/lib/jobs/handlers";
import { handOffsIdle, setJobSender } from "@/lib/jobs/queue";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url; // the routes use the app's pool
  delete process.env.SMTP_URL;
  resetEnvCache();
  setJobSender({ send: async () => {}, handOff: async (db, name, data) => void (await runJob(db ?? t.db, name, data)) });
});
afterAll(async () => {
  setJobSender(null);
  await getDbHandle().close();
  await t?.drop();
});

const call = (handler: (r: Request) => Promise<Response>, key: string, method: "GET" | "PUT", body?: unknown) =>
  handler(
    new Request("http://app.test/api/v1/billing/alerts", {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );

async function orgWithKeys(topup = 1000) {
  const org = await makeOrg(t.db, { topup });
  const rw = await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] });
  const ro = await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] });
  const usage = await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] });
  return { org, rw: rw.secret, ro: ro.secret, usage: usage.secret };
}

describe("/api/v1/billing/alerts", () => {
  it("GET: the default (10 % of Starter's allotment) until the owner saves; PUT replaces; GET reads it back", async () => {
    const { ro, rw } = await orgWithKeys();
    const first = await call(GET, ro, "GET");
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ thresholds: [200], recipients: [], default: true });
    const put = await call(PUT, rw, "PUT", { thresholds: [100, 500], recipients: ["Finance@Acme.test"] });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ thresholds: [500, 100], recipients: ["finance@acme.test"], default: false });
    expect(await (await call(GET, ro, "GET")).json()).toEqual({ thresholds: [500, 100], recipients: ["finance@acme.test"], default: false });
  });

  it("PUT a threshold above the balance alerts at once (balance.low event)", async () => {
    const { org, rw } = await orgWithKeys(300);
    expect((await call(PUT, rw, "PUT", { thresholds: [400], recipients: [] })).status).toBe(200);
    await handOffsIdle();
    const events = await t.sql`SELECT type, data FROM outgoing_events WHERE org_id = ${org.id}`;
    expect(events.map((e) => [e.type, e.data.threshold, e.data.available])).toEqual([["balance.low", 400, 300]]);
  });

  it.each([
    ["four thresholds", { thresholds: [1, 2, 3, 4], recipients: [] }, "thresholds"],
    ["zero", { thresholds: [0], recipients: [] }, "thresholds.0"],
    ["not an integer", { thresholds: [2.5], recipients: [] }, "thresholds.0"],
    ["duplicates", { thresholds: [5, 5], recipients: [] }, "thresholds"],
    ["bad email", { thresholds: [5], recipients: ["finance"] }, "recipients.0"],
    ["11 recipients", { thresholds: [5], recipients: Array.from({ length: 11 }, (_, i) => `r${i}@x.test`) }, "recipients"],
    ["missing fields", {}, "thresholds"],
  ])("422 for %s, nothing saved", async (_name, body, field) => {
    const { ro, rw } = await orgWithKeys();
    const r = await call(PUT, rw, "PUT", body);
    expect(r.status).toBe(422);
    const json = await r.json();
    expect(json.error.code).toBe("invalid_request");
    expect(Object.keys(json.error.fields)).toContain(field);
    expect((await (await call(GET, ro, "GET")).json()).default).toBe(true);
  });

  it("scopes: PUT needs billing:write (403), GET billing:read (403 for usage:write); no key 401", async () => {
    const { ro, usage } = await orgWithKeys();
    expect((await call(PUT, ro, "PUT", { thresholds: [5], recipients: [] })).status).toBe(403);
    expect((await call(GET, usage, "GET")).status).toBe(403);
    expect((await call(GET, "rfk_nope", "GET")).status).toBe(401);
  });
});
