import type { DbOrTx } from "@/db/client";
import { autoRechargeStatus, STATUS_MESSAGES, type AutoRechargeStatus } from "@/lib/billing/auto-recharge-status";
import { getPlan } from "@/lib/billing/plans";
import { lastRechargedAt, loadAutoRechargeFacts } from "@/lib/recharge/facts";
import { loadBurnRateOverview, type BurnRateOverview } from "@/lib/recharge/burn-rate-status";
import { graceOverview } from "@/lib/recharge/grace";

/** Everything the Auto-recharge card and `GET /api/v1/billing/auto-topup` show. Plain, serializable. */
export interface AutoRechargeOverview {
  enabled: boolean;
  threshold: number;
  rechargePacks: number;
  rechargeCredits: number;
  /** cents of one recharge */
  rechargeAmountCents: number;
  currency: string;
  maxRechargesPerMonth: number;
  rechargesUsedThisMonth: number;
  spendingLimitCents: number | null;
  spendingAlertPercent: number;
  spendThisMonthCents: number;
  status: AutoRechargeStatus;
  statusMessage: string;
  /** ISO time, or null */
  lastRechargedAt: string | null;
  /** ISO: when the monthly counters reset (1st of next month, org time zone) */
  monthResetsAt: string;
  consecutiveFailures: number;
  /** grace while a recharge is in flight: the owner's switch, whether the next recharge would open it, and why */
  grace: { enabled: boolean; available: boolean; credits: number; message: string };
  /** the rate-aware trigger: burn rate, "Recharging early: …" and the peak-rate threshold suggestion */
  burnRate: BurnRateOverview;
  /** plan limits for the form */
  limits: { autoRechargeAllowed: boolean; thresholdMax: number; maxRechargesPerMonthMax: number; packCredits: number; packPriceCents: number };
}

export async function getAutoRechargeOverview(db: DbOrTx, orgId: string, opts: { now?: Date } = {}): Promise<AutoRechargeOverview> {
  const { org, settings, facts, window, month } = await loadAutoRechargeFacts(db, orgId, opts);
  const plan = getPlan(org.plan);
  const status = autoRechargeStatus(facts);
  const rechargeCredits = settings.rechargePacks * plan.packCredits;
  const [last, grace, burnRate] = await Promise.all([
    lastRechargedAt(db, orgId),
    graceOverview(db, orgId, rechargeCredits, settings),
    loadBurnRateOverview(db, { orgId, threshold: settings.threshold, autoRechargeActive: status === "active" || status === "recharging", now: opts.now }),
  ]);
  return {
    enabled: settings.enabled,
    threshold: settings.threshold,
    rechargePacks: settings.rechargePacks,
    rechargeCredits,
    rechargeAmountCents: settings.rechargePacks * plan.packPriceCents,
    currency: "usd",
    maxRechargesPerMonth: settings.maxRechargesPerMonth,
    rechargesUsedThisMonth: month.recharges,
    spendingLimitCents: settings.spendingLimitCents,
    spendingAlertPercent: settings.spendingAlertPercent,
    spendThisMonthCents: month.spendCents,
    status,
    statusMessage: STATUS_MESSAGES[status],
    lastRechargedAt: last ? last.toISOString() : null,
    monthResetsAt: window.end.toISOString(),
    consecutiveFailures: settings.consecutiveFailures,
    grace,
    burnRate,
    limits: {
      autoRechargeAllowed: plan.autoRechargeAllowed,
      thresholdMax: plan.thresholdCeiling,
      maxRechargesPerMonthMax: plan.maxRechargesPerMonthCeiling,
      packCredits: plan.packCredits,
      packPriceCents: plan.packPriceCents,
    },
  };
}
