import { describe, expect, it } from "vitest";
import { formatMoney, formatPerCreditRate } from "./money";
import { defaultThreshold, PLANS, quotePacks } from "./plans";
import { resolveAutoTopupPatch } from "./resolve-auto-topup-patch";

describe("plans", () => {
  it.each([
    ["free", 1, { credits: 100, amountCents: 2800 }],
    ["starter", 1, { credits: 1000, amountCents: 2000 }],
    ["starter", 100, { credits: 100_000, amountCents: 200_000 }],
    ["pro", 3, { credits: 3000, amountCents: 4500 }],
  ] as const)("%s × %i packs", (plan, packs, want) => {
    expect(quotePacks(PLANS[plan], packs)).toMatchObject(want);
  });
  it.each([0, 101, 1.5])("refuses %s packs", (packs) => expect(() => quotePacks(PLANS.starter, packs)).toThrow(RangeError));
  it("formats money and rates", () => {
    expect(formatMoney(2000)).toBe("$20.00");
    expect(formatMoney(123456)).toBe("$1,234.56");
    expect(formatPerCreditRate(PLANS.free)).toBe("$0.28");
    expect(formatPerCreditRate(PLANS.starter)).toBe("$0.02");
    expect(formatPerCreditRate(PLANS.pro)).toBe("$0.015");
    expect(defaultThreshold(PLANS.starter)).toBe(200);
  });
});

describe("resolveAutoTopupPatch", () => {
  const current = { enabled: false, threshold: 200, rechargePacks: 1, rechargeTo: null, maxRechargesPerMonth: 10 };
  it.each([
    [
      "seed client call",
      { enabled: true, threshold: 100, amount: 2000 },
      { ok: true, settings: { enabled: true, threshold: 100, rechargePacks: 1, rechargeTo: null, maxRechargesPerMonth: 10 } },
    ],
    ["amount of 3 packs", { amount: 6000 }, { ok: true, settings: { ...current, rechargePacks: 3 } }],
    ["recharge_packs", { recharge_packs: 4 }, { ok: true, settings: { ...current, rechargePacks: 4 } }],
    ["disable", { enabled: false }, { ok: true, settings: current }],
    ["target mode", { recharge_to: 3000 }, { ok: true, settings: { ...current, rechargeTo: 3000 } }],
    ["back to a fixed amount", { recharge_to: null }, { ok: true, settings: current }],
  ])("%s", (_n, patch, want) => expect(resolveAutoTopupPatch("starter", current, patch)).toEqual(want));

  it.each([
    ["amount not a whole number of packs", { amount: 2500 }, "amount", /whole number of packs of 2000 cents.*2000, 4000/],
    ["amount and packs disagree", { amount: 2000, recharge_packs: 2 }, "amount", /disagree/],
    ["threshold over ceiling", { threshold: 10_000_000 }, "threshold", /at most/],
    ["max over ceiling", { max_recharges_per_month: 1000 }, "max_recharges_per_month", /At most 31/],
    ["target below the threshold", { recharge_to: 150 }, "recharge_to", /must be above the threshold \(200 credits\)/],
    ["target at the threshold", { recharge_to: 200 }, "recharge_to", /must be above the threshold/],
    ["target with an amount", { recharge_to: 3000, amount: 2000 }, "recharge_to", /cannot be combined with amount or recharge_packs/],
    ["target with packs", { recharge_to: 3000, recharge_packs: 2 }, "recharge_to", /cannot be combined/],
    ["target above 100 packs", { recharge_to: 100_001 }, "recharge_to", /at most 100,000 credits/],
  ])("%s → 422 field error", (_n, patch, field, msg) => {
    const r = resolveAutoTopupPatch("starter", current, patch);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fieldErrors[field]?.join(" ")).toMatch(msg);
  });
});
