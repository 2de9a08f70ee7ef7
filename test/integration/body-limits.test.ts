import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { autoRechargeSettingsChanges, ledgerEntries, stripeEvents } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { BODY_LIMITS } from "@/lib/api/read-body";
import { resetEnvCache } from "@/lib/env";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// Every route handler that reads a body stops reading at its limit (413) instead of buffering whatever
// the client streams. The bodies below are produced lazily, 64 KiB at a time, up to 200 MB, without a
// Content-Length: the test counts how much of it the handler pulled.
let t: TestDb;
let orgId: string;
let writeKey: string;
let usageKey: string;

const CHUNK = 64 * 1024;
const HUGE = 200 * 1024 * 1024;

/** A streamed body of `total` bytes of `fill`; `pulled()` is how many bytes the reader asked for. */
function endlessBody(fill = "a", total = HUGE) {
  let sent = 0;
  const chunk = new TextEncoder().encode(fill.repeat(CHUNK));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

function streamedRequest(url: string, stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request(url, { method: "POST", body: stream, headers: { "content-type": "application/json", ...headers }, duplex: "half" } as RequestInit);
}

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  process.env.STRIPE_WEBHOOK_SECRET ??= "whsec_test_body_limits";
  resetEnvCache();
  const org = await makeOrg(t.db, { plan: 10, topup: 5 });
  orgId = org.id;
  writeKey = (await createApiKey(t.db, org.id, null, { name: "billing", scopes: ["billing:write"] })).secret;
  usageKey = (await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] })).secret;
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const ledgerCount = async () => (await t.db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.orgId, orgId)))[0]!.n;

describe("streamed bodies above the limit → 413, read no further, nothing written", () => {
  it("POST /api/webhooks/stripe stops at 256 KiB, before verifying anything", async () => {
    const { POST } = await import("@/app/api/webhooks/stripe/route");
    const body = endlessBody();
    const started = Date.now();
    const res = await POST(streamedRequest("http://x/api/webhooks/stripe", body.stream, { "stripe-signature": "t=1,v1=00" }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(body.pulled()).toBeLessThanOrEqual(BODY_LIMITS.webhook + 2 * CHUNK);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await t.db.select({ n: count() }).from(stripeEvents))[0]!.n).toBe(0);
  });

  it("a declared Content-Length above the limit is refused before reading", async () => {
    const { POST } = await import("@/app/api/webhooks/stripe/route");
    const body = endlessBody();
    const req = streamedRequest("http://x/api/webhooks/stripe", body.stream, { "content-length": String(HUGE) });
    const res = await POST(req);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(2 * CHUNK); // a stream may pre-pull before cancel
  });

  it.each([
    ["auto-topup", "/api/v1/billing/auto-topup"],
    ["spending-limit", "/api/v1/billing/spending-limit"],
  ] as const)("POST %s stops at 64 KiB", async (name, path) => {
    const route = name === "auto-topup" ? await import("@/app/api/v1/billing/auto-topup/route") : await import("@/app/api/v1/billing/spending-limit/route");
    const body = endlessBody(" ");
    const res = await route.POST(streamedRequest(`http://x${path}`, body.stream, { authorization: `Bearer ${writeKey}` }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(body.pulled()).toBeLessThanOrEqual(BODY_LIMITS.api + 2 * CHUNK);
    expect((await t.db.select({ n: count() }).from(autoRechargeSettingsChanges).where(eq(autoRechargeSettingsChanges.orgId, orgId)))[0]!.n).toBe(0);
  });

  it.each([
    ["usage", "/api/v1/usage"],
    ["usage/batch", "/api/v1/usage/batch"],
  ] as const)("POST %s (route handler) stops at 1 MiB", async (name, path) => {
    const route = name === "usage" ? await import("@/app/api/v1/usage/route") : await import("@/app/api/v1/usage/batch/route");
    const before = await ledgerCount();
    const body = endlessBody(" ");
    const res = await route.POST(streamedRequest(`http://x${path}`, body.stream, { authorization: `Bearer ${usageKey}` }));
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(BODY_LIMITS.usage + 2 * CHUNK);
    expect(await ledgerCount()).toBe(before);
  });

  it("bodies within the limit still work (a usage event of a few bytes is debited)", async () => {
    const { POST } = await import("@/app/api/v1/usage/route");
    const res = await POST(
      new Request("http://x/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${usageKey}` }, body: JSON.stringify({ quantity: 1 }) }),
    );
    expect(res.status).toBe(200);
  });
});
