import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The benchmark's own Refill stack: the production build served by the same launcher as `npm start`. */
export const STACK = {
  port: 3300,
  pgPort: 54359,
  emulatorPort: 12311,
  dataDir: ".data/bench",
};
export const APP_URL = `http://127.0.0.1:${STACK.port}`;

export interface Stack {
  databaseUrl: string;
  webhookSecret: string;
  demo: { apiKey: string };
  serverPid: () => number | null;
  stop: () => Promise<void>;
}

/** Starts `scripts/start.ts --fresh` (embedded Postgres unless DATABASE_URL is set) and waits for it. */
export async function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const child: ChildProcess = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts", "--fresh"], {
    env: {
      ...env,
      PORT: String(STACK.port),
      APP_URL,
      REFILL_DATA_DIR: STACK.dataDir,
      EMBEDDED_PG_PORT: String(STACK.pgPort),
      STRIPE_EMULATOR_PORT: String(STACK.emulatorPort),
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout!.on("data", (c) => (log += c));
  child.stderr!.on("data", (c) => (log += c));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the stack exited early:\n${log}`);
    const ok = await fetch(`${APP_URL}/api/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the stack did not start in time:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const dataDir = path.resolve(STACK.dataDir);
  const databaseUrl = env.DATABASE_URL ?? `postgres://postgres:refill-local@127.0.0.1:${STACK.pgPort}/refill`;
  return {
    databaseUrl,
    webhookSecret: readFileSync(path.join(dataDir, "stripe-webhook-secret"), "utf8").trim(),
    demo: JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")),
    serverPid: () => findServerPid(child.pid!),
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // the launcher's process group is already gone
      }
      await new Promise((r) => setTimeout(r, 1500));
    },
  };
}

/** The web server: the descendant of the launcher titled `refill-server` (scripts/server.ts). */
function findServerPid(launcherPid: number): number | null {
  const parentOf = (pid: string) => Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (!/refill-server|scripts\/server\.ts/.test(cmd)) continue;
      for (let p = entry, hops = 0; p && p !== "1" && hops < 6; p = String(parentOf(p)), hops++) {
        if (Number(p) === launcherPid) return Number(entry);
      }
    } catch {
      // the process exited while we read /proc: not ours
    }
  }
  return null;
}

/** Peak resident memory (VmHWM) of a process, MiB; null if unknown. */
export function peakRssMiB(pid: number | null): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}
