import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAutoTopupJson } from "@/lib/api/billing/auto-topup";
import { handOffsIdle, setJobSender, type JobSender } from "@/lib/jobs/queue";
import { createJobSender } from "@/lib/jobs/worker";
import { getBalance } from "@/lib/ledger";
import { loadBillingPage } from "@/lib/queries/billing-page";
import { reportUsage } from "@/lib/usage/report-usage";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

/**
 * The rate-aware trigger through the real usage path (group commit → afterDebitFlush → trigger → in-process
 * hand-off → emulator): at a high burn rate a recharge starts while the balance is still above the
 * threshold, one attempt at a time; the stored peak rate drives the suggested threshold.
 */
let t: TestDb;
let h: BillingHarness;
let boss: JobSender & { stop: () => Promise<void> };
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
  boss = await createJobSender(t.url, t.db); // the app's sender: hand-offs are not awaited
  setJobSender(boss);
});
afterAll(async () => {
  await handOffsIdle();
  setJobSender(null);
  await boss?.stop();
  await h?.stop();
  await t?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("rate-aware trigger", () => {
  it("a burst with threshold 100 recharges before the threshold is crossed, never with two attempts open", async () => {
    const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 100, max: 10 } }); // 2,000 plan credits
    const start = (await getBalance(t.db, org.id)).total;
    let maxOpen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [{ n }] =
          (await t.sql`SELECT count(*)::int AS n FROM recharge_attempts WHERE org_id = ${org.id} AND trigger = 'auto' AND status IN ('pending', 'processing', 'requires_action')`) as unknown as [
            { n: number },
          ];
        maxOpen = Math.max(maxOpen, n);
        await sleep(5);
      }
    })();
    // 16 clients × 10 credits per call, as fast as the stack answers, until 4,000 credits are used
    let used = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (used < 4000) {
          const [r] = await reportUsage(t.db, org.id, [{ quantity: 10 }]);
          if (r!.ok) used += 10;
          else refused++;
        }
      }),
    );
    sampling = false;
    await sampler;
    await handOffsIdle();
    const attempts =
      await t.sql`SELECT status, balance_before, threshold FROM recharge_attempts WHERE org_id = ${org.id} AND trigger = 'auto' ORDER BY created_at`;
    console.info(
      `[rate-aware] start ${start}, used ${used}, refused ${refused}, attempts at balances ${attempts.map((a) => a.balance_before).join(", ")}, max open ${maxOpen}`,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(Number(attempts[0]!.balance_before)).toBeGreaterThan(100); // early: the threshold was not yet crossed
    expect(maxOpen).toBeLessThanOrEqual(1);
    await eventually(
      async () => (await t.sql`SELECT 1 FROM recharge_attempts WHERE org_id = ${org.id} AND status <> 'succeeded'`).length === 0,
      10_000,
      "every attempt settled",
    );
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  }, 120_000);

  it("after a 700 calls/s burst the suggested threshold is at least peak × recharge time, and the API says it recharges early", async () => {
    const { org } = await makeBillingOrg(t.db, { topup: 5000, autoRecharge: { threshold: 100, max: 10 } });
    // 700 calls/s of 1 credit for 3 s: 7 calls every 10 ms
    const calls: Promise<unknown>[] = [];
    const t0 = Date.now();
    for (let tick = 0; tick < 300; tick++) {
      for (let i = 0; i < 7; i++) calls.push(reportUsage(t.db, org.id, [{ quantity: 1 }]));
      const next = t0 + (tick + 1) * 10;
      await sleep(Math.max(0, next - Date.now()));
    }
    await Promise.all(calls);
    const api = await getAutoTopupJson(t.db, org.id); // right after the burst: the window still holds it
    await handOffsIdle();
    const peak = await eventually(
      async () => (await t.sql`SELECT max(peak_credits_per_second)::int AS p FROM usage_peaks WHERE org_id = ${org.id}`)[0]?.p as number | null,
      5000,
      "a stored peak",
    );
    const page = await loadBillingPage(t.db, org);
    const s = page.burnRate.suggestedThreshold;
    console.info(
      `[rate-aware] burst took ${Date.now() - t0} ms; API burn_rate ${api.burn_rate_per_second}/s, early: ${api.early_recharge.message}; stored peak ${peak}/s; suggestion ${s.credits} (${s.reason})`,
    );
    expect(peak).toBeGreaterThan(300); // ≈ 700/s on an idle machine; this one is shared
    expect(s.basis).toBe("peak_rate");
    // ≥ peak × the recharge time the suggestion used (the p95 of this org's recharges, or the default)
    expect(s.credits).toBeGreaterThanOrEqual(Math.floor((peak * s.rechargeP95Ms) / 1000));
    expect(s.credits).toBeGreaterThan(13); // a daily-average hour would be 2,100 credits / 168 h ≈ 13
    expect(api.burn_rate_per_second).toBeGreaterThan(0);
    expect(api.early_recharge.active).toBe(true);
    expect(api.early_recharge.message).toMatch(/^Recharging early: at [\d,]+ credits\/s your 100-credit threshold lasts 0\.\d\d s\.$/);
  }, 60_000);
});
