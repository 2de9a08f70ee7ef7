import { beforeAll, describe, expect, it } from "vitest";
import { createLogger, setLogger } from "@/lib/log";
import { runSimulation } from "../sim/simulate";
import { createTestDb } from "../support/test-db";

// The seeded fault simulation (test/sim, `npm run simulate:faults`) on a fixed set of short seeds: usage,
// batches, holds, client retries, settings, Top Up Now, card changes, Stripe and webhook faults, forgotten
// keys, crashes, jobs and reconciliation against the real engine, every invariant checked every 50 ops and
// after the quiesce. Long runs: `npm run simulate:faults -- --seed N --ops 100000` (README, Tests).
const SEEDS = [1, 2, 3, 4];
const OPS = 150;

describe("fault simulation (short seeds)", () => {
  // the faults make the app log errors by design (cut pools, Stripe 5xx): keep the test output readable
  beforeAll(() => setLogger(createLogger({ level: "silent" })));

  it.each(SEEDS)(
    "seed %i: every invariant holds",
    async (seed) => {
      const t = await createTestDb();
      try {
        const r = await runSimulation({ seed, ops: OPS, dbUrl: t.url, checkEvery: 50 });
        expect(r.violations, `seed ${seed} (re-run: npm run simulate:faults -- --seed ${seed} --ops ${r.failedAtOp})`).toEqual([]);
        expect(r.counts.usage).toBeGreaterThan(0);
      } finally {
        await t.drop();
      }
    },
    150_000,
  );
});
