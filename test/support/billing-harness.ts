import http from "node:http";
import type { Db } from "@/db/client";
import { resetEnvCache } from "@/lib/env";
import { runJob } from "@/lib/jobs/handlers";
import { setJobSender, type JobName } from "@/lib/jobs/queue";
import { resetStripeClient } from "@/lib/stripe/client";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";
import { startEmulator, type RunningEmulator } from "./emulator";
import { freePort } from "./free-port";

export interface BillingHarness {
  emu: RunningEmulator;
  webhookUrl: string;
  /** webhook responses received, in order */
  deliveries: { type?: string; status: number; result?: string }[];
  /**
   * durable jobs queued, in order; `tx: true` = inserted in the caller's transaction (the crash fallback:
   * recorded, never run here — the pg-boss worker tests run those for real)
   */
  jobs: { name: JobName; data: Record<string, unknown>; tx: boolean }[];
  /** in-process hand-offs after a commit (the fast path), in order */
  handOffs: { name: JobName; data: Record<string, unknown> }[];
  /**
   * "inline": hand-offs and non-transactional jobs run at once (awaited); "manual": everything is only
   * recorded (run jobs with runJob)
   */
  queue: "inline" | "manual";
  stop: () => Promise<void>;
}

/**
 * Emulator + a local webhook receiver calling the real handler on the test DB + env pointing the real SDK
 * at the emulator + an inline job queue (the in-process hand-off runs at once, awaited, unless `queue: "manual"`).
 */
export async function startBillingHarness(db: Db, opts: { queue?: "inline" | "manual"; extraEnv?: Record<string, string> } = {}): Promise<BillingHarness> {
  const port = await freePort();
  const webhookUrl = `http://127.0.0.1:${port}/api/webhooks/stripe`;
  const deliveries: BillingHarness["deliveries"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      // a throw (the database gone mid-request) is a 500, as Next.js answers for the real route: Stripe retries
      const r = await handleStripeWebhook(db, Buffer.concat(chunks).toString("utf8"), (req.headers["stripe-signature"] as string) ?? null).catch(
        (err: unknown) => ({ status: 500, body: { error: String(err) } as { type?: string; result?: string; error?: string } }),
      );
      deliveries.push({ type: r.body.type, status: r.status, result: r.body.result ?? r.body.error });
      res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const emu = await startEmulator({ webhookUrl });
  Object.assign(process.env, { STRIPE_API_BASE: emu.url, STRIPE_WEBHOOK_SECRET: emu.webhookSecret, APP_URL: "http://app.test", ...opts.extraEnv });
  delete process.env.STRIPE_SECRET_KEY;
  resetEnvCache();
  resetStripeClient();
  const jobs: BillingHarness["jobs"] = [];
  const handOffs: BillingHarness["handOffs"] = [];
  setJobSender({
    send: async (name, data, opts) => {
      jobs.push({ name, data, tx: !!opts?.db });
      if (harness.queue === "inline" && !opts?.db) await runJob(db, name, data);
    },
    awaitHandOffs: true,
    handOff: async (_db, name, data) => {
      handOffs.push({ name, data });
      if (harness.queue === "inline") await runJob(db, name, data);
    },
  });
  const harness: BillingHarness = {
    emu,
    webhookUrl,
    deliveries,
    jobs,
    handOffs,
    queue: opts.queue ?? "inline",
    stop: async () => {
      setJobSender(null);
      await emu.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return harness;
}

/** Waits until `check` returns truthy (polling), or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
