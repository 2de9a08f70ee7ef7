import { and, desc, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rechargeAttempts } from "@/db/schema";
import { percentile } from "@/lib/billing/early-trigger";

/**
 * Crossing → credits landed for auto-recharges, read from `recharge_attempts`: `created_at` is the instant
 * the trigger saw the balance cross (the attempt is created in the same breath), `completed_at` the commit
 * of the credit. Milliseconds, for the bench and the latency test. `since` bounds the scan (index on
 * org, trigger, created_at when `orgId` is given).
 */
export async function crossingToCreditMs(db: DbOrTx, opts: { since: Date; orgId?: string }): Promise<number[]> {
  const rows = await db
    .select({ ms: sql<number>`(extract(epoch from ${rechargeAttempts.completedAt} - ${rechargeAttempts.createdAt}) * 1000)::float8` })
    .from(rechargeAttempts)
    .where(
      and(
        opts.orgId ? eq(rechargeAttempts.orgId, opts.orgId) : undefined,
        eq(rechargeAttempts.trigger, "auto"),
        eq(rechargeAttempts.status, "succeeded"),
        gte(rechargeAttempts.createdAt, opts.since),
        isNotNull(rechargeAttempts.completedAt),
      ),
    );
  return rows.map((r) => Number(r.ms));
}

/** `{ n, p50, p95, p99, max }` in ms (nulls when there is no sample). */
export function latencySummary(ms: readonly number[]) {
  return { n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms.length ? Math.max(...ms) : null };
}

/**
 * p95 crossing → credit of the org's last `limit` (default 50) succeeded auto-recharges, ms, or null when
 * it has none — readable by any process (the Billing page's suggestion), unlike the in-process tracker.
 */
export async function recentRechargeP95Ms(db: DbOrTx, orgId: string, limit = 50): Promise<number | null> {
  const rows = await db
    .select({ ms: sql<number>`(extract(epoch from ${rechargeAttempts.completedAt} - ${rechargeAttempts.createdAt}) * 1000)::float8` })
    .from(rechargeAttempts)
    .where(
      and(
        eq(rechargeAttempts.orgId, orgId),
        eq(rechargeAttempts.trigger, "auto"),
        eq(rechargeAttempts.status, "succeeded"),
        isNotNull(rechargeAttempts.completedAt),
      ),
    )
    .orderBy(desc(rechargeAttempts.createdAt))
    .limit(limit);
  return percentile(
    rows.map((r) => Number(r.ms)),
    95,
  );
}
