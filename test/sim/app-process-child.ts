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
 * the recorded and running hand-offs; their durable jobs stay in `pgboss.job`.
 *
 * Prints `app-process listening on <url>` when ready. No unhandledRejection handler, as in scripts/server.ts:
 * a promise the app drops without a catch ends this process, and the simulator reports the death.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getDb, type Db } from "@/db/client";
import { databaseUrl } from "@/lib/env";
import { runJob } from "@/lib/jobs/handlers";
import { setJobSender, type JobName } from "@/lib/jobs/queue";
import { createJobSender } from "@/lib/jobs/worker";
import { startIngestServer } from "../support/ingest-server";

const boss = await createJobSender(databaseUrl(), getDb());
const handOffs: { db: Db | null; name: JobName; data: Record<string, unknown> }[] = [];
setJobSender({
  send: boss.send,
  handOff: async (db, name, data) => void handOffs.push({ db, name, data }),
});

function simRoute(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.url !== "/_sim/hand-offs") return false;
  const reply = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
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
