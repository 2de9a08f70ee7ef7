import { describe, expect, it } from "vitest";
import { allocationCreditKey, allocationPeriod, allocationSchema, estimateAllocation } from "./allocation";
import { PLANS } from "./plans";

describe("allocation period: the calendar month in the sub-account's time zone", () => {
  it.each([
    ["2026-01-31T23:59:59.999Z", "UTC", "2026-01"],
    ["2026-02-01T00:00:00.000Z", "UTC", "2026-02"],
    ["2026-12-31T23:59:59.999Z", "UTC", "2026-12"],
    ["2027-01-01T00:00:00.000Z", "UTC", "2027-01"],
    // 2026-03-01 00:30 UTC is still February in New York (UTC−5)
    ["2026-03-01T00:30:00.000Z", "America/New_York", "2026-02"],
    ["2026-03-01T05:00:00.000Z", "America/New_York", "2026-03"],
    // 2026-04-30 22:30 UTC is already May in Tokyo (UTC+9)
    ["2026-04-30T22:30:00.000Z", "Asia/Tokyo", "2026-05"],
    ["2026-04-30T14:59:59.000Z", "Asia/Tokyo", "2026-04"],
    ["2026-04-30T23:00:00.000Z", "Not/AZone", "2026-04"],
    ["2026-04-30T23:00:00.000Z", "", "2026-04"],
  ])("%s in %s → %s", (iso, tz, period) => {
    expect(allocationPeriod(new Date(iso), tz)).toBe(period);
  });
  it("names the sub-account and the month in the ledger key", () => {
    expect(allocationCreditKey("sub-1", "2026-02")).toBe("allocation:sub-1:2026-02");
  });
});

describe("estimated monthly charge at current rates", () => {
  it.each([
    // plan, basic, premium, credits, cents, packs
    ["starter", 0, 0, 0, 0, 1],
    ["starter", 100, 0, 500, 1000, 1], // 5 credits/min at $20.00 per 1,000
    ["starter", 0, 100, 800, 1600, 1], // 8 credits/min
    ["starter", 1000, 500, 9000, 18000, 9],
    ["starter", 1, 0, 5, 10, 1],
    ["pro", 1000, 500, 11500, 17250, 12], // 6 and 11 credits/min at $15.00 per 1,000
    ["pro", 1, 1, 17, 26, 1], // 17 × 1.5 ¢ = 25.5 ¢ → rounded up to 26 ¢
    ["free", 10, 10, 30, 840, 1], // 1 and 2 credits/min at $0.28/credit
    ["starter", 100_000, 100_000, 1_300_000, 2_600_000, 1300],
  ] as const)("%s: %i Basic + %i Premium = %i credits, %i ¢ (%i packs)", (plan, basic, premium, credits, cents, packs) => {
    expect(estimateAllocation(PLANS[plan], { basicMinutes: basic, premiumMinutes: premium })).toEqual({ credits, amountCents: cents, currency: "usd", packs });
  });
  it.each([-1, 1.5, Number.NaN, 100_001])("refuses %s minutes", (m) => {
    expect(() => estimateAllocation(PLANS.starter, { basicMinutes: m, premiumMinutes: 0 })).toThrow(RangeError);
  });
});

describe("allocation input", () => {
  const id = "7d8c3c1e-5a5e-4d8b-9a57-6f0f3e1c2b10";
  it.each([
    [{ subAccountId: id, basicMinutes: 0, premiumMinutes: 0 }, true],
    [{ subAccountId: id, basicMinutes: "120", premiumMinutes: "30" }, true],
    [{ subAccountId: id, basicMinutes: -1, premiumMinutes: 0 }, false],
    [{ subAccountId: id, basicMinutes: 1.5, premiumMinutes: 0 }, false],
    [{ subAccountId: id, basicMinutes: "abc", premiumMinutes: 0 }, false],
    [{ subAccountId: id, basicMinutes: 100_001, premiumMinutes: 0 }, false],
    [{ subAccountId: "nope", basicMinutes: 1, premiumMinutes: 0 }, false],
  ])("%j → valid: %s", (input, ok) => {
    expect(allocationSchema.safeParse(input).success).toBe(ok);
  });
});
