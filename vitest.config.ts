import path from "node:path";
import { defineConfig } from "vitest/config";
import LongFilesFirst from "./test/support/long-files-first";

const alias = { "@": path.resolve(import.meta.dirname) };

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
