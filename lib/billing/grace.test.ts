import { describe, expect, it } from "vitest";
import { decideGrace, type GraceFacts } from "./grace";

const base: GraceFacts = {
  plan: "starter",
  graceEnabled: true,
  paymentMethodId: "pm_1",
  lastSettled: { status: "succeeded", paymentMethodId: "pm_1" },
  consecutiveFailures: 0,
};

describe("decideGrace", () => {
  it.each<[string, Partial<GraceFacts>, ReturnType<typeof decideGrace>]>([
    ["a card that succeeded, nothing failed since", {}, { grant: true, credits: 1000 }],
    ["Pro", { plan: "pro" }, { grant: true, credits: 1000 }],
    ["Free never", { plan: "free" }, { grant: false, reason: "not_available_on_plan" }],
    ["the owner switched grace off", { graceEnabled: false }, { grant: false, reason: "grace_off" }],
    ["no card", { paymentMethodId: null }, { grant: false, reason: "no_payment_method" }],
    ["no payment ever settled", { lastSettled: null }, { grant: false, reason: "card_never_succeeded" }],
    ["the last payment failed", { lastSettled: { status: "failed", paymentMethodId: "pm_1" } }, { grant: false, reason: "failed_since" }],
    [
      "the last payment waits for 3-D Secure",
      { lastSettled: { status: "requires_action", paymentMethodId: "pm_1" } },
      { grant: false, reason: "failed_since" },
    ],
    ["a failure counted since", { consecutiveFailures: 1 }, { grant: false, reason: "failed_since" }],
    ["a new card, never charged", { paymentMethodId: "pm_2" }, { grant: false, reason: "card_never_succeeded" }],
    [
      "an old attempt without a recorded card",
      { lastSettled: { status: "succeeded", paymentMethodId: null } },
      { grant: false, reason: "card_never_succeeded" },
    ],
  ])("%s", (_name, patch, want) => {
    expect(decideGrace({ ...base, ...patch }, 1000)).toEqual(want);
  });
});
