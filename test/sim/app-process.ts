import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { sql } from "drizzle-orm";
import { clockOffsetMs } from "@/lib/clock";
import { runJob } from "@/lib/jobs/handlers";
import type { JobName } from "@/lib/jobs/queue";
import type { Background, OpKind } from "./ops";
import type { Rng } from "./rng";
import type { Violation } from "./invariants";
import type { World } from "./world";

/**
 * The simulation's second app process (test/sim/app-process-child.ts): a real Node process on the same
 * database with its own pool and debit coalescer, killed (SIGKILL) and restarted by the crash op.
 */
export interface AppProcess {
  /** the running process's base URL (a new port after each restart) */
  readonly url: string;
  /** SIGKILLs the process (requests and hand-offs in flight die with it), then starts a fresh one */
  killAndRestart: () => Promise<void>;
  /** runs the process's recorded hand-offs there; resolves with how many failed once all are done */
  runHandOffs: () => Promise<number>;
  /** hand-offs recorded in the process and not run yet */
  pendingHandOffs: () => Promise<number>;
  /** moves the process's app clock (`setClockOffsetMs` there) to this process's offset; a restart keeps it */
  syncClock: () => Promise<void>;
  /**
   * ops routed to it, kills (each followed by a restart), its hand-offs run and durable jobs claimed (counts),
   * and deaths nobody asked for (each with the process's last output)
   */
  stats: { ops: number; kills: number; handOffs: number; jobs: number; deaths: { code: number | null; signal: string | null; output: string }[] };
  stop: () => Promise<void>;
}

let bundled: Promise<string> | undefined;

/**
 * The child's entry bundled once per simulator process, as `build:server` bundles scripts/server.ts (esbuild,
 * packages external; under dist/ so that node_modules resolves; removed at exit): a start takes ~1.5 s on a
 * busy 2-core machine where `node --import tsx` took ~3.5 s. Plain `node` runs it: a SIGKILL reaches the server.
 */
function bundle(): Promise<string> {
  return (bundled ??= (async () => {
    const outfile = path.resolve("dist", `sim-app-process-${process.pid}.mjs`);
    const entry = path.join(import.meta.dirname, "app-process-child.ts");
    await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outfile, logLevel: "warning" });
    process.once("exit", () => rmSync(outfile, { force: true }));
    return outfile;
  })());
}

