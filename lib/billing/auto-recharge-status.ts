import { isBackingOff } from "./backoff";
import { rechargeTiming, type BurnSignal } from "./early-trigger";
import { getPlan, quotePacks, type PlanId } from "./plans";
import { planRechargeAmount } from "./recharge-amount";

/** Why auto-recharge will (active) or will not fire right now. Order of checks = order below. */
export type AutoRechargeStatus =
  | "not_available_on_plan"
  | "needs_subscription"
  | "disabled_after_failures"
  | "off"
  | "needs_payment_method"
  | "backing_off"
  | "requires_action"
  | "recharging"
  | "paused_monthly_cap"
  | "paused_spending_limit"
  | "active";

export interface AutoRechargeFacts {
  plan: PlanId;
  hasActiveSubscription: boolean;
  hasPaymentMethod: boolean;
  enabled: boolean;
  /** set when auto-recharge disabled itself after failed payments */
  disabledAfterFailures: boolean;
  threshold: number;
  rechargePacks: number;
  /** target mode: recharge to at least this many credits (null: fixed mode) */
  rechargeTo?: number | null;
  maxRechargesPerMonth: number;
  spendingLimitCents: number | null;
  /** auto attempts this calendar month that succeeded or are in flight */
  rechargesThisMonth: number;
  /** cents of those attempts */
  spendThisMonthCents: number;
  /** status of the org's open auto attempt, if any */
  openAttempt: "pending" | "processing" | "requires_action" | null;
  /** the open attempt's charge outcome is unknown (Stripe did not answer): reconciliation is asking Stripe */
  openAttemptUnconfirmed?: boolean;
  /** back-off after a declined auto-recharge: no automatic try before this */
  retryNotBefore?: Date | null;
  /** the clock the back-off is read against */
  now?: Date;
}

export const STATUS_MESSAGES: Record<AutoRechargeStatus, string> = {
  not_available_on_plan: "Auto-reload not available on Free plan",
  needs_subscription: "An active subscription is required to enable auto-recharge.",
  disabled_after_failures: "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.",
  off: "Auto-recharge is off.",
  needs_payment_method: "A payment method is required to enable auto-recharge.",
  backing_off: "The last auto-recharge was declined. Auto-recharge waits before trying again, unless you update your card or press Retry.",
  requires_action: "A recharge is waiting for you to complete verification with your bank.",
  recharging: "A recharge is in progress.",
  paused_monthly_cap: "You've reached your monthly auto-reload limit. Auto-reload is paused until next month.",
  paused_spending_limit: "You've reached your monthly spending limit. Auto-reload is paused until next month.",
  active: "Auto-recharge is on.",
};

/** The status in one sentence: `STATUS_MESSAGES`, except a recharge whose charge Stripe has not confirmed yet. */
export const UNCONFIRMED_RECHARGE_MESSAGE =
  "A recharge is in progress: Stripe has not confirmed the payment yet. Refill is asking Stripe and will not charge again until it knows.";

export function statusMessage(status: AutoRechargeStatus, f: Pick<AutoRechargeFacts, "openAttemptUnconfirmed">): string {
  return status === "recharging" && f.openAttemptUnconfirmed ? UNCONFIRMED_RECHARGE_MESSAGE : STATUS_MESSAGES[status];
}

/** The org's auto-recharge status from plain facts (pure). */
export function autoRechargeStatus(f: AutoRechargeFacts): AutoRechargeStatus {
  const plan = getPlan(f.plan);
  if (!plan.autoRechargeAllowed) return "not_available_on_plan";
  if (f.disabledAfterFailures) return "disabled_after_failures";
  if (!f.enabled) return "off";
  if (!f.hasActiveSubscription) return "needs_subscription";
  if (!f.hasPaymentMethod) return "needs_payment_method";
  if (f.openAttempt === "requires_action") return "requires_action";
  if (f.openAttempt) return "recharging";
  if (isBackingOff(f.retryNotBefore ?? null, f.now ?? new Date())) return "backing_off";
  if (f.rechargesThisMonth >= f.maxRechargesPerMonth) return "paused_monthly_cap";
  // the least charge due (balance just below the threshold) must fit what is left this month
  const least = planRechargeAmount(amountInput(f, f.threshold - 1));
  return least.ok ? "active" : least.reason;
}

/** The amount rule's input from the facts, at `balance`. */
function amountInput(f: AutoRechargeFacts, balance: number) {
  const plan = getPlan(f.plan);
  const consentedMax = f.maxRechargesPerMonth * f.rechargePacks * plan.packPriceCents;
  return {
    rechargePacks: f.rechargePacks,
    rechargeTo: f.rechargeTo ?? null,
    threshold: f.threshold,
    balance,
    packCredits: plan.packCredits,
    packPriceCents: plan.packPriceCents,
    spendLeftCents: f.spendingLimitCents === null ? null : f.spendingLimitCents - f.spendThisMonthCents,
    consentedLeftCents: consentedMax - f.spendThisMonthCents,
  };
}

export type TriggerDecision =
  | {
      create: true;
      packs: number;
      credits: number;
      amountCents: number;
      currency: string;
      /** above the threshold, by the runway rule */
      early: boolean;
      /** fixed amount, more packs to close a large gap, or packs to the target */
      basis: "fixed" | "gap" | "target";
    }
  | { create: false; reason: AutoRechargeStatus | "above_threshold" };

/**
 * Create one auto-recharge attempt iff the status is active (every eligibility rule: plan, card, back-off,
 * cap, spending limit, one open attempt) and a recharge is due: the balance is below the threshold (the
 * floor), or — with a burn `signal` — the runway at that rate is shorter than a recharge takes (`early`).
 * The packs: `planRechargeAmount` (fixed, gap-closing or to the target; within the limits).
 */
export function decideTrigger(f: AutoRechargeFacts, balanceTotal: number, signal?: BurnSignal | null): TriggerDecision {
  const status = autoRechargeStatus(f);
  if (status !== "active") return { create: false, reason: status };
  const timing = rechargeTiming(balanceTotal, f.threshold, signal);
  if (!timing.due) return { create: false, reason: "above_threshold" };
  const amount = planRechargeAmount(amountInput(f, balanceTotal));
  if (!amount.ok) return { create: false, reason: amount.reason };
  return { create: true, ...quotePacks(getPlan(f.plan), amount.packs), early: timing.early, basis: amount.basis };
}

export type EnableRefusal = "not_available_on_plan" | "needs_subscription" | "needs_payment_method";

/** The prerequisites for turning auto-recharge on, each with its own message (null = may enable). */
export function enableRefusal(f: Pick<AutoRechargeFacts, "plan" | "hasActiveSubscription" | "hasPaymentMethod">): EnableRefusal | null {
  if (!getPlan(f.plan).autoRechargeAllowed) return "not_available_on_plan";
  if (!f.hasActiveSubscription) return "needs_subscription";
  if (!f.hasPaymentMethod) return "needs_payment_method";
  return null;
}
