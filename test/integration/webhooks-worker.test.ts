import { afterAll, beforeAll, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { recordEvent } from "@/lib/events/record-event";
import { startJobWorker } from "@/lib/jobs/worker";
import { createEndpoint } from "@/lib/webhooks-out/endpoints";
import { eventually } from "../support/billing-harness";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";
import { startWebhookReceiver } from "../support/webhook-receiver";

/** Through the real pg-boss worker: commit → delivery latency, and a retry scheduled by its own job (startAfter 5 s). */
let t: TestDb;
let worker: { stop: () => Promise<void> } | undefined;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  t = await createTestDb();
  worker = await startJobWorker({ db: t.db, connectionString: t.url, pollingIntervalSeconds: 0.5 });
  // the first request of each event fails once for the "retry" org; everything else succeeds
  receiver = await startWebhookReceiver((req) => ({
    status: req.path === "/flaky" && !seen.has(req.headers["webhook-id"]!) ? (seen.add(req.headers["webhook-id"]!), 500) : 200,
  }));
});
const seen = new Set<string>();
afterAll(async () => {
  await worker?.stop();
  await receiver?.stop();
  await t?.drop();
});

it("delivers each event within a second or two of its commit (pg-boss polling at 0.5 s)", async () => {
  const org = await makeOrg(t.db);
  const ep = await createEndpoint(t.db, org.id, { url: `${receiver.url}/fast`, events: ["*"] });
  if (!ep.ok) throw new Error(ep.message);
  const latencies: number[] = [];
  for (let i = 0; i < 10; i++) {
    const before = receiver.received.length;
    const committed = Date.now();
    const { event } = await recordEvent(t.db, { orgId: org.id, type: "balance.low", data: { i }, dedupeKey: `lat-${i}` });
    await receiver.waitFor(before + 1, 15_000);
    const got = receiver.received[before]!;
    expect(got.headers["webhook-id"]).toBe(event.id);
    expect(() => new Webhook(ep.secret).verify(got.body, got.headers)).not.toThrow();
    latencies.push(Date.now() - committed);
  }
  latencies.sort((a, b) => a - b);
  console.info(`webhook commit → receipt over pg-boss: p50 ${latencies[4]} ms, max ${latencies[9]} ms`);
  expect(latencies[4]).toBeLessThan(5_000);
}, 120_000);

it("a failed attempt is retried by its own job 5 s later, and then received once", async () => {
  const org = await makeOrg(t.db);
  const ep = await createEndpoint(t.db, org.id, { url: `${receiver.url}/flaky`, events: ["*"] });
  if (!ep.ok) throw new Error(ep.message);
  const { event } = await recordEvent(t.db, { orgId: org.id, type: "recharge.failed", data: {}, dedupeKey: "retry-1" });
  const mine = () => receiver.received.filter((r) => r.headers["webhook-id"] === event.id);
  const deadline = Date.now() + 30_000;
  while (mine().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const [first, second] = mine();
  expect([first?.answered, second?.answered]).toEqual([500, 200]);
  const gap = Number(second!.headers["webhook-timestamp"]) - Number(first!.headers["webhook-timestamp"]);
  expect(gap).toBeGreaterThanOrEqual(4); // seconds: the 5 s back-off (whole-second timestamps)
  // the attempt is recorded once the receiver's answer is in: wait for its row
  const attemptsOf = () => t.sql`SELECT attempt, status, response_code FROM webhook_delivery_attempts WHERE org_id = ${org.id} ORDER BY attempt`;
  await eventually(async () => (await attemptsOf()).length === 2, 10_000, "second attempt recorded");
  const attempts = await attemptsOf();
  expect(attempts).toEqual([
    { attempt: 1, status: "failed", response_code: 500 },
    { attempt: 2, status: "succeeded", response_code: 200 },
  ]);
}, 60_000);
