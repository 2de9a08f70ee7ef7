/**
 * The fault simulation's second app process (spawned by test/sim/app-process.ts with `node --import tsx`; env:
 * DATABASE_URL, the STRIPE_* URLs of the emulator and the rest the harness gives the in-process app). What a
 * production web process with the worker elsewhere (`REFILL_DISABLE_WORKER=1`) has: its own pool, its own
 * debit coalescer and burn-rate tracker, and pg-boss as a send-only queue (`createJobSender`, as
 * `startAppJobs`' factory builds it), so a durable job is a `pgboss.job` row in the caller's transaction.
 *
 * Serves the usage ingestion endpoints (test/support/ingest-server.ts) plus one simulator route:
 * `POST /_sim/hand-offs` runs the in-process hand-offs recorded since the last call (as the in-process app's
 * `queue: "manual"` harness defers them to the simulator's `jobs` op) and answers `{ ran, failed }` (counts)
 * once they are done; `GET /_sim/hand-offs` answers `{ pending }` (count) without running them. A SIGKILL loses
 * the recorded and running hand-offs; their durable jobs stay in `pgboss.job`. `POST /_sim/clock` `{ offsetMs }`
 * moves this process's app clock with the simulator's (`monthEnd`); env `SIM_CLOCK_OFFSET_MS` sets it at start.
 *
 * Prints `app-process listening on <url>` when ready. No unhandledRejection handler, as in scripts/server.ts:
 * a promise the app drops without a catch ends this process, and the simulator reports the death.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getDb, type Db } from "@/db/client";
import { clockOffsetMs, setClockOffsetMs } from "@/lib/clock";
import { databaseUrl } from "@/lib/env";
import { runJob } from "@/lib/jobs/handlers";
import { setJobSender, type JobName } from "@/lib/jobs/queue";
import { createJobSender } from "@/lib/jobs/worker";
import { startIngestServer } from "../support/ingest-server";

if (process.env.SIM_CLOCK_OFFSET_MS) setClockOffsetMs(Number(process.env.SIM_CLOCK_OFFSET_MS));
const boss = await createJobSender(databaseUrl(), getDb());
const handOffs: { db: Db | null; name: JobName; data: Record<string, unknown> }[] = [];
setJobSender({
  send: boss.send,
  handOff: async (db, name, data) => void handOffs.push({ db, name, data }),
});

function simRoute(req: IncomingMessage, res: ServerResponse): boolean {
  const reply = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (req.url === "/_sim/clock" && req.method === "POST") {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      setClockOffsetMs(Number((JSON.parse(body) as { offsetMs: number }).offsetMs));
      reply({ offsetMs: clockOffsetMs() });
    });
    return true;
  }
  if (req.url !== "/_sim/hand-offs") return false;
  if (req.method === "GET") {
    reply({ pending: handOffs.length });
    return true;
  }
  const work = handOffs.splice(0);
  void Promise.allSettled(work.map((w) => runJob(w.db ?? getDb(), w.name, w.data))).then((r) =>
    reply({ ran: work.length, failed: r.filter((x) => x.status === "rejected").length }),
  );
  return true;
}

const server = await startIngestServer(simRoute);
console.log(`app-process listening on ${server.url}`);
