import type { DbOrTx } from "@/db/client";
import { statusMessage, type AutoRechargeStatus } from "@/lib/billing/auto-recharge-status";
import { consentText } from "@/lib/billing/consent";
import { getPlan } from "@/lib/billing/plans";
import { amountMode, type AmountMode } from "@/lib/billing/recharge-amount";
import { lastRechargedAt, loadAutoRechargeState, type AutoRechargeState } from "@/lib/recharge/facts";
import { loadBurnRateOverview, type BurnRateOverview } from "@/lib/recharge/burn-rate-status";
import { graceOverview } from "@/lib/recharge/grace";

/** Everything the Auto-recharge card and `GET /api/v1/billing/auto-topup` show. Plain, serializable. */
export interface AutoRechargeOverview {
  enabled: boolean;
  threshold: number;
  rechargePacks: number;
  /** fixed: `rechargePacks` per recharge; target: up to `rechargeTo` credits */
  amountMode: AmountMode;
  rechargeTo: number | null;
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
  /** the authorization the current settings stand for (`consentText`) */
  consentText: string;
  /** the default card, "Visa •••• 4242" (null: none) */
  cardLabel: string | null;
  /** the backup card tried once after a terminal decline of the default card (null: none) */
  backupCard: { id: string; label: string | null } | null;
  /** ISO: after a declined auto-recharge, when the next automatic try is (null: no back-off) */
  nextRetryAt: string | null;
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

/** The auto-recharge state (facts + status, `loadAutoRechargeState`) with what the page and the API add to it. */
export interface AutoRechargeReadModel extends AutoRechargeState {
  /** when credits last landed from a recharge (auto or manual), or null */
  lastRechargedAt: Date | null;
  /** the rate-aware trigger: burn rate, "Recharging early: …" and the peak-rate threshold suggestion */
  burnRate: BurnRateOverview;
}

/**
 * What auto-recharge is doing, for the Billing page (`loadBillingPage`) and `GET /api/v1/billing/auto-topup`
 * (`getAutoRechargeOverview`): one loader, so both say what the trigger decides on (`loadAutoRechargeState`).
 */
export async function loadAutoRechargeReadModel(db: DbOrTx, orgId: string, opts: { now?: Date } = {}): Promise<AutoRechargeReadModel> {
  const state = await loadAutoRechargeState(db, orgId, opts);
  const autoRechargeActive = state.status === "active" || state.status === "recharging";
  const [last, burnRate] = await Promise.all([
    lastRechargedAt(db, orgId),
    loadBurnRateOverview(db, { orgId, threshold: state.settings.threshold, autoRechargeActive, now: opts.now }),
  ]);
  return { ...state, lastRechargedAt: last, burnRate };
}

export async function getAutoRechargeOverview(db: DbOrTx, orgId: string, opts: { now?: Date } = {}): Promise<AutoRechargeOverview> {
  const { org, settings, status, facts, window, month, lastRechargedAt: last, burnRate, cardLabel } = await loadAutoRechargeReadModel(db, orgId, opts);
  const plan = getPlan(org.plan);
  const rechargeCredits = settings.rechargePacks * plan.packCredits;
  const grace = await graceOverview(db, orgId, rechargeCredits, settings);
  return {
    enabled: settings.enabled,
    threshold: settings.threshold,
    rechargePacks: settings.rechargePacks,
    amountMode: amountMode(settings.rechargeTo),
    rechargeTo: settings.rechargeTo,
    rechargeCredits,
    rechargeAmountCents: settings.rechargePacks * plan.packPriceCents,
    currency: "usd",
    maxRechargesPerMonth: settings.maxRechargesPerMonth,
    rechargesUsedThisMonth: month.recharges,
    spendingLimitCents: settings.spendingLimitCents,
    spendingAlertPercent: settings.spendingAlertPercent,
    spendThisMonthCents: month.spendCents,
    status,
    statusMessage: statusMessage(status, facts),
    consentText: consentText(settings, {
      packCredits: plan.packCredits,
      packPriceCents: plan.packPriceCents,
      currency: "usd",
      cardLabel,
      backupCardLabel: settings.backupCardLabel,
    }),
    cardLabel,
    backupCard: settings.backupPaymentMethodId ? { id: settings.backupPaymentMethodId, label: settings.backupCardLabel } : null,
    nextRetryAt: status === "backing_off" && settings.retryNotBefore ? settings.retryNotBefore.toISOString() : null,
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
