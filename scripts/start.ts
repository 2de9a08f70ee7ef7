/**
 * `npm start` (after `next build`) and `npm run dev`: prepares the runtime (database, migrations,
 * Stripe emulator, seed) and runs the web server on PORT: scripts/server.ts, or `next dev` with --dev.
 * Flags: --dev, --fresh (wipe REFILL_DATA_DIR first: used by the e2e suite and the benchmark).
 */
import path from "node:path";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { env } from "@/lib/env";
import { onShutdown } from "./lib/processes";
import { prepareRuntime, printCredentials } from "./lib/runtime";

const dev = process.argv.includes("--dev");
const runtime = await prepareRuntime({ fresh: process.argv.includes("--fresh") });
const cfg = env();
// Development: `next dev` (hot reload) serves every route. Production: scripts/server.ts compiled by
// `npm run build` to dist/server.mjs (plain JavaScript, no TypeScript loader), Next.js behind the lean
// usage-ingestion path.
// A larger young generation (V8's semi-space, 16 MiB by default): a 1,000-event batch allocates ≈ 1 MiB of
// short-lived objects, and with the default the server spent 18 % of its CPU collecting them; with 32 MiB its CPU
// per batch fell by 15–25 % (bench/README § Performance). Cluster workers inherit the flag (execArgv).
const SERVER_V8_FLAGS = ["--max-semi-space-size=32"];
const args = dev ? [path.resolve("node_modules/next/dist/bin/next"), "dev", "-p", String(cfg.PORT)] : [...SERVER_V8_FLAGS, serverBundle()];
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
// the credentials once the app answers GET /api/ready (database, migrations, worker), not on a guess
void waitUntilReady(`http://127.0.0.1:${cfg.PORT}/api/ready`, 180_000).then((ready) => {
  if (!ready) console.error(`Refill did not become ready within 180 s: see GET /api/ready for what is missing.`);
  printCredentials(runtime.seeded, cfg.APP_URL);
});

function serverBundle(): string {
  const bundle = path.resolve("dist/server.mjs");
  if (!existsSync(bundle)) {
    console.error("dist/server.mjs is missing: run `npm run build` first (it compiles the production server).");
    process.exit(1);
  }
  return bundle;
}

async function waitUntilReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
