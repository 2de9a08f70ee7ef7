import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { collectJobQueueDepth } from "./job-queue-depth";

/**
 * The process's Prometheus metrics, scraped at `GET /metrics` (app/metrics/route.ts, bearer `METRICS_TOKEN`).
 *
 * One registry per process, kept on `globalThis`: the Next.js server bundle, the lean ingestion server
 * (lib/http, loaded by tsx) and the job worker each get their own module instance of this file, and all of
 * them must count into the same counters. Metric names are `refill_*`; units are in the name (seconds, credits).
 * Hot-path callers only call `.inc()` / `.observe()` (no I/O); the queue-depth gauge queries Postgres on scrape.
 */
interface RefillMetrics {
  registry: Registry;
  /** debit requests answered by the ledger, by `result`: `ok` | `replayed` (idempotency key seen) | `insufficient_credits` */
  usageDebits: Counter<"result">;
  /** 402 `insufficient_credits` replies (one per refused event, single or batch endpoint) */
  usageRefusals: Counter<never>;
  /** requests per committed group-commit flush */
  debitFlushSize: Histogram<never>;
  /** recharge attempts settled into a new state, by `outcome`: succeeded | failed | requires_action | canceled | … */
  rechargeAttempts: Counter<"outcome">;
  /** seconds from the threshold crossing (attempt created) to the credit (attempt succeeded), by `trigger` */
  rechargeLatency: Histogram<"trigger">;
  /** Stripe webhook deliveries handled, by event `type` and `result`: processed | ignored | duplicate | failed | rejected */
  webhookEvents: Counter<"type" | "result">;
  /** seconds from the event's `created` at Stripe to its handling here, by `type` */
  webhookLag: Histogram<"type">;
  /** pg-boss jobs waiting or running, by `queue` and `state` (created | retry | active); read on scrape */
  jobQueueDepth: Gauge<"queue" | "state">;
}

const holder = globalThis as unknown as { refillMetrics?: RefillMetrics };

function create(): RefillMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry }); // the standard process_* and nodejs_* names
  const registers = [registry];
  return {
    registry,
    usageDebits: new Counter({ name: "refill_usage_debits_total", help: "Usage debit requests by result", labelNames: ["result"], registers }),
    usageRefusals: new Counter({ name: "refill_usage_402_total", help: "402 insufficient_credits replies", registers }),
    debitFlushSize: new Histogram({
      name: "refill_debit_flush_size",
      help: "Requests per group-commit flush",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    }),
    rechargeAttempts: new Counter({
      name: "refill_recharge_attempts_total",
      help: "Recharge attempts settled, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    rechargeLatency: new Histogram({
      name: "refill_recharge_latency_seconds",
      help: "Threshold crossing (attempt created) to credit (attempt succeeded)",
      labelNames: ["trigger"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    webhookEvents: new Counter({
      name: "refill_webhook_events_total",
      help: "Stripe webhook deliveries by type and result",
      labelNames: ["type", "result"],
      registers,
    }),
    webhookLag: new Histogram({
      name: "refill_webhook_lag_seconds",
      help: "Stripe event created to handled here",
      labelNames: ["type"],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 86400],
      registers,
    }),
    jobQueueDepth: new Gauge({
      name: "refill_job_queue_depth",
      help: "pg-boss jobs waiting or running, by queue and state",
      labelNames: ["queue", "state"],
      registers,
      async collect() {
        await collectJobQueueDepth(this);
      },
    }),
  };
}

/** The process-wide metrics (created on first use). */
function getMetrics(): RefillMetrics {
  holder.refillMetrics ??= create();
  return holder.refillMetrics;
}

/** Shorthand for hot-path one-liners: `metrics().usageDebits.inc({ result: "ok" })`. */
export const metrics = getMetrics;

/** One committed group-commit flush: its size, and each request's result (`ok`, `replayed`, `insufficient_credits`). */
export function recordDebitFlush(results: readonly ({ ok: true; replayed: boolean } | { ok: false; code: string })[]): void {
  const m = getMetrics();
  m.debitFlushSize.observe(results.length);
  const counts = new Map<string, number>();
  for (const r of results) {
    const result = r.ok ? (r.replayed ? "replayed" : "ok") : r.code;
    counts.set(result, (counts.get(result) ?? 0) + 1);
  }
  for (const [result, n] of counts) m.usageDebits.inc({ result }, n);
}

/** Counts one webhook delivery and, for a handled event, its lag behind Stripe's `created` (Unix seconds). */
export function recordWebhook(type: string, result: string, createdUnix?: number): void {
  const m = getMetrics();
  m.webhookEvents.inc({ type, result });
  if (createdUnix !== undefined && result !== "duplicate") m.webhookLag.observe({ type }, Math.max(0, Date.now() / 1000 - createdUnix));
}

/** Counts a settle that changed an attempt's state and, for a success, observes crossing → credit latency. */
export function recordRechargeSettled(r: { status: string; changed: boolean }, attempt?: { createdAt: Date; trigger: string }): void {
  if (!r.changed) return;
  const m = getMetrics();
  m.rechargeAttempts.inc({ outcome: r.status });
  if (r.status === "succeeded" && attempt)
    m.rechargeLatency.observe({ trigger: attempt.trigger }, Math.max(0, (Date.now() - attempt.createdAt.getTime()) / 1000));
}

/** The Prometheus text exposition of every metric (queries the job queue depth first). */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const { registry } = getMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
