import type { Server } from "node:http";

/**
 * Binds `server` to `port`: resolves once listening, rejects with the socket error (EADDRINUSE, EACCES…)
 * instead of leaving it to an 'error' event nobody handles.
 */
export function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** What to tell the operator when the port cannot be bound. */
export function listenErrorMessage(err: NodeJS.ErrnoException, port: number): string {
  if (err.code === "EADDRINUSE") {
    return `Refill cannot start: port ${port} is already in use (another Refill server, or something else, is listening there). Stop it, or start with PORT=<another port>.`;
  }
  if (err.code === "EACCES") return `Refill cannot start: no permission to listen on port ${port}. Use a port above 1023, or PORT=<another port>.`;
  return `Refill cannot start: listening on port ${port} failed: ${err.message}`;
}

export interface ShutdownSteps {
  /** flush every queued debit and answer its request (`drainUsageQueues`) */
  drainDebits: () => Promise<void>;
  /** in-process hand-offs, then pg-boss (`stopAppJobs`) */
  stopJobs: () => Promise<void>;
  /** Next.js, when it runs */
  closeApp?: () => Promise<void>;
  /** the database pool (`closeDbHandle`) */
  closePool: () => Promise<void>;
  log?: (line: string) => void;
  /** in-flight HTTP requests get this long to finish after the debits drained (default 5 s) */
  requestGraceMs?: number;
}

/**
 * Graceful stop, in order: stop accepting connections (idle keep-alive sockets closed), drain the debit
 * queue so every accepted usage request is flushed and answered, give other in-flight requests up to
 * `requestGraceMs`, close the remaining sockets, stop the jobs (hand-offs, pg-boss), close Next.js and
 * the pool. Resolves when all is done (the caller exits 0); a failing step is logged and the rest still run.
 */
export async function shutdownGracefully(server: Server, steps: ShutdownSteps): Promise<void> {
  const log = steps.log ?? ((l: string) => console.log(l));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const step = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      log(`shutdown: ${name} failed: ${(err as Error).message}`);
    }
  };
  await step("draining the debit queue", steps.drainDebits);
  // keep-alive sockets become idle as their last response is written: close them as they do
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, steps.requestGraceMs ?? 5000)))]);
  clearTimeout(timer);
  clearInterval(sweep);
  server.closeAllConnections();
  await step("stopping the job worker", steps.stopJobs);
  if (steps.closeApp) await step("closing Next.js", steps.closeApp);
  await step("closing the database pool", steps.closePool);
}
