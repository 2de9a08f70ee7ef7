import { getDb } from "@/db/client";
import { databaseUrl, env } from "@/lib/env";
import { handOffsIdle, setJobSenderFactory } from "./queue";
import { createJobSender, JOB_NAMES, startJobWorker } from "./worker";
import { logger } from "@/lib/log";

const g = globalThis as unknown as {
  refillJobsStarted?: boolean;
  refillWorkerStatus?: "starting" | "running" | "failed";
  /** what `stopAppJobs` stops (globalThis: instrumentation runs in Next's bundle, the server script outside it) */
  refillJobStops?: (() => Promise<void>)[];
};

/** For GET /api/ready: whether this process's worker runs (globalThis: instrumentation and routes are separate bundles). */
export function jobWorkerStatus(): "running" | "starting" | "failed" | "disabled" {
  if (env().REFILL_DISABLE_WORKER) return "disabled";
  return g.refillWorkerStatus ?? "starting";
}

/** Called once from `instrumentation.ts`: the queue for this process, and the worker unless disabled. */
export async function startAppJobs(): Promise<void> {
  if (g.refillJobsStarted) return;
  g.refillJobsStarted = true;
  g.refillJobStops = [];
  setJobSenderFactory(async () => {
    const sender = await createJobSender(databaseUrl(), getDb());
    g.refillJobStops!.push(sender.stop);
    return sender;
  });
  if (env().REFILL_DISABLE_WORKER) return;
  g.refillWorkerStatus = "starting";
  try {
    const worker = await startJobWorker({ db: getDb(), connectionString: databaseUrl() });
    g.refillJobStops.push(worker.stop);
    g.refillWorkerStatus = "running";
    logger.info({ component: "jobs", queues: JOB_NAMES }, "worker started");
  } catch (err) {
    g.refillWorkerStatus = "failed";
    logger.error({ err, component: "jobs" }, "worker failed to start");
  }
}

/**
 * Graceful stop (SIGTERM): waits for the in-process hand-offs, then stops this process's pg-boss
 * instances (the worker finishes its active jobs, up to 10 s). Safe to call when nothing was started.
 */
export async function stopAppJobs(): Promise<void> {
  await handOffsIdle();
  const stops = g.refillJobStops ?? [];
  g.refillJobStops = [];
  for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.error({ err, component: "jobs" }, "pg-boss did not stop cleanly"));
  g.refillWorkerStatus = undefined;
}
