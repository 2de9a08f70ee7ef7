import cluster, { type Worker } from "node:cluster";
import { isAffinityMessage, type AffinityMessage } from "@/lib/usage/org-affinity";

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
 * - Org affinity: worker i is started with `REFILL_WORKER_INDEX=i` (a replacement gets the index it replaces) and
 *   the primary relays the debits a worker forwards to an org's owner (lib/usage/org-affinity.ts): to a ready
 *   owner, else `unrouted` back (the sender debits it itself); when an owner exits, each debit forwarded to it and
 *   not yet answered is answered `applied: "unknown"`.
 * Workers report readiness with `process.send({ refill: "ready" })`.
 */
export function runClusterPrimary(workers: number, log: (line: string) => void = console.log, exec?: string): void {
  process.title = "refill-primary";
  // structured clone over IPC: a forwarded debit's results keep their Dates
  cluster.setupPrimary({ serialization: "advanced", ...(exec ? { exec } : {}) });
  let stopping = false;
  let failedStop = false;
  const ready = new Set<number>();
  const byIndex = new Map<number, Worker>();
  const relay = createAffinityRelay((index) => {
    const w = byIndex.get(index);
    return w && ready.has(w.id) && !w.isDead() ? w : null;
  });
  const fork = (index: number) => {
    const worker = cluster.fork({ REFILL_WORKER_INDEX: String(index) });
    byIndex.set(index, worker);
    worker.on("message", (msg: unknown) => {
      if (isAffinityMessage(msg)) return relay.relay(msg, index);
      if ((msg as { refill?: string })?.refill !== "ready") return;
      ready.add(worker.id);
      if (ready.size === workers) log(`Refill cluster: ${workers} web processes ready`);
    });
    worker.on("exit", () => relay.exited(index));
    return worker;
  };
  const indexOf = (worker: Worker) => [...byIndex].find(([, w]) => w === worker)?.[0] ?? -1;
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
    fork(indexOf(worker));
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping ${alive().length} web processes…`);
      stopAll("SIGTERM");
    });
  }
  for (let i = 0; i < workers; i++) fork(i);
}

/**
 * The primary's relay of forwarded debits. `readyWorker(i)`: worker i when it is ready and alive, else null. Tracks
 * each debit forwarded to an owner until it is answered, so that an owner's exit answers them `applied: "unknown"`.
 */
export function createAffinityRelay(readyWorker: (index: number) => { send: (msg: AffinityMessage) => unknown } | null) {
  /** by owner index: the debits forwarded to it and not yet answered (by id), with their sender's index */
  const open = new Map<number, Map<string, number>>();
  const deliver = (msg: AffinityMessage): boolean => {
    const w = readyWorker(msg.to);
    if (!w) return false;
    try {
      w.send(msg);
      return true;
    } catch {
      return false; // its channel closed as it exits
    }
  };
  return {
    /** A message from worker `source`: a debit to forward to its owner, or an owner's answer to its sender. */
    relay(msg: AffinityMessage, source: number): void {
      if (msg.refill !== "debit") {
        open.get(source)?.delete(msg.id);
        deliver(msg);
        return;
      }
      let forwarded = open.get(msg.to);
      if (!forwarded) open.set(msg.to, (forwarded = new Map()));
      forwarded.set(msg.id, msg.from);
      if (!deliver(msg)) {
        forwarded.delete(msg.id);
        deliver({ refill: "debit-unrouted", id: msg.id, to: msg.from });
      }
    },
    /** Owner `index` exited: each debit forwarded to it and not answered may have committed. */
    exited(index: number): void {
      const forwarded = open.get(index);
      open.delete(index);
      for (const [id, from] of forwarded ?? []) {
        deliver({ refill: "debit-error", id, to: from, message: "the owner process exited before answering", applied: "unknown" });
      }
    },
  };
}

/**
 * A cluster worker's message to the primary. Throws when the channel is closed (the primary is gone), where
 * `process.send` would emit 'error' later: a debit that cannot be forwarded is then debited locally (org-affinity.ts).
 */
export function sendToPrimary(msg: AffinityMessage): void {
  if (!process.connected || !process.send) throw new Error("no channel to the cluster primary");
  process.send(msg);
}

/** True in a cluster worker: it tells the primary when it serves. */
export function reportReadyToPrimary(): void {
  if (cluster.isWorker) process.send?.({ refill: "ready" });
}
