/** What a charge attempt ended as, from the engine's point of view. */
export type ChargeOutcome =
  { kind: "succeeded" } | { kind: "declined"; code: string | null; declineCode: string | null } | { kind: "requires_action" } | { kind: "internal_error" };

const MAX_CONSECUTIVE_FAILURES = 3;
export const DISABLED_AFTER_FAILURES_MESSAGE =
  "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.";
const DISABLED_HARD_DECLINE_MESSAGE =
  "Auto-recharge was disabled because your card was reported lost, stolen or fraudulent. Please update your payment method and re-enable.";

/** Declines that mean the card must not be tried again. */
const HARD_DECLINE_CODES: ReadonlySet<string> = new Set(["lost_card", "stolen_card", "fraudulent", "pickup_card", "restricted_card"]);

export interface FailurePolicyResult {
  consecutiveFailures: number;
  /** turn auto-recharge off now */
  disable: boolean;
  disableReason: "failures" | "hard_decline" | null;
  message: string | null;
}

/**
 * The failure policy (pure): a success resets the count; a decline adds one; 3 in a row disable;
 * a lost/stolen/fraudulent decline disables at once. Verification and internal errors are not card declines
 * and leave the count alone. Only auto-recharge attempts count towards disabling.
 */
export function applyFailurePolicy(consecutiveFailures: number, outcome: ChargeOutcome, trigger: "auto" | "manual"): FailurePolicyResult {
  const keep = { consecutiveFailures, disable: false, disableReason: null, message: null } as const;
  switch (outcome.kind) {
    case "succeeded":
      return { ...keep, consecutiveFailures: 0 };
    case "requires_action":
    case "internal_error":
      return keep;
    case "declined": {
      if (trigger !== "auto") return keep;
      if (outcome.declineCode && HARD_DECLINE_CODES.has(outcome.declineCode)) {
        return { consecutiveFailures: consecutiveFailures + 1, disable: true, disableReason: "hard_decline", message: DISABLED_HARD_DECLINE_MESSAGE };
      }
      const n = consecutiveFailures + 1;
      if (n >= MAX_CONSECUTIVE_FAILURES) return { consecutiveFailures: n, disable: true, disableReason: "failures", message: DISABLED_AFTER_FAILURES_MESSAGE };
      return { ...keep, consecutiveFailures: n };
    }
  }
}
