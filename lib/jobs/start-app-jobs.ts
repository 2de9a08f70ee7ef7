import { getDb } from "@/db/client";
import { databaseUrl, env } from "@/lib/env";
import { setJobSenderFactory } from "./queue";
import { createJobSender, startJobWorker } from "./worker";

const g = globalThis as unknown as { refillJobsStarted?: boolean; refillWorkerStatus?: "starting" | "running" | "failed" };

/** For GET /api/ready: whether this process's worker runs (globalThis: instrumentation and routes are separate bundles). */
export function jobWorkerStatus(): "running" | "starting" | "failed" | "disabled" {
  if (env().REFILL_DISABLE_WORKER) return "disabled";
  return g.refillWorkerStatus ?? "starting";
}

/** Called once from `instrumentation.ts`: the queue for this process, and the worker unless disabled. */
export async function startAppJobs(): Promise<void> {
  if (g.refillJobsStarted) return;
  g.refillJobsStarted = true;
  setJobSenderFactory(() => createJobSender(databaseUrl(), getDb()));
  if (env().REFILL_DISABLE_WORKER) return;
  g.refillWorkerStatus = "starting";
  try {
    await startJobWorker({ db: getDb(), connectionString: databaseUrl() });
    g.refillWorkerStatus = "running";
    console.info("[jobs] worker started (recharge.charge, recharge.trigger, reconcile, email, plans.free-periods)");
  } catch (err) {
    g.refillWorkerStatus = "failed";
    console.error("[jobs] worker failed to start:", err);
  }
}
