import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Peak burn rate per org and hour (UTC), credits per second over the tracker's window (lib/recharge/
 * burn-rate.ts), raised with GREATEST at most once every few seconds per org and process. The suggested
 * threshold reads the max of the last 7 days. Migration 0010.
 */
export const usagePeaks = pgTable(
  "usage_peaks",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    peakCreditsPerSecond: integer("peak_credits_per_second").notNull(),
    measuredAt: timestamp("measured_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.hour] }), check("usage_peaks_peak_nonnegative", sql`${t.peakCreditsPerSecond} >= 0`)],
);
