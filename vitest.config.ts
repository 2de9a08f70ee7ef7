import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const alias = { "@": path.resolve(import.meta.dirname) };

/**
 * The test files that take longest (about 15–80 s each on 2 cores, the rest 0.1–8 s): started first, so the last
 * minute of a run is not one of them alone on one worker while the other idles. Vitest orders a run it has no
 * timings for (a fresh clone, CI) by file size, which put the small fault-simulation file last.
 */
const LONG_FILES = [
  "test/integration/auto-recharge.test.ts",
  "test/integration/fault-simulation.test.ts",
  "test/integration/unknown-outcome.test.ts",
  "test/integration/grace.test.ts",
  "test/integration/job-worker-start.test.ts",
  "stripe-emulator/test/browser.test.ts",
];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONG_FILES.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? LONG_FILES.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}

export default defineConfig({
  test: {
    maxWorkers: 2,
    sequence: { sequencer: LongFilesFirst },
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["lib/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // the emulator's own suite (also runnable alone: npm run test:emulator)
        test: {
          name: "emulator",
          include: ["stripe-emulator/test/**/*.test.ts"],
          environment: "node",
          pool: "forks",
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
