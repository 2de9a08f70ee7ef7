import { describe, expect, it } from "vitest";
import {
  ALERT_MIN_INTERVAL_MS,
  alertGate,
  balanceAlertsFormSchema,
  balanceAlertsSchema,
  formToBalanceAlerts,
  decideAlert,
  effectiveThresholds,
  nextAlertState,
  type AlertState,
} from "./balance-alerts";

const now = new Date("2026-12-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const s = (threshold: number, armed: boolean, lastFiredAt: Date | null = null): AlertState => ({ threshold, armed, lastFiredAt });

describe("decideAlert: one alert per crossing, re-armed on recovery, at most one per hour", () => {
  it.each([
    // state, available → decision
    ["armed, above", s(100, true), 101, { action: "none", reason: "above" }],
    ["armed, exactly at the threshold", s(100, true), 100, { action: "fire", type: "balance.low" }],
    ["armed, below", s(100, true), 5, { action: "fire", type: "balance.low" }],
    ["fired, still below", s(100, false, ago(10)), 50, { action: "none", reason: "fired" }],
    ["fired, recovered above", s(100, false, ago(10)), 101, { action: "rearm" }],
    ["fired, recovered to exactly the threshold (not above)", s(100, false, ago(10)), 100, { action: "none", reason: "fired" }],
    ["re-armed, below again within the hour", s(100, true, ago(ALERT_MIN_INTERVAL_MS - 1)), 90, { action: "none", reason: "rate_limited" }],
    ["re-armed, below again after the hour", s(100, true, ago(ALERT_MIN_INTERVAL_MS)), 90, { action: "fire", type: "balance.low" }],
    ["depleted armed, 1 left", s(0, true), 1, { action: "none", reason: "above" }],
    ["depleted armed, 0 left", s(0, true), 0, { action: "fire", type: "balance.depleted" }],
    ["depleted armed, overdraft (available < 0)", s(0, true), -20, { action: "fire", type: "balance.depleted" }],
    ["depleted fired, credits back", s(0, false, ago(10)), 1, { action: "rearm" }],
  ] as const)("%s", (_name, state, available, expected) => {
    expect(decideAlert(state, available, now)).toEqual(expected);
  });

  it("firing disarms and stamps the time; re-arming keeps the time (the hourly limit spans the recovery)", () => {
    const fired = nextAlertState(s(100, true), { action: "fire", type: "balance.low" }, now);
    expect(fired).toEqual(s(100, false, now));
    expect(nextAlertState(fired, { action: "rearm" }, now)).toEqual(s(100, true, now));
    expect(nextAlertState(fired, { action: "none", reason: "fired" }, now)).toBe(fired);
  });
});

describe("effectiveThresholds: the owner's, else the recharge threshold, else 10 % of the plan", () => {
  it.each([
    ["configured, sorted and distinct", { configured: [50, 500, 50], autoRecharge: { enabled: true, threshold: 300 }, plan: "starter" }, [500, 50]],
    ["configured empty list: only the depleted alert", { configured: [], autoRecharge: null, plan: "starter" }, []],
    ["default with auto-recharge on", { configured: null, autoRecharge: { enabled: true, threshold: 300 }, plan: "starter" }, [300]],
    ["default with auto-recharge off: 10 % of Starter's 2,000", { configured: null, autoRecharge: { enabled: false, threshold: 300 }, plan: "starter" }, [200]],
    ["default, never configured auto-recharge, Free (100 credits)", { configured: null, autoRecharge: null, plan: "free" }, [10]],
    ["default, Pro (10,000)", { configured: null, autoRecharge: null, plan: "pro" }, [1000]],
  ] as const)("%s", (_name, input, expected) => {
    expect(effectiveThresholds({ ...input, configured: input.configured ? [...input.configured] : null })).toEqual(expected);
  });
});

describe("alertGate: the level at or below which a debit may fire an alert", () => {
  it.each([
    ["no states yet: the highest threshold", [500, 100], [], { level: 500, recheckAt: null }],
    ["500 fired: next is 100", [500, 100], [s(500, false, ago(5))], { level: 100, recheckAt: null }],
    ["all fired: only depleted", [500, 100], [s(500, false, ago(5)), s(100, false, ago(5))], { level: 0, recheckAt: null }],
    ["everything fired", [100], [s(100, false, ago(5)), s(0, false, ago(5))], { level: null, recheckAt: null }],
    [
      "re-armed within the hour: held back until the hour ends",
      [100],
      [s(100, true, ago(ALERT_MIN_INTERVAL_MS - 1000)), s(0, false, ago(5))],
      { level: null, recheckAt: new Date(now.getTime() + 1000) },
    ],
  ] as const)("%s", (_name, thresholds, states, expected) => {
    expect(alertGate([...thresholds], [...states], now)).toEqual(expected);
  });
});

describe("balanceAlertsSchema", () => {
  it.each([
    ["valid", { thresholds: [100, 500], recipients: [" Finance@Example.com "] }, true],
    ["none at all", { thresholds: [], recipients: [] }, true],
    ["four thresholds", { thresholds: [1, 2, 3, 4], recipients: [] }, false],
    ["zero", { thresholds: [0], recipients: [] }, false],
    ["fraction", { thresholds: [1.5], recipients: [] }, false],
    ["duplicate thresholds", { thresholds: [5, 5], recipients: [] }, false],
    ["bad email", { thresholds: [5], recipients: ["nope"] }, false],
    ["11 recipients", { thresholds: [5], recipients: Array.from({ length: 11 }, (_, i) => `r${i}@x.test`) }, false],
    ["duplicate recipients (case-insensitive)", { thresholds: [5], recipients: ["a@x.test", "A@x.test"] }, false],
  ])("%s", (_name, input, ok) => {
    expect(balanceAlertsSchema.safeParse(input).success).toBe(ok);
  });

  it("normalizes recipients (trimmed, lower case)", () => {
    expect(balanceAlertsSchema.parse({ thresholds: [1], recipients: [" Finance@Example.com "] }).recipients).toEqual(["finance@example.com"]);
  });
});

describe("the Billing page form", () => {
  it.each([
    [
      "one threshold, recipients on lines and commas",
      { threshold1: "1,000", threshold2: "", threshold3: "", recipients: "a@x.test, b@x.test\nc@x.test" },
      { thresholds: [1000], recipients: ["a@x.test", "b@x.test", "c@x.test"] },
    ],
    ["all empty", { threshold1: "", threshold2: "", threshold3: "", recipients: "" }, { thresholds: [], recipients: [] }],
  ])("%s", (_name, form, expected) => {
    expect(formToBalanceAlerts(form)).toEqual(expected);
  });

  it("reports errors on the field that has them", () => {
    const r = balanceAlertsFormSchema.safeParse({ threshold1: "100", threshold2: "abc", threshold3: "", recipients: "nope" });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("threshold2");
    expect(paths).toContain("recipients");
  });
});
