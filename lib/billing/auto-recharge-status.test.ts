import { describe, expect, it } from "vitest";
import { autoRechargeStatus, decideTrigger, enableRefusal, statusMessage, UNCONFIRMED_RECHARGE_MESSAGE, type AutoRechargeFacts } from "./auto-recharge-status";
import { describeStatus } from "./status-text";

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
    ["declined, waiting until the back-off ends", { retryNotBefore: new Date("2026-12-01T11:00:00Z"), now: new Date("2026-12-01T10:30:00Z") }, "backing_off"],
    ["back-off over", { retryNotBefore: new Date("2026-12-01T11:00:00Z"), now: new Date("2026-12-01T11:00:00Z") }, "active"],
    [
      "back-off does not hide a missing card",
      { hasPaymentMethod: false, retryNotBefore: new Date("2026-12-01T11:00:00Z"), now: new Date("2026-12-01T10:00:00Z") },
      "needs_payment_method",
    ],
    ["target mode: one pack fits the spending limit left", { rechargeTo: 5000, spendingLimitCents: 6000, spendThisMonthCents: 4000 }, "active"],
    ["target mode: not even one pack fits", { rechargeTo: 5000, spendingLimitCents: 5000, spendThisMonthCents: 4000 }, "paused_spending_limit"],
    ["fixed: the consented monthly total (3 × $20) is spent by a gap charge", { rechargesThisMonth: 1, spendThisMonthCents: 6000 }, "paused_monthly_cap"],
  ])("%s", (_name, patch, want) => {
    expect(autoRechargeStatus({ ...base, ...patch })).toBe(want);
  });
});

describe("decideTrigger", () => {
  const burst = { ratePerSecond: 700, rechargeP95Ms: 200 }; // a recharge needs 0.6 s of runway
  it.each<[string, Partial<AutoRechargeFacts>, number, { ratePerSecond: number; rechargeP95Ms: number } | null, unknown]>([
    ["below threshold, active", {}, 199, null, { create: true, packs: 1, credits: 1000, amountCents: 2000, currency: "usd", early: false, basis: "fixed" }],
    ["at threshold", {}, 200, null, { create: false, reason: "above_threshold" }],
    [
      "below threshold, 3 packs on pro",
      { plan: "pro", rechargePacks: 3 },
      0,
      null,
      { create: true, packs: 3, credits: 3000, amountCents: 4500, currency: "usd", early: false, basis: "fixed" },
    ],
    ["below threshold but capped", { rechargesThisMonth: 3 }, 0, null, { create: false, reason: "paused_monthly_cap" }],
    // one charge closes a large gap (fixed mode, within the consented 3 × $20), or refills to the target
    [
      "far below (−1,500, threshold 200): 2 packs in one charge",
      {},
      -1500,
      null,
      { create: true, packs: 2, credits: 2000, amountCents: 4000, currency: "usd", early: false, basis: "gap" },
    ],
    [
      "far below, more than the month allows: 3 packs, the consented total",
      {},
      -9000,
      null,
      { create: true, packs: 3, credits: 3000, amountCents: 6000, currency: "usd", early: false, basis: "gap" },
    ],
    [
      "gap within a spending limit: fewer packs, never over",
      { spendingLimitCents: 4000 },
      -9000,
      null,
      { create: true, packs: 2, credits: 2000, amountCents: 4000, currency: "usd", early: false, basis: "gap" },
    ],
    [
      "target 2,500 from 150: 3 packs",
      { rechargeTo: 2500 },
      150,
      null,
      { create: true, packs: 3, credits: 3000, amountCents: 6000, currency: "usd", early: false, basis: "target" },
    ],
    [
      "backing off after a decline",
      { retryNotBefore: new Date("2026-12-01T11:00:00Z"), now: new Date("2026-12-01T10:00:00Z") },
      0,
      null,
      { create: false, reason: "backing_off" },
    ],
    ["below threshold but open attempt", { openAttempt: "pending" }, 0, null, { create: false, reason: "recharging" }],
    ["below threshold but off", { enabled: false }, 0, null, { create: false, reason: "off" }],
    // rate-aware: above the threshold, the runway decides
    [
      "above threshold, runway 0.43 s at 700/s < 0.6 s: early",
      {},
      300,
      burst,
      { create: true, packs: 1, credits: 1000, amountCents: 2000, currency: "usd", early: true, basis: "fixed" },
    ],
    ["above threshold, runway 0.71 s: not yet", {}, 500, burst, { create: false, reason: "above_threshold" }],
    ["above threshold, idle: not due", {}, 300, { ratePerSecond: 0, rechargeP95Ms: 200 }, { create: false, reason: "above_threshold" }],
    [
      "below threshold with a burst: due, not early (the floor)",
      {},
      100,
      burst,
      { create: true, packs: 1, credits: 1000, amountCents: 2000, currency: "usd", early: false, basis: "fixed" },
    ],
    // every eligibility rule still applies to an early recharge
    ["early but an attempt is open", { openAttempt: "processing" }, 300, burst, { create: false, reason: "recharging" }],
    ["early but capped", { rechargesThisMonth: 3 }, 300, burst, { create: false, reason: "paused_monthly_cap" }],
    [
      "early but over the spending limit",
      { spendingLimitCents: 5000, spendThisMonthCents: 4000 },
      300,
      burst,
      { create: false, reason: "paused_spending_limit" },
    ],
    ["early but no card", { hasPaymentMethod: false }, 300, burst, { create: false, reason: "needs_payment_method" }],
  ])("%s", (_name, patch, balance, signal, want) => {
    expect(decideTrigger({ ...base, ...patch }, balance, signal)).toEqual(want);
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

describe("statusMessage: a recharge whose outcome Stripe has not confirmed says so", () => {
  it.each([
    ["recharging, confirmed so far", "recharging", false, "A recharge is in progress."],
    ["recharging, outcome unknown", "recharging", true, UNCONFIRMED_RECHARGE_MESSAGE],
    ["other statuses are unchanged", "active", true, "Auto-recharge is on."],
  ] as const)("%s", (_n, status, unconfirmed, want) => {
    expect(statusMessage(status, { openAttemptUnconfirmed: unconfirmed })).toBe(want);
  });
  it("the Billing page's badge and detail", () => {
    const opts = { monthEndsAt: new Date("2027-01-01T00:00:00Z"), timeZone: "UTC" };
    expect(describeStatus("recharging", { ...opts, unconfirmed: true })).toMatchObject({
      label: "Confirming payment",
      detail: expect.stringContaining("Stripe has not confirmed"),
    });
    expect(describeStatus("recharging", opts).label).toBe("Recharging");
  });
});
