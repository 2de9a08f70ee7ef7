import { getDb } from "@/db/client";
import { databaseUrl, env } from "@/lib/env";
import { setJobSenderFactory } from "./queue";
import { createJobSender, startJobWorker } from "./worker";

const g = globalThis as unknown as { refillJobsStarted?: boolean };

/** Called once from `instrumentation.ts`: the queue for this process, and the worker unless disabled. */
export async function startAppJobs(): Promise<void> {
  if (g.refillJobsStarted) return;
  g.refillJobsStarted = true;
  setJobSenderFactory(() => createJobSender(databaseUrl()));
  if (env().REFILL_DISABLE_WORKER) return;
  try {
    await startJobWorker({ db: getDb(), connectionString: databaseUrl() });
    console.info("[jobs] worker started (recharge.charge, recharge.trigger, reconcile, email, plans.free-periods)");
  } catch (err) {
    console.error("[jobs] worker failed to start:", err);
  }
}
