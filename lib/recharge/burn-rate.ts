import { DEFAULT_RECHARGE_P95_MS, percentile, type BurnSignal } from "@/lib/billing/early-trigger";

/**
 * In-process measurements for the rate-aware trigger, fed by what the process already does:
 * - each org's BURN RATE, credits/s over a sliding window (default 5 s) of the debit flushes it commits
 *   (100 ms buckets, so memory per org is bounded however many flushes run);
 * - the RECHARGE LATENCY, crossing → credits landed of the recent recharges this process triggered and
 *   charged (p95 of the last 50; DEFAULT_RECHARGE_P95_MS until one is measured).
 * Another process's traffic is not seen here: each process protects the debits it serves (the trigger
 * itself stays exact across processes).
 */
export class BurnRateTracker {
  private readonly orgs = new Map<string, { buckets: [number, number][]; first: number }>();
  private readonly latencies: number[] = [];
  private readonly attemptStarts = new Map<string, { orgId: string; at: number }>();
  private readonly openByOrg = new Map<string, { attemptId: string; at: number }>();

  constructor(private readonly opts: { windowMs?: number; bucketMs?: number; maxOrgs?: number; latencySamples?: number } = {}) {}

  private get windowMs() {
    return this.opts.windowMs ?? 5000;
  }

  /** Records `credits` debited for `orgId` by a flush committed at `nowMs`. */
  recordDebit(orgId: string, credits: number, nowMs = Date.now()): void {
    if (credits <= 0) return;
    const bucketMs = this.opts.bucketMs ?? 100;
    const bucket = Math.floor(nowMs / bucketMs) * bucketMs;
    let o = this.orgs.get(orgId);
    if (!o) {
      if (this.orgs.size >= (this.opts.maxOrgs ?? 10_000)) this.orgs.clear();
      o = { buckets: [], first: nowMs };
      this.orgs.set(orgId, o);
    }
    this.prune(o, nowMs);
    if (o.buckets.length === 0) o.first = nowMs;
    const last = o.buckets[o.buckets.length - 1];
    if (last && last[0] === bucket) last[1] += credits;
    else o.buckets.push([bucket, credits]);
  }

  private prune(o: { buckets: [number, number][] }, nowMs: number): void {
    const from = nowMs - this.windowMs;
    while (o.buckets.length > 0 && o.buckets[0]![0] < from) o.buckets.shift();
  }

  /**
   * Credits per second debited for `orgId` over the window. The divisor is the time since the burst began
   * (at least 1 s, at most the window), so one flush never reads as a huge rate and a steady burst reads
   * its true rate after a second.
   */
  ratePerSecond(orgId: string, nowMs = Date.now()): number {
    const o = this.orgs.get(orgId);
    if (!o) return 0;
    this.prune(o, nowMs);
    if (o.buckets.length === 0) return 0;
    const credits = o.buckets.reduce((s, b) => s + b[1], 0);
    const spanMs = Math.min(this.windowMs, Math.max(1000, nowMs - Math.max(o.first, nowMs - this.windowMs)));
    return credits / (spanMs / 1000);
  }

  /** The trigger created `attemptId` for `orgId` at `createdAtMs` (its crossing). */
  noteAttempt(orgId: string, attemptId: string, createdAtMs: number): void {
    if (this.attemptStarts.size > 1000) this.attemptStarts.clear();
    if (this.openByOrg.size > 10_000) this.openByOrg.clear();
    this.attemptStarts.set(attemptId, { orgId, at: createdAtMs });
    this.openByOrg.set(orgId, { attemptId, at: createdAtMs });
  }

  /**
   * `attemptId` settled at `nowMs` (`credited`: its credits landed — records crossing → credit if this
   * process noted the attempt). Either way the org has no attempt open from this process any more.
   */
  attemptSettled(attemptId: string, credited: boolean, nowMs = Date.now()): void {
    const start = this.attemptStarts.get(attemptId);
    if (start === undefined) return;
    this.attemptStarts.delete(attemptId);
    if (this.openByOrg.get(start.orgId)?.attemptId === attemptId) this.openByOrg.delete(start.orgId);
    if (credited) this.recordRechargeLatency(nowMs - start.at);
  }

  /**
   * True while an attempt this process created for `orgId` in the last `ttlMs` has not settled here: the
   * trigger would answer "recharging", so the debit path skips asking it (a hint only — the trigger is exact).
   */
  recentlyOpened(orgId: string, nowMs = Date.now(), ttlMs = 10_000): boolean {
    const o = this.openByOrg.get(orgId);
    return !!o && nowMs - o.at < ttlMs;
  }

  recordRechargeLatency(ms: number): void {
    this.latencies.push(Math.max(0, ms));
    if (this.latencies.length > (this.opts.latencySamples ?? 50)) this.latencies.shift();
  }

  /** p95 of the recent crossing → credit latencies, ms (DEFAULT_RECHARGE_P95_MS until measured). */
  rechargeP95Ms(): number {
    return percentile(this.latencies, 95) ?? DEFAULT_RECHARGE_P95_MS;
  }

  /** What `rechargeTiming` needs for `orgId` now. */
  signal(orgId: string, nowMs = Date.now()): BurnSignal {
    return { ratePerSecond: this.ratePerSecond(orgId, nowMs), rechargeP95Ms: this.rechargeP95Ms() };
  }
}

const holder = globalThis as unknown as { refillBurnRate?: BurnRateTracker };

/** The process's tracker (kept across hot reloads). */
export function burnRates(): BurnRateTracker {
  return (holder.refillBurnRate ??= new BurnRateTracker());
}
