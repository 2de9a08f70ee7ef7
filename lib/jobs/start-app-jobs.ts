import { getDb } from "@/db/client";
import { databaseUrl, env } from "@/lib/env";
import { setJobSenderFactory } from "./queue";
import { createJobSender, JOB_NAMES, startJobWorker } from "./worker";
import { logger } from "@/lib/log";

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
    logger.info({ component: "jobs", queues: JOB_NAMES }, "worker started");
  } catch (err) {
    g.refillWorkerStatus = "failed";
    logger.error({ err, component: "jobs" }, "worker failed to start");
  }
}
