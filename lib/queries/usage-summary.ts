import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { usageMeterHourly, usagePropertyHourly } from "@/db/schema";
import { bucketStart, summarizeUsage, type Granularity, type RollupRow, type UsageSummary } from "@/lib/billing/usage-summary";

/** By meter, or by the values of one property key. */
export type UsageGroupBy = { kind: "meter" } | { kind: "property"; key: string };

/** How many groups a summary keeps before folding the rest into "other". */
const SUMMARY_TOP_N = 10;

export interface UsageSummaryQuery {
  from: Date;
  to: Date;
  granularity: Granularity;
  groupBy: UsageGroupBy;
}

/**
 * An org's usage over `[from, to)` (`from` floored to its UTC hour or day) by meter or by one property's values —
 * read from the rollups only (`usage_meter_hourly`, `usage_property_hourly`): one row per hour and group at most,
 * summed per bucket in SQL, whatever the org's history. Top 10 groups by credits + "other".
 */
export async function readUsageSummary(db: DbOrTx, orgId: string, q: UsageSummaryQuery): Promise<UsageSummary> {
  const from = bucketStart(q.from, q.granularity);
  const unit = sql.raw(q.granularity === "day" ? "'day'" : "'hour'");
  const t = q.groupBy.kind === "meter" ? usageMeterHourly : usagePropertyHourly;
  const group = q.groupBy.kind === "meter" ? usageMeterHourly.meter : usagePropertyHourly.value;
  const bucket = sql<string>`extract(epoch from date_trunc(${unit}, ${t.hour}, 'UTC'))::bigint`; // seconds
  const where = [eq(t.orgId, orgId), gte(t.hour, from), lt(t.hour, q.to)];
  if (q.groupBy.kind === "property") where.push(eq(usagePropertyHourly.key, q.groupBy.key));
  const rows = await db
    .select({
      bucket,
      group,
      units: sql<string>`sum(${t.units})`,
      credits: sql<string>`sum(${t.credits})`,
      events: sql<string>`sum(${t.events})`,
    })
    .from(t)
    .where(and(...where))
    .groupBy(sql`1`, sql`2`);
  const parsed: RollupRow[] = rows.map((r) => ({
    bucket: new Date(Number(r.bucket) * 1000),
    group: r.group,
    units: Number(r.units),
    credits: Number(r.credits),
    events: Number(r.events),
  }));
  return summarizeUsage(parsed, { from, to: q.to, granularity: q.granularity, topN: SUMMARY_TOP_N });
}

/** The property keys an org's usage carried since `since` (at most 20, by name), for the breakdown's chooser. */
async function listUsagePropertyKeys(db: DbOrTx, orgId: string, since: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ key: usagePropertyHourly.key })
    .from(usagePropertyHourly)
    .where(and(eq(usagePropertyHourly.orgId, orgId), gte(usagePropertyHourly.hour, since)))
    .orderBy(usagePropertyHourly.key)
    .limit(20);
  return rows.map((r) => r.key);
}

export interface MeterUsageView {
  byMeter: UsageSummary;
  /** the chosen property key's breakdown (null when no key is chosen or the org reported none) */
  byProperty: { key: string; summary: UsageSummary } | null;
  propertyKeys: string[];
}

/**
 * The Billing page's usage by meter and by one property, last 30 UTC days by day — rollup rows only (≤ 720 per
 * meter or property value): the page's cost does not grow with history. `propertyKey`: the one asked for, else
 * the first key reported.
 */
export async function loadMeterUsage(db: DbOrTx, orgId: string, propertyKey: string | null, now: Date): Promise<MeterUsageView> {
  const to = new Date(bucketStart(now, "day").getTime() + 86_400_000);
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const [byMeter, propertyKeys] = await Promise.all([
    readUsageSummary(db, orgId, { from, to, granularity: "day", groupBy: { kind: "meter" } }),
    listUsagePropertyKeys(db, orgId, from),
  ]);
  const key = propertyKey && propertyKeys.includes(propertyKey) ? propertyKey : (propertyKeys[0] ?? null);
  const byProperty = key ? { key, summary: await readUsageSummary(db, orgId, { from, to, granularity: "day", groupBy: { kind: "property", key } }) } : null;
  return { byMeter, byProperty, propertyKeys };
}
