import { describe, expect, it } from "vitest";
import {
  centsForCredits,
  creditsFor,
  DEFAULT_METER,
  isMeterId,
  isWithinUsageWindow,
  METER_IDS,
  MINUTE_TIERS,
  minutesBoughtText,
  RATE_CARDS,
  rateFor,
  tierMeter,
  uniformRate,
  unitsFor,
} from "./meters";
import { PLAN_IDS, PLANS } from "./plans";

describe("rate cards", () => {
  it("every plan rates every meter with an integer ≥ 1", () => {
    for (const plan of PLAN_IDS)
      for (const meter of METER_IDS) expect(Number.isSafeInteger(RATE_CARDS[plan][meter]) && RATE_CARDS[plan][meter] >= 1).toBe(true);
  });
  it("the default meter is 1 credit per unit everywhere (the seed's plans keep working unchanged)", () => {
    for (const plan of PLAN_IDS) expect(rateFor(PLANS[plan], DEFAULT_METER)).toBe(1);
  });
  it.each([
    ["starter", "call", 7, 7],
    ["starter", "minute.basic", 3, 15],
    ["starter", "minute.premium", 3, 24],
    ["pro", "minute.basic", 10, 60],
    ["pro", "minute.premium", 1_000_000, 11_000_000],
  ] as const)("%s: %s × %i = %i credits", (plan, meter, units, credits) => {
    expect(creditsFor(PLANS[plan], meter, units)).toBe(credits);
  });
  it.each([0, -1, 1.5, Number.NaN])("refuses %s units", (units) => expect(() => creditsFor(PLANS.starter, "call", units)).toThrow(RangeError));
  it.each([
    ["starter", "minute.premium", 50, 6], // 50 credits buy 6 whole Premium minutes (48 credits), never 7
    ["starter", "minute.basic", 50, 10],
    ["pro", "minute.premium", 10, 0],
    ["starter", "call", 0, 0],
    ["starter", "call", -5, 0],
  ] as const)("%s: %i credits buy %i units of %s", (plan, meter, credits, units) => {
    expect(unitsFor(PLANS[plan], meter, credits)).toBe(units);
  });
  it("units bought never cost more than the credits, and one more unit would", () => {
    for (const plan of PLAN_IDS)
      for (const meter of METER_IDS)
        for (let credits = 1; credits < 200; credits++) {
          const units = unitsFor(PLANS[plan], meter, credits);
          const cost = units === 0 ? 0 : creditsFor(PLANS[plan], meter, units);
          expect(cost).toBeLessThanOrEqual(credits);
          expect(cost + rateFor(PLANS[plan], meter)).toBeGreaterThan(credits);
        }
  });
  it.each([
    ["starter", 1000, 2000],
    ["starter", 1, 2],
    ["pro", 1, 2], // $0.015 rounds up to 2 cents
    ["pro", 600, 900], // 100 Basic minutes on Pro: $9.00 exactly
    ["starter", 0, 0],
  ] as const)("%s: %i credits cost %i cents (rounded up)", (plan, credits, cents) => {
    expect(centsForCredits(PLANS[plan], credits)).toBe(cents);
  });
  it("names meters and tiers", () => {
    expect(isMeterId("minute.premium")).toBe(true);
    expect(isMeterId("minute.gold")).toBe(false);
    expect(isMeterId(7)).toBe(false);
    expect(tierMeter("basic")).toBe("minute.basic");
  });
});

describe("uniformRate", () => {
  it.each([
    ["call", 1],
    ["request", 1],
    ["minute.basic", null],
    ["minute.premium", null],
  ] as const)("%s → %s", (meter, rate) => {
    expect(uniformRate(meter)).toBe(rate);
  });
});

describe("isWithinUsageWindow", () => {
  const now = new Date("2026-12-04T12:00:00Z");
  it.each([
    ["now", "2026-12-04T12:00:00Z", true],
    ["exactly 24 h ago", "2026-12-03T12:00:00Z", true],
    ["24 h and 1 ms ago", "2026-12-03T11:59:59.999Z", false],
    ["5 min ahead", "2026-12-04T12:05:00Z", true],
    ["5 min and 1 ms ahead", "2026-12-04T12:05:00.001Z", false],
    ["an invalid date", "not a date", false],
  ])("%s", (_name, at, ok) => {
    expect(isWithinUsageWindow(new Date(at), now)).toBe(ok);
  });
});

describe("minutesBoughtText", () => {
  it.each([
    ["starter", 2_500, "≈ 312 Premium or 500 Basic minutes"], // $50.00 at $0.02 a credit
    ["pro", 10_000, "≈ 909 Premium or 1,666 Basic minutes"],
    ["free", 3, "≈ 1 Premium or 3 Basic minutes"],
    ["starter", 0, ""],
  ] as const)("%s, %i credits → %s", (plan, credits, text) => {
    expect(minutesBoughtText({ id: plan }, credits)).toBe(text);
  });
});

describe("minute tiers", () => {
  it("each tier has a meter that names it", () => {
    expect(MINUTE_TIERS.map((t) => [t, tierMeter(t)])).toEqual([
      ["basic", "minute.basic"],
      ["premium", "minute.premium"],
    ]);
  });
});
