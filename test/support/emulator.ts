import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { freePort } from "./free-port";

export interface RunningEmulator {
  url: string;
  webhookSecret: string;
  /** POST/GET the admin API under /_emulator/* */
  admin: <T = unknown>(method: "GET" | "POST", route: string, body?: unknown) => Promise<T>;
  /**
   * Resolves once the emulator's delivery log is idle: every webhook it has queued was answered (none queued,
   * in flight or waiting for a retry). The signal to wait on before asserting that a webhook changed nothing.
   */
  webhooksIdle: (timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

/** Spawns `stripe-emulator` on a free port (in memory), delivering webhooks to `webhookUrl`. */
export async function startEmulator(opts: { webhookUrl?: string; webhookSecret?: string } = {}): Promise<RunningEmulator> {
  const port = await freePort();
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(16).toString("hex")}`;
  const args = [
    path.resolve("stripe-emulator/src/main.ts"),
    "--port",
    String(port),
    "--webhook-secret",
    webhookSecret,
    "--no-persist",
    "--retry-base-ms",
    "200",
  ];
  if (opts.webhookUrl) args.push("--webhook-url", opts.webhookUrl);
  const child: ChildProcess = spawn(path.resolve("node_modules/.bin/tsx"), args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stripe-emulator did not start:\n${log}`)), 30_000);
    const onData = (buf: Buffer) => {
      log += buf.toString();
      const m = /stripe-emulator listening on (\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (b: Buffer) => (log += b.toString()));
    child.on("exit", (code) => reject(new Error(`stripe-emulator exited (${code}):\n${log}`)));
  });
  const admin = async <T>(method: "GET" | "POST", route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/_emulator/${route.replace(/^\//, "")}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator admin ${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const webhooksIdle = async (timeoutMs = 10_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    // `event_id=-` matches no delivery: the answer carries only the `idle` flag
    while (!(await admin<{ idle: boolean }>("GET", "deliveries?event_id=-")).idle) {
      if (Date.now() > until) throw new Error(`emulator webhooks not idle after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    url,
    webhookSecret,
    admin,
    webhooksIdle,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}
