import { describe, expect, it } from "vitest";
import { DEFAULT_RECHARGE_P95_MS } from "@/lib/billing/early-trigger";
import { BurnRateTracker } from "./burn-rate";

const T0 = 1_800_000_000_000;

describe("BurnRateTracker: credits/s over a sliding window of flushes", () => {
  it("a steady 700 credits/s burst reads 700/s once a second has passed, per org", () => {
    const t = new BurnRateTracker();
    for (let ms = 0; ms <= 2000; ms += 10) t.recordDebit("a", 7, T0 + ms); // 7 credits every 10 ms
    expect(t.ratePerSecond("a", T0 + 2000)).toBeCloseTo(703.5, 0); // 201 flushes × 7 over 2 s
    expect(t.ratePerSecond("b", T0 + 2000)).toBe(0);
  });

  it("one flush is not a huge rate: the divisor is at least 1 s", () => {
    const t = new BurnRateTracker();
    t.recordDebit("a", 50, T0);
    expect(t.ratePerSecond("a", T0 + 1)).toBe(50);
  });

  it("forgets what is older than the window; idle → 0", () => {
    const t = new BurnRateTracker({ windowMs: 5000 });
    for (let ms = 0; ms < 5000; ms += 100) t.recordDebit("a", 100, T0 + ms); // 1,000/s for 5 s
    expect(t.ratePerSecond("a", T0 + 4999)).toBeCloseTo(1000, -1);
    expect(t.ratePerSecond("a", T0 + 7000)).toBeCloseTo(600, -1); // only the last 3 s remain, over 5 s
    expect(t.ratePerSecond("a", T0 + 20_000)).toBe(0);
    t.recordDebit("a", 10, T0 + 20_000); // a new burst starts from scratch
    expect(t.ratePerSecond("a", T0 + 20_100)).toBe(10);
  });

  it("zero and refused debits record nothing", () => {
    const t = new BurnRateTracker();
    t.recordDebit("a", 0, T0);
    expect(t.ratePerSecond("a", T0)).toBe(0);
  });
});

describe("recharge latency: p95 of crossing → credit, default until measured", () => {
  it("uses the default, then the p95 of what this process measured", () => {
    const t = new BurnRateTracker();
    expect(t.rechargeP95Ms()).toBe(DEFAULT_RECHARGE_P95_MS);
    for (let i = 1; i <= 20; i++) {
      t.noteAttempt("org", `a${i}`, T0);
      t.attemptSettled(`a${i}`, true, T0 + i * 10);
    }
    expect(t.rechargeP95Ms()).toBe(190);
    t.attemptSettled("unknown", true, T0 + 99_999); // not created here: ignored
    expect(t.rechargeP95Ms()).toBe(190);
  });

  it("a failed attempt closes the org's open attempt but is no latency sample", () => {
    const t = new BurnRateTracker();
    t.noteAttempt("org", "a1", T0);
    expect(t.recentlyOpened("org", T0 + 50)).toBe(true);
    t.attemptSettled("a1", false, T0 + 100);
    expect(t.recentlyOpened("org", T0 + 150)).toBe(false);
    expect(t.rechargeP95Ms()).toBe(DEFAULT_RECHARGE_P95_MS);
  });

  it("recentlyOpened expires (the trigger stays the exact judge)", () => {
    const t = new BurnRateTracker();
    t.noteAttempt("org", "a1", T0);
    expect(t.recentlyOpened("org", T0 + 9_999)).toBe(true);
    expect(t.recentlyOpened("org", T0 + 10_000)).toBe(false);
  });

  it("signal combines both", () => {
    const t = new BurnRateTracker();
    t.recordDebit("org", 700, T0);
    expect(t.signal("org", T0 + 1)).toEqual({ ratePerSecond: 700, rechargeP95Ms: DEFAULT_RECHARGE_P95_MS });
  });
});
