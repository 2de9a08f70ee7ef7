import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { resetEnvCache } from "@/lib/env";
import { getBalance } from "@/lib/ledger";
import { createPaymentGuard } from "@/lib/rate-limit/payment-limit";
import { resetUsageRateLimit } from "@/lib/rate-limit/usage-limit";
import { makeOrg } from "../support/factories";
import { startIngestServer } from "../support/ingest-server";
import { createTestDb, type TestDb } from "../support/test-db";

// The usage API's per-key limit (in memory, per process) → 429 with Retry-After, through both ways the
// endpoints are served; and the per-org payment guard (Postgres) in front of Checkout and Top Up Now.
let t: TestDb;
let server: Awaited<ReturnType<typeof startIngestServer>>;
let serverUrl: string;

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  process.env.USAGE_RATE_LIMIT_PER_SECOND = "5";
  resetEnvCache();
  resetUsageRateLimit();
  server = await startIngestServer();
  serverUrl = server.url;
});
afterAll(async () => {
  delete process.env.USAGE_RATE_LIMIT_PER_SECOND;
  await server.close();
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const transports = [
  {
    name: "the Next.js route handler",
    post: async (key: string, body: unknown) => {
      const { POST } = await import("@/app/api/v1/usage/route");
      return POST(new Request("http://x/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) }));
    },
  },
  {
    name: "the Node.js ingestion server",
    post: (key: string, body: unknown) =>
      fetch(`${serverUrl}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) }),
  },
];

describe.each(transports)("usage API per-key limit through $name", (transport) => {
  it("above 5 requests in a second: 429 rate_limited with Retry-After, nothing debited; other keys unaffected", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const busy = (await createApiKey(t.db, org.id, null, { name: "busy", scopes: ["usage:write"] })).secret;
    const calm = (await createApiKey(t.db, org.id, null, { name: "calm", scopes: ["usage:write"] })).secret;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => transport.post(busy, { quantity: 1, idempotency_key: `k${i}` })));
    const statuses = answers.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    const limited = answers.filter((r) => r.status === 429);
    expect(ok + limited.length).toBe(12);
    expect(ok).toBeLessThanOrEqual(5);
    expect(limited.length).toBeGreaterThanOrEqual(7);
    for (const r of limited) {
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await r.json()).error.code).toBe("rate_limited");
    }
    expect((await transport.post(calm, { quantity: 1 })).status).toBe(200);
    expect((await getBalance(t.db, org.id)).total).toBe(100 - ok - 1);
  });
});

describe("payment attempts per org (card-testing guard)", () => {
  it("the 4th attempt within the hour is refused with a wait; another org may still pay", async () => {
    const guard = createPaymentGuard(t.sql, 3);
    const [a, b] = [await makeOrg(t.db), await makeOrg(t.db)];
    for (let i = 0; i < 3; i++) expect(await guard(a.id)).toEqual({ ok: true });
    const refused = await guard(a.id);
    expect(refused).toMatchObject({ ok: false, code: "rate_limited", message: expect.stringMatching(/Too many payment attempts/) });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(3000);
    expect(await guard(b.id)).toEqual({ ok: true });
    // the count lives in Postgres: a second process's guard sees it
    expect(await createPaymentGuard(t.sql, 3)(a.id)).toMatchObject({ ok: false });
  });

  it("0 turns the guard off", async () => {
    const guard = createPaymentGuard(t.sql, 0);
    const org = await makeOrg(t.db);
    for (let i = 0; i < 10; i++) expect(await guard(org.id)).toEqual({ ok: true });
  });
});
