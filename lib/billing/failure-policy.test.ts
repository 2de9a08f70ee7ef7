import { describe, expect, it } from "vitest";
import { applyFailurePolicy, DISABLED_AFTER_FAILURES_MESSAGE, type ChargeOutcome } from "./failure-policy";

const declined = (declineCode: string | null = "generic_decline"): ChargeOutcome => ({ kind: "declined", code: "card_declined", declineCode });

describe("applyFailurePolicy", () => {
  it.each<[string, number, ChargeOutcome, "auto" | "manual", { n: number; disable: boolean; reason: string | null }]>([
    ["success resets", 2, { kind: "succeeded" }, "auto", { n: 0, disable: false, reason: null }],
    ["manual success resets too", 2, { kind: "succeeded" }, "manual", { n: 0, disable: false, reason: null }],
    ["first decline", 0, declined(), "auto", { n: 1, disable: false, reason: null }],
    ["second decline", 1, declined("insufficient_funds"), "auto", { n: 2, disable: false, reason: null }],
    ["third decline disables", 2, declined(), "auto", { n: 3, disable: true, reason: "failures" }],
    ["lost card disables at once", 0, declined("lost_card"), "auto", { n: 1, disable: true, reason: "hard_decline" }],
    ["stolen card disables at once", 0, declined("stolen_card"), "auto", { n: 1, disable: true, reason: "hard_decline" }],
    ["fraudulent disables at once", 0, declined("fraudulent"), "auto", { n: 1, disable: true, reason: "hard_decline" }],
    ["manual decline does not count", 2, declined(), "manual", { n: 2, disable: false, reason: null }],
    ["verification is not a decline", 2, { kind: "requires_action" }, "auto", { n: 2, disable: false, reason: null }],
    ["internal error is not a decline", 2, { kind: "internal_error" }, "auto", { n: 2, disable: false, reason: null }],
  ])("%s", (_name, before, outcome, trigger, want) => {
    const r = applyFailurePolicy(before, outcome, trigger);
    expect({ n: r.consecutiveFailures, disable: r.disable, reason: r.disableReason }).toEqual(want);
  });

  it("uses the exact message after 3 failures", () => {
    expect(applyFailurePolicy(2, declined(), "auto").message).toBe(
      "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.",
    );
    expect(DISABLED_AFTER_FAILURES_MESSAGE).toMatch(/^Auto-recharge was disabled/);
  });
});
