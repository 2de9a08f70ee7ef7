import PgBoss from "pg-boss";
import type { Db } from "@/db/client";
import { runJob } from "./handlers";
import { setJobSender, type JobName, type JobSender } from "./queue";

export const JOB_NAMES: JobName[] = ["recharge.charge", "recharge.trigger", "reconcile", "email", "plans.free-periods"];

function senderOf(boss: PgBoss): JobSender {
  return {
    send: async (name, data, opts) => {
      await boss.send(name, data, { singletonKey: opts?.singletonKey, retryLimit: name === "email" ? 5 : 2, retryDelay: 5, retryBackoff: true });
    },
  };
}

async function startBoss(connectionString: string, work: boolean): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString, max: 4, supervise: work, schedule: work });
  boss.on("error", (err) => console.error("[jobs] pg-boss error:", err));
  await boss.start();
  for (const name of JOB_NAMES) await boss.createQueue(name);
  return boss;
}

/** A send-only queue (the web process when the worker runs elsewhere). */
export async function createJobSender(connectionString: string): Promise<JobSender> {
  return senderOf(await startBoss(connectionString, false));
}

/**
 * Starts the pg-boss worker on our Postgres: recharge.charge, recharge.trigger, email, a reconcile
 * job every minute and the Free plan's period renewal (plans.free-periods) every hour. Installs itself as the process's job sender. Returns `stop`.
 */
export async function startJobWorker(p: { db: Db; connectionString: string; pollingIntervalSeconds?: number }): Promise<{ stop: () => Promise<void> }> {
  const boss = await startBoss(p.connectionString, true);
  setJobSender(senderOf(boss));
  const opts = { pollingIntervalSeconds: p.pollingIntervalSeconds ?? 1, batchSize: 1 };
  for (const name of JOB_NAMES) {
    await boss.work<Record<string, unknown>>(name, opts, async (jobs) => {
      for (const job of jobs) await runJob(p.db, name, job.data ?? {});
    });
  }
  await boss.schedule("reconcile", "* * * * *");
  await boss.schedule("plans.free-periods", "7 * * * *");
  return {
    stop: async () => {
      setJobSender(null);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
