import { describe, expect, it } from "vitest";
import {
  earlyRechargeMessage,
  earlyRechargeView,
  formatSeconds,
  percentile,
  rechargeTiming,
  runwaySeconds,
  suggestionReason,
  suggestThreshold,
} from "./early-trigger";

describe("percentile (nearest rank)", () => {
  it.each([
    [[], 50, null],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 95, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
  ])("%j p%d = %s", (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

describe("runwaySeconds", () => {
  it.each([
    [100, 700, 100 / 700],
    [100, 0, Infinity],
    [0, 700, 0],
    [-5, 700, 0],
  ])("%d credits at %d/s → %s s", (available, rate, expected) => expect(runwaySeconds(available, rate)).toBeCloseTo(expected));
});

describe("rechargeTiming: the threshold is the floor, the runway decides above it", () => {
  const fast = { ratePerSecond: 700, rechargeP95Ms: 200 }; // lead 0.6 s
  it.each([
    // below the threshold: always due, whatever the rate
    [99, 100, null, { due: true, early: false }],
    [99, 100, { ratePerSecond: 0, rechargeP95Ms: 200 }, { due: true, early: false }],
    // above it, idle or no signal: not due
    [100, 100, null, { due: false }],
    [5000, 100, { ratePerSecond: 0, rechargeP95Ms: 1000 }, { due: false }],
    // above it at 700/s: 300 credits last 0.43 s < 0.6 s → early; 500 credits last 0.71 s → not yet
    [300, 100, fast, { due: true, early: true }],
    [500, 100, fast, { due: false }],
    // the safety factor scales the lead: ×1 → 0.2 s; 300 credits (0.43 s) are enough
    [300, 100, { ...fast, safetyFactor: 1 }, { due: false }],
    // default 1 s p95 × 3: at 700/s anything under 2,100 credits is early
    [2099, 100, { ratePerSecond: 700, rechargeP95Ms: 1000 }, { due: true, early: true }],
    [2100, 100, { ratePerSecond: 700, rechargeP95Ms: 1000 }, { due: false }],
  ])("%d available, threshold %d, %j → %j", (available, threshold, signal, expected) => {
    expect(rechargeTiming(available, threshold, signal)).toMatchObject(expected);
  });
});

describe("earlyRechargeMessage", () => {
  it.each([
    [{ threshold: 100, ratePerSecond: 700, rechargeP95Ms: 1000 }, "Recharging early: at 700 credits/s your 100-credit threshold lasts 0.14 s."],
    [{ threshold: 1000, ratePerSecond: 1234.4, rechargeP95Ms: 1000 }, "Recharging early: at 1,234 credits/s your 1,000-credit threshold lasts 0.81 s."],
    [{ threshold: 2000, ratePerSecond: 700, rechargeP95Ms: 1000 }, "Recharging early: at 700 credits/s your 2,000-credit threshold lasts 2.9 s."],
    [{ threshold: 100, ratePerSecond: 0, rechargeP95Ms: 1000 }, null], // idle
    [{ threshold: 100_000, ratePerSecond: 700, rechargeP95Ms: 1000 }, null], // the threshold lasts 143 s: ample
  ])("%j", (p, expected) => expect(earlyRechargeMessage(p)).toBe(expected));
});

describe("suggestThreshold: peak rate × recharge time × safety, not a daily average", () => {
  it.each([
    // 700 credits/s peak, recharge p95 150 ms, ×3 → 315
    [
      { peakRatePerSecond: 700, rechargeP95Ms: 150, typicalHourly: 2 },
      { credits: 315, basis: "peak_rate" },
    ],
    [
      { peakRatePerSecond: 700, rechargeP95Ms: 1000, typicalHourly: 50 },
      { credits: 2100, basis: "peak_rate" },
    ],
    [
      { peakRatePerSecond: 700, rechargeP95Ms: 1000, safetyFactor: 1, typicalHourly: 50 },
      { credits: 700, basis: "peak_rate" },
    ],
    [
      { peakRatePerSecond: 0.01, rechargeP95Ms: 100, typicalHourly: 0 },
      { credits: 1, basis: "peak_rate" },
    ],
    // no peak measured: one hour at the typical rate (the old rule), at least 1
    [
      { peakRatePerSecond: null, rechargeP95Ms: 1000, typicalHourly: 49.2 },
      { credits: 50, basis: "typical_hour" },
    ],
    [
      { peakRatePerSecond: null, rechargeP95Ms: 1000, typicalHourly: 0 },
      { credits: 1, basis: "typical_hour" },
    ],
  ])("%j → %j", (p, expected) => expect(suggestThreshold(p)).toEqual(expected));

  it("is never below peak × recharge time", () => {
    for (const peak of [1, 37, 700, 12_345])
      for (const p95 of [50, 150, 999, 4000]) {
        expect(suggestThreshold({ peakRatePerSecond: peak, rechargeP95Ms: p95, typicalHourly: 0 }).credits).toBeGreaterThanOrEqual((peak * p95) / 1000);
      }
  });

  it("says why", () => {
    expect(suggestionReason({ basis: "peak_rate", peakRatePerSecond: 700, rechargeP95Ms: 150 })).toBe(
      "your peak of 700 credits/s for 0.45 s, 3× the time a recharge takes",
    );
    expect(suggestionReason({ basis: "typical_hour", peakRatePerSecond: null, rechargeP95Ms: 1000 })).toBe("about one hour of your typical usage");
  });
});

it.each([
  [0.142857, "0.14 s"],
  [2.54, "2.5 s"],
  [40.4, "40 s"],
  [600, "10 min"],
  [Infinity, "indefinitely"],
])("formatSeconds(%d) = %s", (s, expected) => expect(formatSeconds(s)).toBe(expected));

describe("earlyRechargeView", () => {
  it.each([
    [
      { autoRechargeActive: true, threshold: 100, ratePerSecond: 700, rechargeP95Ms: 1000 },
      { active: true, message: "Recharging early: at 700 credits/s your 100-credit threshold lasts 0.14 s." },
    ],
    [
      { autoRechargeActive: false, threshold: 100, ratePerSecond: 700, rechargeP95Ms: 1000 },
      { active: false, message: null },
    ], // off, capped…: nothing fires
    [
      { autoRechargeActive: true, threshold: 100, ratePerSecond: 0, rechargeP95Ms: 1000 },
      { active: false, message: null },
    ],
  ])("%j", (p, expected) => expect(earlyRechargeView(p)).toEqual(expected));
});
