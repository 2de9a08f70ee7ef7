import { and, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { usagePeaks } from "@/db/schema";
import { logger } from "@/lib/log";

/** At most one peak write per org every this many ms, per process. */
const PEAK_WRITE_INTERVAL_MS = 2000;

const HOUR_MS = 3600_000;
const written = new Map<string, { at: number; hour: number; peak: number }>();

interface PeakRow {
  orgId: string;
  hour: Date;
  peakCreditsPerSecond: number;
  measuredAt: Date;
}

/** The peaks waiting for the next write (one row per org and hour), and that write's promise. */
let open: Map<string, PeakRow> | null = null;
let openWrite: Promise<void> = Promise.resolve();
let lastWrite: Promise<void> = Promise.resolve();

/**
 * Raises the org's stored peak burn rate for the current hour to `ratePerSecond` (rounded up) when it is
 * higher than what this process last wrote for that hour and the last write is PEAK_WRITE_INTERVAL_MS old.
 * Cheap: at most one row per org every few seconds, none while the rate stays below the stored peak — and the
 * rows of every org are written together, ONE upsert at a time (while it runs, the next rows gather), so usage
 * spread over many orgs costs no more statements than usage of one. Returns the promise of the write that
 * carries this peak, or null when nothing was queued; never rejects (logged).
 */
export function maybeRecordPeak(db: DbOrTx, orgId: string, ratePerSecond: number, nowMs = Date.now()): Promise<void> | null {
  const peak = Math.ceil(ratePerSecond);
  if (peak <= 0) return null;
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const last = written.get(orgId);
  if (last && last.hour === hour && (peak <= last.peak || nowMs - last.at < PEAK_WRITE_INTERVAL_MS)) return null;
  if (written.size >= 10_000 && !last) written.clear();
  written.set(orgId, { at: nowMs, hour, peak: Math.max(peak, last?.hour === hour ? last.peak : 0) });
  if (!open) {
    const rows = new Map<string, PeakRow>();
    open = rows;
    openWrite = lastWrite.then(() => {
      if (open === rows) open = null; // from here on, new peaks form the next write
      return writePeaks(db, [...rows.values()]);
    });
    lastWrite = openWrite;
  }
  const key = `${orgId}:${hour}`;
  const row = open.get(key);
  open.set(key, { orgId, hour: new Date(hour), peakCreditsPerSecond: Math.max(peak, row?.peakCreditsPerSecond ?? 0), measuredAt: new Date(nowMs) });
  return openWrite;
}

async function writePeaks(db: DbOrTx, rows: PeakRow[]): Promise<void> {
  await db
    .insert(usagePeaks)
    .values(rows)
    .onConflictDoUpdate({
      target: [usagePeaks.orgId, usagePeaks.hour],
      set: { peakCreditsPerSecond: sql`GREATEST(${usagePeaks.peakCreditsPerSecond}, excluded.peak_credits_per_second)`, measuredAt: sql`excluded.measured_at` },
    })
    .catch((err: unknown) => logger.error({ err, orgs: rows.length, component: "burn-rate" }, "could not record the peak burn rates"));
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
