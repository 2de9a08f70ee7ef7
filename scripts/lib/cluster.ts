import cluster, { type Worker } from "node:cluster";

/**
 * `REFILL_WORKERS=N` (N > 1): this process becomes the cluster's primary and runs N web processes that
 * share PORT (Node's cluster: the primary accepts, the workers serve). Each worker is the ordinary web server
 * (its own debit coalescer, pg-boss worker and database pool); the database keeps them consistent.
 *
 * - A worker that exits with 1 before it is ready (the port is taken, a bad configuration) stops the others and
 *   the primary exits 1 with the worker's message already printed.
 * - A worker that dies after it was ready (a crash, `kill -9`) is replaced; its accepted requests are lost
 *   with it, exactly as for a single process (clients retry with their idempotency key).
 * - SIGTERM/SIGINT is passed to every worker; each drains (debits, jobs, pool); the primary exits 0 once
 *   all have exited (1 if one failed to stop cleanly).
 * Workers report readiness with `process.send({ refill: "ready" })`.
 */
export function runClusterPrimary(workers: number, log: (line: string) => void = console.log, exec?: string): void {
  process.title = "refill-primary";
  if (exec) cluster.setupPrimary({ exec }); // tests: a stand-in web process
  let stopping = false;
  let failedStop = false;
  const ready = new Set<number>();
  const fork = () => {
    const worker = cluster.fork();
    worker.on("message", (msg: unknown) => {
      if ((msg as { refill?: string })?.refill !== "ready") return;
      ready.add(worker.id);
      if (ready.size === workers) log(`Refill cluster: ${workers} web processes ready`);
    });
    return worker;
  };
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
  const stopAll = (signal: NodeJS.Signals) => {
    for (const w of alive()) w.process.kill(signal);
  };
  cluster.on("exit", (worker, code, signal) => {
    const wasReady = ready.delete(worker.id);
    if (stopping) {
      if (code !== 0) failedStop = true;
      if (alive().length === 0) process.exit(failedStop ? 1 : 0);
      return;
    }
    if (!wasReady && code === 1) {
      stopping = true;
      failedStop = true;
      stopAll("SIGTERM");
      if (alive().length === 0) process.exit(1);
      return;
    }
    log(`Refill cluster: web process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement`);
    fork();
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping ${alive().length} web processes…`);
      stopAll("SIGTERM");
    });
  }
  for (let i = 0; i < workers; i++) fork();
}

/** True in a cluster worker: it tells the primary when it serves. */
export function reportReadyToPrimary(): void {
  if (cluster.isWorker) process.send?.({ refill: "ready" });
}
