import { and, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { usageHourly } from "@/db/schema";
import { earlyRechargeView, suggestionReason, suggestThreshold, type EarlyRechargeView } from "@/lib/billing/early-trigger";
import { burnRates } from "./burn-rate";
import { recentRechargeP95Ms } from "./recharge-latency";
import { peakRatePerSecond } from "./usage-peaks";

/** The rate-aware trigger as the status, the API and the Billing page show it. Plain, serializable. */
export interface BurnRateOverview {
  /** credits/s over the last seconds, as measured by THIS process (0 when it serves none of the org's usage) */
  burnRatePerSecond: number;
  /** the recharge p95 the trigger uses (ms; a default until measured) */
  rechargeP95Ms: number;
  earlyRecharge: EarlyRechargeView;
  /** highest burn rate stored for the last 7 days (any process), credits/s, or null */
  peakRatePerSecond: number | null;
  /** the suggested threshold: peak rate × recharge time × safety (else one typical hour) and why */
  suggestedThreshold: { credits: number; basis: "peak_rate" | "typical_hour"; reason: string; /** the recharge time it assumed, ms */ rechargeP95Ms: number };
}

/** Average credits per hour over the last 7 days, from the hourly rollup (≤ 168 rows). */
async function typicalHourly(db: DbOrTx, orgId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ credits: sql<number>`coalesce(sum(${usageHourly.credits}), 0)::float8` })
    .from(usageHourly)
    .where(and(eq(usageHourly.orgId, orgId), gte(usageHourly.hour, new Date(now.getTime() - 7 * 24 * 3600_000))));
  return Number(row?.credits ?? 0) / (7 * 24);
}

/**
 * The org's burn rate, early-recharge words and suggested threshold. `autoRechargeActive`: the status is
 * active or recharging (no early message otherwise). The suggestion uses the org's measured recharge p95
 * from `recharge_attempts` when it has one (any process), else this process's.
 */
export async function loadBurnRateOverview(
  db: DbOrTx,
  p: { orgId: string; threshold: number; autoRechargeActive: boolean; now?: Date },
): Promise<BurnRateOverview> {
  const now = p.now ?? new Date();
  const signal = burnRates().signal(p.orgId, now.getTime());
  const [peak, measuredP95, hourly] = await Promise.all([
    peakRatePerSecond(db, p.orgId, { now }),
    recentRechargeP95Ms(db, p.orgId),
    typicalHourly(db, p.orgId, now),
  ]);
  const rechargeP95Ms = measuredP95 ?? signal.rechargeP95Ms;
  const suggestion = suggestThreshold({ peakRatePerSecond: peak, rechargeP95Ms, typicalHourly: hourly });
  return {
    burnRatePerSecond: Math.round(signal.ratePerSecond),
    rechargeP95Ms: Math.round(signal.rechargeP95Ms),
    earlyRecharge: earlyRechargeView({ autoRechargeActive: p.autoRechargeActive, threshold: p.threshold, ...signal }),
    peakRatePerSecond: peak,
    suggestedThreshold: {
      ...suggestion,
      reason: suggestionReason({ basis: suggestion.basis, peakRatePerSecond: peak, rechargeP95Ms }),
      rechargeP95Ms: Math.round(rechargeP95Ms),
    },
  };
}
