/**
 * Drives POST /api/v1/usage like a customer's batch job: `calls` calls of `quantity` credits from
 * `concurrency` workers, every call with its own idempotency key. A 402 that says when to come back
 * (`error.recharge.retry_after_ms` or `Retry-After`, see readRetryHint) is waited out and the same call is
 * retried with the same key, at most `maxRetries` times; a 402 without a hint (or past the budget) is a
 * refused call. A 5xx or network error is retried the same way after 200 ms (the key makes it safe).
 * Used by `npm run simulate` and the bench's burst rounds.
 */
import { readRetryHint } from "@/lib/billing/read-retry-hint";

interface UsageBalance {
  total: number;
  topup_credits?: number;
  available?: number;
  overdraft?: number;
}

export interface DriveOptions {
  baseUrl: string;
  key: string;
  calls: number;
  concurrency: number;
  quantity: number;
  /** stop every worker at the first refused call (the seed's "Balance depleted at call N") */
  stopAtFirstRefusal: boolean;
  /** retries of one call on 402-with-hint / 5xx / network errors */
  maxRetries?: number;
  /** prefix of the idempotency keys (unique per run) */
  keyPrefix?: string;
  /** the owner's threshold, to time threshold crossing → credits observed (client side) */
  threshold?: number | null;
  onOk?: (okCount: number, balance: UsageBalance) => void;
  onRefused?: (callNumber: number, okCount: number, message: string) => void;
  onRecharge?: (jump: number, balance: UsageBalance) => void;
  onError?: (callNumber: number, status: number, body: unknown) => void;
}

export interface DriveResult {
  ok: number;
  refused: number;
  /** calls that succeeded only after ≥ 1 retry */
  retriedCalls: number;
  /** retry requests sent, and ms spent waiting on hints */
  retries: number;
  waitedMs: number;
  /** calls that failed with a non-402 error after the retry budget */
  errors: number;
  /** 1-based position (in completed calls) of the first refusal, null if none */
  firstRefusalAt: number | null;
  elapsedMs: number;
  /** per call, first request → final answer (waits included), ms */
  latency: { p50: number | null; p99: number | null; max: number | null };
  /** balance jumps seen in responses (recharges landing) */
  jumps: number;
  /** threshold crossing (first response at or below it) → next jump, ms, as the client saw them */
  crossingToCreditMs: number[];
  /** jumps that landed before any response showed the threshold crossed (an early recharge) */
  jumpsBeforeCrossing: number;
  minAvailable: number | null;
  minTopupCredits: number | null;
  maxOverdraft: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function driveUsage(o: DriveOptions): Promise<DriveResult> {
  const maxRetries = o.maxRetries ?? 50;
  const prefix = o.keyPrefix ?? `sim-${Date.now()}`;
  const r: DriveResult = {
    ok: 0,
    refused: 0,
    retriedCalls: 0,
    retries: 0,
    waitedMs: 0,
    errors: 0,
    firstRefusalAt: null,
    elapsedMs: 0,
    latency: { p50: null, p99: null, max: null },
    jumps: 0,
    crossingToCreditMs: [],
    jumpsBeforeCrossing: 0,
    minAvailable: null,
    minTopupCredits: null,
    maxOverdraft: 0,
  };
  let next = 0;
  let stop = false;
  let lastTotal: number | null = null;
  let crossedAt: number | null = null;
  const started = Date.now();

  let newestMs = 0;
  const observe = (b: UsageBalance, usageId?: string) => {
    const available = b.available ?? b.total;
    r.minAvailable = r.minAvailable === null ? available : Math.min(r.minAvailable, available);
    if (b.topup_credits !== undefined) r.minTopupCredits = r.minTopupCredits === null ? b.topup_credits : Math.min(r.minTopupCredits, b.topup_credits);
    r.maxOverdraft = Math.max(r.maxOverdraft, b.overdraft ?? 0);
    // Responses arrive out of order (a flush's answers wait for its recharge check): a usage id is a UUIDv7, so
    // its millisecond prefix says when the debit was decided; a response older than one already seen says
    // nothing about recharges. Among the rest, a jump larger than the calls in flight is a recharge.
    const decidedMs = usageId ? parseInt(usageId.replace(/-/g, "").slice(0, 12), 16) : Number.NaN;
    if (Number.isFinite(decidedMs)) {
      if (decidedMs < newestMs) return;
      newestMs = decidedMs;
    }
    if (lastTotal !== null && b.total > lastTotal + o.quantity * o.concurrency) {
      r.jumps += 1;
      if (crossedAt !== null) r.crossingToCreditMs.push(Date.now() - crossedAt);
      else r.jumpsBeforeCrossing += 1;
      crossedAt = null;
      o.onRecharge?.(b.total - lastTotal + o.quantity, b);
    } else if (o.threshold != null && crossedAt === null && available <= o.threshold) {
      crossedAt = Date.now();
    }
    lastTotal = b.total;
  };

  async function call(n: number): Promise<void> {
    const body = JSON.stringify({ quantity: o.quantity, idempotency_key: `${prefix}-${n}` });
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let json: unknown;
      let hint: number | null;
      try {
        const res = await fetch(`${o.baseUrl}/api/v1/usage`, {
          method: "POST",
          headers: { authorization: `Bearer ${o.key}`, "content-type": "application/json" },
          body,
        });
        status = res.status;
        json = await res.json().catch(() => null);
        hint =
          status === 402
            ? readRetryHint(res.headers.get("retry-after"), json)
            : status === 429
              ? (readRetryHint(res.headers.get("retry-after"), json) ?? 100)
              : status >= 500
                ? 200
                : null;
      } catch (err) {
        json = { error: { message: err instanceof Error ? err.message : String(err) } };
        hint = 200;
      }
      if (status >= 200 && status < 300) {
        r.ok += 1;
        if (attempt > 0) r.retriedCalls += 1;
        const { balance, id } = (json as { balance?: UsageBalance; id?: string } | null) ?? {};
        if (balance) observe(balance, id);
        o.onOk?.(r.ok, balance ?? { total: 0 });
        return;
      }
      if (hint !== null && attempt < maxRetries && !stop) {
        r.retries += 1;
        r.waitedMs += hint;
        await sleep(hint);
        continue;
      }
      if (status === 402) {
        r.refused += 1;
        if (r.firstRefusalAt === null) r.firstRefusalAt = r.ok + 1;
        const message = (json as { error?: { message?: string } } | null)?.error?.message ?? "insufficient_credits";
        o.onRefused?.(n, r.ok, message);
        if (o.stopAtFirstRefusal) stop = true;
      } else {
        r.errors += 1;
        o.onError?.(n, status, json);
      }
      return;
    }
  }

  const latencies: number[] = [];
  async function worker(): Promise<void> {
    while (!stop && next < o.calls) {
      const t0 = performance.now();
      await call(++next);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  r.elapsedMs = Date.now() - started;
  r.latency = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) };
  return r;
}

export const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
