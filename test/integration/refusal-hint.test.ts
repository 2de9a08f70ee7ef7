import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rechargeAttempts } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { makeOrg } from "../support/factories";
import { startIngestServer } from "../support/ingest-server";
import { createTestDb, type TestDb } from "../support/test-db";

// A refused call says when to come back: a 402 while an auto-recharge is in flight carries `Retry-After`
// and `error.recharge`, through both ways the usage endpoints are served.
let t: TestDb;
let server: Awaited<ReturnType<typeof startIngestServer>>;
let serverUrl: string;

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

const post = {
  route: async (path: string, body: unknown, key: string) => {
    const route = path.endsWith("batch") ? await import("@/app/api/v1/usage/batch/route") : await import("@/app/api/v1/usage/route");
    return route.POST(
      new Request(`http://x${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  },
  node: (path: string, body: unknown, key: string) =>
    fetch(`${serverUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
};

async function orgWithKey(topup: number) {
  const org = await makeOrg(t.db, { planId: "starter", topup });
  const { secret } = await createApiKey(t.db, org.id, null, { name: "k", scopes: ["usage:write"] });
  return { org, key: secret };
}

describe.each(Object.entries(post))("402 with a recharge in flight (%s)", (_name, send) => {
  it("no recharge in flight: a plain 402, no Retry-After", async () => {
    const { key } = await orgWithKey(5);
    const res = await send("/api/v1/usage", { quantity: 10 }, key);
    expect(res.status).toBe(402);
    expect(res.headers.get("retry-after")).toBeNull();
    const body = await res.json();
    expect(body.error.code).toBe("insufficient_credits");
    expect(body.error.recharge).toBeUndefined();
  });

  it("a pending auto-recharge: Retry-After in whole seconds and retry_after_ms in the body", async () => {
    const { org, key } = await orgWithKey(5);
    await createRechargeAttempt(t.db, { orgId: org.id, trigger: "auto", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    const res = await send("/api/v1/usage", { quantity: 10 }, key);
    expect(res.status).toBe(402);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = await res.json();
    expect(body.error.recharge.status).toBe("in_progress");
    expect(body.error.recharge.retry_after_ms).toBeGreaterThanOrEqual(100);
    // the batch endpoint: refused events carry the same hint, accepted ones none
    const batch = await (await send("/api/v1/usage/batch", { events: [{ quantity: 2 }, { quantity: 50 }] }, key)).json();
    expect(batch.results[0].status).toBe(200);
    expect(batch.results[1].status).toBe(402);
    expect(batch.results[1].error.recharge.status).toBe("in_progress");
  });

  it("a recharge waiting for 3-D Secure: says so, no Retry-After (it needs the owner)", async () => {
    const { org, key } = await orgWithKey(0);
    const a = await createRechargeAttempt(t.db, { orgId: org.id, trigger: "auto", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
    await t.db.update(rechargeAttempts).set({ status: "requires_action" }).where(eq(rechargeAttempts.id, a!.id));
    const res = await send("/api/v1/usage", { quantity: 1 }, key);
    expect(res.status).toBe(402);
    expect(res.headers.get("retry-after")).toBeNull();
    expect((await res.json()).error.recharge).toEqual({ status: "requires_action" });
  });
});
