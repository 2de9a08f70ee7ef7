/**
 * The production web server (`npm start`, `npm run serve`, the e2e suite and `npm run bench` run it):
 * Node's `http` server answering the usage ingestion endpoints itself (lib/http/ingest-handler.ts) and
 * handing every other request to Next.js (a Next.js custom server). Expects the runtime prepared by
 * scripts/start.ts (DATABASE_URL, AUTH_SECRET, Stripe settings in the environment).
 *
 * The port is bound FIRST: if it cannot be (EADDRINUSE…), the process says so and exits 1 before Next.js,
 * the job worker or the database are touched. Requests arriving while Next.js prepares wait for it.
 * SIGTERM/SIGINT: stop accepting, drain the debit queue, stop pg-boss, close the pool, exit 0 (1 if the
 * shutdown takes longer than 30 s). `REFILL_WORKERS=N` (N > 1) runs N such processes behind PORT: see
 * scripts/lib/cluster.ts.
 */
import cluster from "node:cluster";
import { createServer } from "node:http";
import next from "next";
import { env } from "@/lib/env";
import { handleIngestRequest } from "@/lib/http/ingest-handler";
import { stopAppJobs } from "@/lib/jobs/start-app-jobs";
import { drainUsageQueues, installOrgAffinity } from "@/lib/usage/report-usage";
import { isAffinityMessage, type OrgAffinity } from "@/lib/usage/org-affinity";
import { closeDbHandle, getDb } from "@/db/client";
import { reportReadyToPrimary, runClusterPrimary, sendToPrimary } from "./lib/cluster";
import { listen, listenErrorMessage, shutdownGracefully } from "./lib/serve";

if (cluster.isPrimary && env().REFILL_WORKERS > 1) {
  runClusterPrimary(env().REFILL_WORKERS);
} else {
  await serve();
}

async function serve(): Promise<void> {
  process.title = "refill-server";
  const port = env().PORT;
  let handle: ((req: Parameters<typeof handleIngestRequest>[0], res: Parameters<typeof handleIngestRequest>[1]) => Promise<void>) | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const server = createServer((req, res) => {
    if (handle) return void handle(req, res);
    void ready.then(() => handle!(req, res));
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout

  try {
    await listen(server, port);
  } catch (err) {
    console.error(listenErrorMessage(err as NodeJS.ErrnoException, port));
    process.exit(1);
  }

  const app = next({ dev: false, port });
  let affinity: OrgAffinity | null = null;
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      affinity?.stopServing(); // debits forwarded here from now on are debited by their sender
      console.log(`${signal}: shutting down (draining debits, stopping jobs)…`);
      setTimeout(() => {
        console.error("Shutdown took longer than 30 s; exiting anyway.");
        process.exit(1);
      }, 30_000).unref();
      void shutdownGracefully(server, { drainDebits: drainUsageQueues, stopJobs: stopAppJobs, closeApp: () => app.close(), closePool: closeDbHandle }).then(
        () => {
          console.log("Refill stopped.");
          process.exit(0);
        },
      );
    });
  }

  await app.prepare();
  const nextHandle = app.getRequestHandler();
  handle = async (req, res) => {
    if (!handleIngestRequest(req, res)) await nextHandle(req, res);
  };
  if (cluster.isWorker && env().REFILL_WORKERS > 1 && process.env.REFILL_WORKER_INDEX) {
    // Org affinity (lib/usage/org-affinity.ts): each org's debits flushed by one process, forwarded through the primary.
    affinity = installOrgAffinity(getDb(), {
      self: Number(process.env.REFILL_WORKER_INDEX),
      workers: env().REFILL_WORKERS,
      send: sendToPrimary,
    });
    process.on("message", (m: unknown) => {
      if (isAffinityMessage(m)) affinity!.receive(m);
    });
  }
  markReady();
  reportReadyToPrimary();
  console.log(`▲ Refill listening on http://localhost:${port} (Next.js + usage ingestion${cluster.isWorker ? `, process ${process.pid}` : ""})`);
}