/** Spawns the child with this process's env (DATABASE_URL, the harness's STRIPE_* and extra settings) and waits for its URL. */
async function spawnChild(onDeath: (d: AppProcess["stats"]["deaths"][number]) => void): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [await bundle()], {
    env: { ...process.env, LOG_LEVEL: "silent", SIM_CLOCK_OFFSET_MS: String(clockOffsetMs()) }, // a restart keeps the moved clock
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-4000)); // read both pipes: a full pipe blocks the child
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app process did not start in 60 s:\n${out}`)), 60_000);
    child.stdout!.on("data", () => {
      const m = /app-process listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`app process exited (${code ?? signal}) before it listened:\n${out}`));
      if (!(child as { killedBySim?: boolean }).killedBySim) onDeath({ code, signal, output: out });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

/** Starts the second app process (the first start also bundles it: about 2.5 s in all on a busy machine). */
export async function startAppProcess(): Promise<AppProcess> {
  const stats: AppProcess["stats"] = { ops: 0, kills: 0, handOffs: 0, jobs: 0, deaths: [] };
  const onDeath = (d: AppProcess["stats"]["deaths"][number]) => void stats.deaths.push(d);
  let cur = await spawnChild(onDeath);
  const kill = async (signal: NodeJS.Signals) => {
    (cur.child as { killedBySim?: boolean }).killedBySim = true;
    cur.child.kill(signal);
    await exited(cur.child);
  };
  const handOffs = async (method: "GET" | "POST") => {
    const res = await fetch(`${cur.url}/_sim/hand-offs`, { method, signal: AbortSignal.timeout(120_000) });
    return (await res.json()) as { pending?: number; ran?: number; failed?: number };
  };
  return {
    get url() {
      return cur.url;
    },
    killAndRestart: async () => {
      await kill("SIGKILL");
      stats.kills++;
      cur = await spawnChild(onDeath);
    },
    runHandOffs: async () => {
      const r = await handOffs("POST");
      stats.handOffs += r.ran ?? 0;
      return r.failed ?? 0;
    },
    pendingHandOffs: async () => (await handOffs("GET")).pending ?? 0,
    syncClock: async () => {
      const res = await fetch(`${cur.url}/_sim/clock`, {
        method: "POST",
        body: JSON.stringify({ offsetMs: clockOffsetMs() }),
        signal: AbortSignal.timeout(30_000),
      });
      const moved = res.ok ? ((await res.json()) as { offsetMs: number }).offsetMs : null;
      if (moved !== clockOffsetMs()) throw new Error(`app process clock: ${res.status}, offset ${moved} instead of ${clockOffsetMs()}`);
    },
    stats,
    stop: () => kill("SIGTERM"),
  };
}

/** The ops whose requests go to an app process: the one drawn (`routeOp`); a routed crash kills that process. */
const ROUTED: ReadonlySet<OpKind> = new Set<OpKind>(["usage", "retry", "batch", "hold", "burst", "crash"]);

/**
 * The world an op sees: with a second process, a usage op draws (before any I/O) which process serves its
 * requests — this one (`world`) or the child, through a view whose `ingestUrl` is the child's current URL and
 * whose `crash()` kills and restarts the child. Other ops, and runs with one process, draw nothing.
 */
export function routeOp(kind: OpKind, rng: Rng, world: World): World {
  const app = world.child;
  if (!app || !ROUTED.has(kind) || rng.chance(0.5)) return world;
  app.stats.ops++;
  return new Proxy(world, {
    get: (w, k) => (k === "ingestUrl" ? app.url : k === "crash" ? app.killAndRestart : Reflect.get(w, k)),
  });
}

/**
 * The "worker" for the child's durable jobs: claims every `recharge.*` row the child queued in `pgboss.job`
 * (marked completed at once, its start delay ignored: the in-process queue runs its jobs at the next `jobs` op
 * too, once, in order) and runs them on the current in-process pool, while the child runs its own hand-offs.
 * Rejects when the child is unreachable (killed) or a job threw.
 */
export async function runChildWork(world: World, bg: Background): Promise<void> {
  const db = world.db();
  const rows = (await db.execute(sql`
    WITH c AS (UPDATE pgboss.job SET state = 'completed', completed_on = now()
      WHERE name IN ('recharge.charge', 'recharge.trigger') AND state = 'created' RETURNING name, data, created_on)
    SELECT name, data FROM c ORDER BY created_on`)) as unknown as { name: JobName; data: Record<string, unknown> }[];
  world.child!.stats.jobs += rows.length;
  const jobs = Promise.all(rows.map((j) => runJob(db, j.name, j.data).catch(() => void bg.errors++)));
  const [handOffs] = await Promise.allSettled([world.child!.runHandOffs(), jobs]);
  if (handOffs.status === "rejected") throw handOffs.reason;
  bg.errors += handOffs.value;
}

/** Work the child still holds: its unrun hand-offs plus its unclaimed `recharge.*` jobs (the quiesce waits for 0). */
export async function childPending(world: World): Promise<number> {
  if (!world.child) return 0;
  const [q] = await world.check<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('recharge.charge', 'recharge.trigger') AND state = 'created'`;
  return q!.n + (await world.child.pendingHandOffs());
}

/** The child died without being killed (an uncaught exception or unhandled rejection ends it, as in production). */
export function childDeaths(world: World): Violation[] {
  return (world.child?.stats.deaths ?? []).map((d) => ({ invariant: "the app process never dies unasked", details: d }));
}
