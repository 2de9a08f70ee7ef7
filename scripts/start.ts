/**
 * `npm start` (after `next build`) and `npm run dev`: prepares the runtime (database, migrations,
 * Stripe emulator, seed) and runs the web server on PORT: scripts/server.ts, or `next dev` with --dev.
 * Flags: --dev, --fresh (wipe REFILL_DATA_DIR first: used by the e2e suite and the benchmark).
 */
import path from "node:path";
import { spawn } from "node:child_process";
import { env } from "@/lib/env";
import { onShutdown } from "./lib/processes";
import { prepareRuntime, printCredentials } from "./lib/runtime";

const dev = process.argv.includes("--dev");
const runtime = await prepareRuntime({ fresh: process.argv.includes("--fresh") });
const cfg = env();
// Development: `next dev` (hot reload) serves every route. Production: scripts/server.ts, Next.js behind the
// lean usage-ingestion path.
const args = dev
  ? [path.resolve("node_modules/next/dist/bin/next"), "dev", "-p", String(cfg.PORT)]
  : ["--import", "tsx", path.resolve("scripts/server.ts")];
const next = spawn(process.execPath, args, {
  env: dev ? process.env : { ...process.env, NODE_ENV: "production" },
  stdio: ["ignore", "inherit", "inherit"],
});
runtime.children.push(next);
onShutdown(() => runtime.children, runtime.stop);
next.on("exit", async (code) => {
  await runtime.stop();
  process.exit(code ?? 0);
});
setTimeout(() => printCredentials(runtime.seeded, cfg.APP_URL), 1500);
