import { describe, expect, it } from "vitest";
import { autoRechargeStatus, decideTrigger, enableRefusal, type AutoRechargeFacts } from "./auto-recharge-status";

const base: AutoRechargeFacts = {
  plan: "starter",
  hasActiveSubscription: true,
  hasPaymentMethod: true,
  enabled: true,
  disabledAfterFailures: false,
  threshold: 200,
  rechargePacks: 1,
  maxRechargesPerMonth: 3,
  spendingLimitCents: null,
  rechargesThisMonth: 0,
  spendThisMonthCents: 0,
  openAttempt: null,
};

describe("autoRechargeStatus", () => {
  it.each<[string, Partial<AutoRechargeFacts>, string]>([
    ["all good", {}, "active"],
    ["free plan", { plan: "free" }, "not_available_on_plan"],
    ["free plan even when disabled by failures", { plan: "free", disabledAfterFailures: true }, "not_available_on_plan"],
    ["disabled after failures", { disabledAfterFailures: true, enabled: false }, "disabled_after_failures"],
    ["off", { enabled: false }, "off"],
    ["no subscription", { hasActiveSubscription: false }, "needs_subscription"],
    ["no card", { hasPaymentMethod: false }, "needs_payment_method"],
    ["open attempt needs verification", { openAttempt: "requires_action" }, "requires_action"],
    ["open attempt in flight", { openAttempt: "processing" }, "recharging"],
    ["cap reached", { rechargesThisMonth: 3 }, "paused_monthly_cap"],
    ["below cap", { rechargesThisMonth: 2 }, "active"],
    ["next charge would pass the limit", { spendingLimitCents: 5000, spendThisMonthCents: 4000 }, "paused_spending_limit"],
    ["next charge exactly reaches the limit", { spendingLimitCents: 6000, spendThisMonthCents: 4000 }, "active"],
    ["cap beats spending limit", { rechargesThisMonth: 3, spendingLimitCents: 1 }, "paused_monthly_cap"],
  ])("%s", (_name, patch, want) => {
    expect(autoRechargeStatus({ ...base, ...patch })).toBe(want);
  });
});

describe("decideTrigger", () => {
  it.each<[string, Partial<AutoRechargeFacts>, number, unknown]>([
    ["below threshold, active", {}, 199, { create: true, packs: 1, credits: 1000, amountCents: 2000, currency: "usd" }],
    ["at threshold", {}, 200, { create: false, reason: "above_threshold" }],
    ["below threshold, 3 packs on pro", { plan: "pro", rechargePacks: 3 }, 0, { create: true, packs: 3, credits: 3000, amountCents: 4500, currency: "usd" }],
    ["below threshold but capped", { rechargesThisMonth: 3 }, 0, { create: false, reason: "paused_monthly_cap" }],
    ["below threshold but open attempt", { openAttempt: "pending" }, 0, { create: false, reason: "recharging" }],
    ["below threshold but off", { enabled: false }, 0, { create: false, reason: "off" }],
  ])("%s", (_name, patch, balance, want) => {
    expect(decideTrigger({ ...base, ...patch }, balance)).toEqual(want);
  });
});

describe("enableRefusal", () => {
  it.each<[Partial<AutoRechargeFacts>, string | null]>([
    [{}, null],
    [{ plan: "free" }, "not_available_on_plan"],
    [{ hasActiveSubscription: false }, "needs_subscription"],
    [{ hasPaymentMethod: false }, "needs_payment_method"],
    [{ hasActiveSubscription: false, hasPaymentMethod: false }, "needs_subscription"],
  ])("%o → %s", (patch, want) => {
    expect(enableRefusal({ ...base, ...patch })).toBe(want);
  });
});
