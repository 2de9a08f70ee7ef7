import { and, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { usagePeaks } from "@/db/schema";
import { logger } from "@/lib/log";

/** At most one peak write per org every this many ms, per process. */
const PEAK_WRITE_INTERVAL_MS = 2000;

const HOUR_MS = 3600_000;
const written = new Map<string, { at: number; hour: number; peak: number }>();

/**
 * Raises the org's stored peak burn rate for the current hour to `ratePerSecond` (rounded up) when it is
 * higher than what this process last wrote for that hour and the last write is PEAK_WRITE_INTERVAL_MS old.
 * Cheap: one upsert per org every few seconds at most, none while the rate stays below the stored peak.
 * Returns the write's promise, or null when nothing was written; never rejects (logged).
 */
export function maybeRecordPeak(db: DbOrTx, orgId: string, ratePerSecond: number, nowMs = Date.now()): Promise<void> | null {
  const peak = Math.ceil(ratePerSecond);
  if (peak <= 0) return null;
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const last = written.get(orgId);
  if (last && last.hour === hour && (peak <= last.peak || nowMs - last.at < PEAK_WRITE_INTERVAL_MS)) return null;
  if (written.size >= 10_000 && !last) written.clear();
  written.set(orgId, { at: nowMs, hour, peak: Math.max(peak, last?.hour === hour ? last.peak : 0) });
  return db
    .insert(usagePeaks)
    .values({ orgId, hour: new Date(hour), peakCreditsPerSecond: peak, measuredAt: new Date(nowMs) })
    .onConflictDoUpdate({
      target: [usagePeaks.orgId, usagePeaks.hour],
      set: { peakCreditsPerSecond: sql`GREATEST(${usagePeaks.peakCreditsPerSecond}, excluded.peak_credits_per_second)`, measuredAt: sql`excluded.measured_at` },
    })
    .then(() => undefined)
    .catch((err: unknown) => logger.error({ err, orgId, component: "burn-rate" }, "could not record the peak burn rate"));
}

/** The org's highest measured burn rate over the last `days` (default 7), credits/s, or null if none. */
export async function peakRatePerSecond(db: DbOrTx, orgId: string, opts: { now?: Date; days?: number } = {}): Promise<number | null> {
  const since = new Date((opts.now ?? new Date()).getTime() - (opts.days ?? 7) * 24 * HOUR_MS);
  const [row] = await db
    .select({ peak: sql<number | null>`max(${usagePeaks.peakCreditsPerSecond})` })
    .from(usagePeaks)
    .where(and(eq(usagePeaks.orgId, orgId), gte(usagePeaks.hour, since)));
  return row?.peak ?? null;
}
