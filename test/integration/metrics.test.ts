import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// GET /metrics (app/metrics/route.ts) against a real database: the counters the usage path increments,
// the queue depth read from pg-boss's table on scrape, and the bearer token in front of it all.
const TOKEN = "metrics-token-0123456789";
let t: TestDb;
let metricsRoute: typeof import("@/app/metrics/route");
let usageRoute: typeof import("@/app/api/v1/usage/route");

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  process.env.METRICS_TOKEN = TOKEN;
  resetEnvCache();
  metricsRoute = await import("@/app/metrics/route");
  usageRoute = await import("@/app/api/v1/usage/route");
});
afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  resetEnvCache();
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const scrape = (authorization?: string) => metricsRoute.GET(new Request("http://x/metrics", { headers: authorization ? { authorization } : {} }));

/** The value of one sample (`name{labels} value`), 0 when absent. */
async function sample(name: string, labels = ""): Promise<number> {
  const res = await scrape(`Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  const line = (await res.text()).split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

describe("GET /metrics", () => {
  it("after a few debits shows the debit, 402 and flush-size counters in Prometheus text format", async () => {
    const org = await makeOrg(t.db, { topup: 10 });
    const key = (await createApiKey(t.db, org.id, null, { name: "m", scopes: ["usage:write"] })).secret;
    const before = {
      ok: await sample("refill_usage_debits_total", 'result="ok"'),
      refused: await sample("refill_usage_debits_total", 'result="insufficient_credits"'),
      replayed: await sample("refill_usage_debits_total", 'result="replayed"'),
      r402: await sample("refill_usage_402_total"),
      flushes: await sample("refill_debit_flush_size_count"),
    };
    const post = (body: unknown) =>
      usageRoute.POST(
        new Request("http://x/api/v1/usage", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    for (const body of [{ quantity: 3, idempotency_key: "k1" }, { quantity: 3 }, { quantity: 3, idempotency_key: "k1" }, { quantity: 100 }]) await post(body);
    expect((await post({ quantity: 5 })).status).toBe(402); // 4 left

    expect(await sample("refill_usage_debits_total", 'result="ok"')).toBe(before.ok + 2);
    expect(await sample("refill_usage_debits_total", 'result="replayed"')).toBe(before.replayed + 1);
    expect(await sample("refill_usage_debits_total", 'result="insufficient_credits"')).toBe(before.refused + 2);
    expect(await sample("refill_usage_402_total")).toBe(before.r402 + 2);
    expect(await sample("refill_debit_flush_size_count")).toBe(before.flushes + 5);
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain("# TYPE refill_recharge_latency_seconds histogram");
    expect(text).toContain("# TYPE refill_webhook_lag_seconds histogram");
    expect(text).toContain("\nprocess_resident_memory_bytes ");
  });

  it("reads the job queue depth from pg-boss on every scrape", async () => {
    const boss = new PgBoss({ connectionString: t.url, max: 2, supervise: false, schedule: false });
    await boss.start();
    try {
      await boss.createQueue("email");
      await boss.send("email", { n: 1 });
      await boss.send("email", { n: 2 });
      expect(await sample("refill_job_queue_depth", 'queue="email",state="created"')).toBe(2);
      await boss.purgeQueue("email");
      expect(await sample("refill_job_queue_depth", 'queue="email",state="created"')).toBe(0);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("counts refused webhook deliveries (no signature) as rejected", async () => {
    const { handleStripeWebhook } = await import("@/lib/billing-events/webhooks/handle-webhook");
    const before = await sample("refill_webhook_events_total", 'type="unverified",result="rejected"');
    expect((await handleStripeWebhook(t.db, "{}", null)).status).toBe(400);
    expect(await sample("refill_webhook_events_total", 'type="unverified",result="rejected"')).toBe(before + 1);
  });

  it("401 without the bearer token or with a wrong one; 404 when METRICS_TOKEN is unset", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer wrong-token")).status).toBe(401);
    expect((await scrape(TOKEN)).status).toBe(401);
    expect(await (await scrape("Bearer wrong-token")).text()).not.toContain("refill_");
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
    try {
      expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
    } finally {
      process.env.METRICS_TOKEN = TOKEN;
      resetEnvCache();
    }
  });
});
