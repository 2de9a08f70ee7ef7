/**
 * `npm start` (after `next build`) and `npm run dev`: prepares the runtime (database, migrations,
 * Stripe emulator, seed) and runs the Next.js server on PORT. Flags: --dev (next dev), --fresh (wipe
 * REFILL_DATA_DIR first: used by the e2e suite).
 */
import path from "node:path";
import { spawn } from "node:child_process";
import { env } from "@/lib/env";
import { onShutdown } from "./lib/processes";
import { prepareRuntime, printCredentials } from "./lib/runtime";

const dev = process.argv.includes("--dev");
const runtime = await prepareRuntime({ fresh: process.argv.includes("--fresh") });
const cfg = env();
const next = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), dev ? "dev" : "start", "-p", String(cfg.PORT)], {
  env: process.env,
  stdio: ["ignore", "inherit", "inherit"],
});
runtime.children.push(next);
onShutdown(() => runtime.children, runtime.stop);
next.on("exit", async (code) => {
  await runtime.stop();
  process.exit(code ?? 0);
});
setTimeout(() => printCredentials(runtime.seeded, cfg.APP_URL), 1500);
