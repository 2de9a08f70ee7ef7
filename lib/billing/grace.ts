import { getPlan, type PlanId } from "./plans";

/**
 * Grace: while an auto-recharge is in flight, usage the balance cannot cover may draw on that recharge's
 * credits — an explicit overdraft bounded by the recharge's credits, never more than one recharge in flight.
 * This module decides *whether* an attempt opens grace (pure); lib/ledger enforces the bound.
 */
export interface GraceFacts {
  plan: PlanId;
  /** the owner's switch (`auto_recharge_settings.grace_enabled`, default on) */
  graceEnabled: boolean;
  /** the payment method the attempt will charge (the customer's default), or null */
  paymentMethodId: string | null;
  /** the org's most recent settled off-session attempt (auto or Top Up Now), newest first; null = none yet */
  lastSettled: { status: "succeeded" | "failed" | "canceled" | "requires_action"; paymentMethodId: string | null } | null;
  /** consecutive failed auto-recharge payments (a success resets it) */
  consecutiveFailures: number;
}

export type GraceRefusal = "not_available_on_plan" | "grace_off" | "no_payment_method" | "card_never_succeeded" | "failed_since";

export type GraceDecision = { grant: true; credits: number } | { grant: false; reason: GraceRefusal };

export const GRACE_MESSAGES: Record<GraceRefusal, string> = {
  not_available_on_plan: "Grace is not available on the Free plan.",
  grace_off: "Grace is off: usage is refused while a recharge is in flight once the balance is used up.",
  no_payment_method: "No payment method is on file.",
  card_never_succeeded: "Grace starts after the first successful payment with this card.",
  failed_since: "Grace is paused because the last payment failed. It resumes after a successful payment.",
};

/**
 * Whether an auto-recharge attempt of `attemptCredits` opens grace (pure). Granted only when the plan allows
 * auto-recharge (never on Free), the owner left grace on, and the card the attempt charges has succeeded
 * before and no payment has failed since: the last settled attempt succeeded, on this same card.
 */
export function decideGrace(f: GraceFacts, attemptCredits: number): GraceDecision {
  if (!getPlan(f.plan).autoRechargeAllowed) return { grant: false, reason: "not_available_on_plan" };
  if (!f.graceEnabled) return { grant: false, reason: "grace_off" };
  if (!f.paymentMethodId) return { grant: false, reason: "no_payment_method" };
  if (f.consecutiveFailures > 0) return { grant: false, reason: "failed_since" };
  if (!f.lastSettled) return { grant: false, reason: "card_never_succeeded" };
  if (f.lastSettled.status !== "succeeded") return { grant: false, reason: "failed_since" };
  if (f.lastSettled.paymentMethodId !== f.paymentMethodId) return { grant: false, reason: "card_never_succeeded" };
  return { grant: true, credits: attemptCredits };
}
