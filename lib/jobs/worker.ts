import PgBoss from "pg-boss";
import type { Db } from "@/db/client";
import { runJob } from "./handlers";
import { setJobSender, type JobName, type JobSender } from "./queue";
import { logger } from "@/lib/log";

export const JOB_NAMES: JobName[] = [
  "recharge.charge",
  "recharge.trigger",
  "reconcile",
  "email",
  "plans.free-periods",
  "holds.expire",
  "webhooks.deliver",
  "webhooks.sweep",
  "invoice.issue",
  "alerts.check",
  "alerts.sweep",
  "campaigns.check",
  "campaigns.sweep",
  "allocations.run",
];

/** pg-boss as the process's queue; hand-offs without a `db` of their own run on `db`. */
function senderOf(boss: PgBoss, db: Db | null): JobSender {
  return {
    handOff: async (callerDb, name, data) => {
      const onDb = callerDb ?? db;
      if (!onDb) throw new Error(`hand-off ${name}: no database`);
      await runJob(onDb, name, data);
    },
    send: async (name, data, opts) => {
      await boss.send(name, data, {
        singletonKey: opts?.singletonKey,
        startAfter: opts?.startAfterSeconds && opts.startAfterSeconds > 0 ? opts.startAfterSeconds : undefined,
        retryLimit: name === "email" ? 5 : 2,
        retryDelay: 5,
        retryBackoff: true,
        // in the caller's transaction when it passed one (see enqueueJob's `tx`)
        db: opts?.db as PgBoss.Db | undefined,
      });
    },
  };
}

async function startBoss(connectionString: string, work: boolean): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString, max: 4, supervise: work, schedule: work });
  boss.on("error", (err) => logger.error({ err, component: "jobs" }, "pg-boss error"));
  await boss.start();
  for (const name of JOB_NAMES) await createQueueRetrying(boss, name);
  return boss;
}

/**
 * `createQueue` is idempotent, but two processes starting together on a fresh database (REFILL_WORKERS=2)
 * can deadlock inside pg-boss's create_queue (each adds a partition and its foreign key): Postgres aborts
 * one with 40P01 and the other completes. The aborted one tries again; by then the queue exists.
 */
async function createQueueRetrying(boss: PgBoss, name: string, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await boss.createQueue(name);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== "40P01" && code !== "23505")) throw err;
      await new Promise((r) => setTimeout(r, 50 * i + Math.floor(Math.random() * 100)));
    }
  }
}

/** A send-only queue (the web process when the worker runs elsewhere). */
export async function createJobSender(connectionString: string, db: Db | null = null): Promise<JobSender & { stop: () => Promise<void> }> {
  const boss = await startBoss(connectionString, false);
  return { ...senderOf(boss, db), stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) };
}

/** pg-boss v10's floor: it refuses a polling interval below 0.5 s. */
const MIN_POLLING_INTERVAL_SECONDS = 0.5;

/**
 * Starts the pg-boss worker on our Postgres: recharge.charge, recharge.trigger, email, a reconcile
 * job every minute and the Free plan's period renewal (plans.free-periods) every hour. Installs itself as
 * the process's job sender. Polls every 0.5 s (pg-boss v10's minimum): the durable jobs are the fallback
 * behind the in-process hand-off, and a job left by a crashed process is picked up within a second of
 * its start time. Returns `stop`.
 */
export async function startJobWorker(p: { db: Db; connectionString: string; pollingIntervalSeconds?: number }): Promise<{ stop: () => Promise<void> }> {
  const boss = await startBoss(p.connectionString, true);
  setJobSender(senderOf(boss, p.db));
  const opts = { pollingIntervalSeconds: Math.max(MIN_POLLING_INTERVAL_SECONDS, p.pollingIntervalSeconds ?? MIN_POLLING_INTERVAL_SECONDS), batchSize: 1 };
  for (const name of JOB_NAMES) {
    await boss.work<Record<string, unknown>>(name, opts, async (jobs) => {
      for (const job of jobs) await runJob(p.db, name, job.data ?? {});
    });
  }
  await boss.schedule("reconcile", "* * * * *");
  await boss.schedule("plans.free-periods", "7 * * * *");
  await boss.schedule("holds.expire", "* * * * *");
  await boss.schedule("webhooks.sweep", "* * * * *");
  await boss.schedule("alerts.sweep", "* * * * *");
  await boss.schedule("campaigns.sweep", "* * * * *");
  await boss.schedule("allocations.run", "*/5 * * * *");
  return {
    stop: async () => {
      setJobSender(null);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
