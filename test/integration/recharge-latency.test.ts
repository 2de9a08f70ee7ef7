import { afterAll, beforeAll, expect, it } from "vitest";
import { handOffsIdle, setJobSender, type JobSender } from "@/lib/jobs/queue";
import { createJobSender } from "@/lib/jobs/worker";
import { getBalance } from "@/lib/ledger";
import { crossingToCreditMs, latencySummary } from "@/lib/recharge/recharge-latency";
import { reportUsage } from "@/lib/usage/report-usage";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

/**
 * The fast path, measured: a usage debit crosses the threshold → the trigger commits the attempt (and its
 * durable job) → the charge is handed off in-process at once → PaymentIntent at the emulator → credit.
 * Crossing → credits landed = attempt created_at → completed_at. Printed, not asserted (timing belongs
 * to `npm run bench`); the test asserts that every crossing was charged without any job worker running.
 */
let t: TestDb;
let h: BillingHarness;
let boss: JobSender & { stop: () => Promise<void> };
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
  boss = await createJobSender(t.url, t.db); // the app's sender: durable job in the tx, hand-off not awaited
});
afterAll(async () => {
  await handOffsIdle();
  setJobSender(null);
  await boss?.stop();
  await h?.stop();
  await t?.drop();
});

it("25 crossings through the usage path are each charged by the in-process hand-off (no worker)", async () => {
  setJobSender(boss);
  const { org } = await makeBillingOrg(t.db, { topup: 100, autoRecharge: { threshold: 1, max: 31 } });
  const since = new Date(Date.now() - 1000);
  const rounds = 25;
  for (let i = 0; i < rounds; i++) {
    const total = (await getBalance(t.db, org.id)).total;
    await t.sql`UPDATE auto_recharge_settings SET threshold = ${total - 5} WHERE org_id = ${org.id}`;
    const [r] = await reportUsage(t.db, org.id, [{ quantity: 10 }]); // crosses
    expect(r!.ok).toBe(true);
    await eventually(
      async () => (await t.sql`SELECT count(*)::int AS n FROM recharge_attempts WHERE org_id = ${org.id} AND status = 'succeeded'`)[0]!.n === i + 1,
      10_000,
      `crossing ${i + 1} credited`,
    );
  }
  const ms = await crossingToCreditMs(t.db, { since, orgId: org.id });
  expect(ms).toHaveLength(rounds);
  const s = latencySummary(ms);
  console.info(
    `[recharge-latency] crossing → credit over ${s.n} crossings: p50 ${s.p50?.toFixed(1)} ms, p95 ${s.p95?.toFixed(1)} ms, p99 ${s.p99?.toFixed(1)} ms, max ${s.max?.toFixed(1)} ms`,
  );
  // the durable jobs are still queued, delayed behind the hand-off (a worker would find each attempt settled)
  const [{ n }] = (await t.sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'recharge.charge' AND state = 'created'`) as unknown as [{ n: number }];
  expect(n).toBe(rounds);
}, 120_000);
