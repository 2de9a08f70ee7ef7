import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/support/config";

/**
 * Browser tests in Debian's Chromium against the production build (`next build` first), served by the
 * same launcher as `npm start` on a fresh data dir: embedded PostgreSQL, stripe-emulator, seed.
 */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 2, // test files in parallel against the one server (each builds its own orgs; only foundation.spec reads the seed)
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: true,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: E2E.appUrl,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    },
  },
  webServer: {
    command: "node node_modules/tsx/dist/cli.mjs scripts/start.ts --fresh",
    url: `${E2E.appUrl}/api/ready`, // 503 until database, migrations and worker are ready
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: E2E.serverEnv,
  },
});
