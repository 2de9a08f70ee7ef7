import { describe, expect, it } from "vitest";
import { maxPacksPerCharge, planRechargeAmount, type RechargeAmountInput } from "./recharge-amount";

// Starter: 1,000-credit packs at $20.00
const base: RechargeAmountInput = {
  rechargePacks: 1,
  rechargeTo: null,
  threshold: 200,
  balance: 150,
  packCredits: 1000,
  packPriceCents: 2000,
  spendLeftCents: null,
  consentedLeftCents: 20_000,
};

describe("planRechargeAmount: packs for balance / threshold / target / pack size / spend left", () => {
  it.each<[string, Partial<RechargeAmountInput>, ReturnType<typeof planRechargeAmount>]>([
    ["fixed, just below the threshold: the set packs", {}, { ok: true, packs: 1, basis: "fixed", limitedBy: null }],
    ["fixed 3 packs", { rechargePacks: 3 }, { ok: true, packs: 3, basis: "fixed", limitedBy: null }],
    [
      "fixed, far below (a plan reset to 0 with threshold 5,000): one charge closes the gap",
      { balance: 0, threshold: 5000 },
      { ok: true, packs: 5, basis: "gap", limitedBy: null },
    ],
    ["fixed, overdraft −2,500 under threshold 200: 3 packs reach 500", { balance: -2500 }, { ok: true, packs: 3, basis: "gap", limitedBy: null }],
    ["fixed, gap exactly one pack short: whole packs, at least the threshold", { balance: -800 }, { ok: true, packs: 1, basis: "fixed", limitedBy: null }],
    [
      "fixed, gap but the consented monthly total leaves 2 packs",
      { balance: -9000, consentedLeftCents: 4000 },
      { ok: true, packs: 2, basis: "gap", limitedBy: "monthly_max" },
    ],
    [
      "fixed, gap, spending limit leaves $50: 2 packs, never over",
      { balance: -9000, spendLeftCents: 5000 },
      { ok: true, packs: 2, basis: "gap", limitedBy: "spending_limit" },
    ],
    [
      "fixed, spending limit leaves less than the set packs: paused",
      { rechargePacks: 3, spendLeftCents: 5000 },
      { ok: false, reason: "paused_spending_limit" },
    ],
    ["fixed, consented total used up: paused (monthly limit)", { consentedLeftCents: 0 }, { ok: false, reason: "paused_monthly_cap" }],
    [
      "fixed, a gap beyond 100 packs: 100 packs per charge",
      { balance: -500_000, consentedLeftCents: 10_000_000 },
      { ok: true, packs: 100, basis: "gap", limitedBy: "per_charge" },
    ],
    ["target 3,000 from 150: 3 packs (3,150)", { rechargeTo: 3000 }, { ok: true, packs: 3, basis: "target", limitedBy: null }],
    ["target 3,000 from 0: 3 packs exactly", { rechargeTo: 3000, balance: 0 }, { ok: true, packs: 3, basis: "target", limitedBy: null }],
    ["target 2,500 from 199: 3 packs (3,199 ≥ 2,500)", { rechargeTo: 2500, balance: 199 }, { ok: true, packs: 3, basis: "target", limitedBy: null }],
    [
      "target from an overdraft: at most what refills an empty balance (the consent's per-charge max)",
      { rechargeTo: 3000, balance: -4000 },
      { ok: true, packs: 3, basis: "target", limitedBy: "per_charge" },
    ],
    [
      "target, spending limit leaves $20: 1 pack",
      { rechargeTo: 3000, spendLeftCents: 2000 },
      { ok: true, packs: 1, basis: "target", limitedBy: "spending_limit" },
    ],
    ["target, spending limit leaves $19.99: paused", { rechargeTo: 3000, spendLeftCents: 1999 }, { ok: false, reason: "paused_spending_limit" }],
    [
      "target ignores the fixed consented total (each charge ≤ its own max)",
      { rechargeTo: 3000, consentedLeftCents: 0 },
      { ok: true, packs: 3, basis: "target", limitedBy: null },
    ],
    [
      "Free-sized packs: 100 credits at $28, target 450 from 20 → 5 packs",
      { rechargeTo: 450, balance: 20, packCredits: 100, packPriceCents: 2800 },
      { ok: true, packs: 5, basis: "target", limitedBy: null },
    ],
  ])("%s", (_name, patch, want) => {
    expect(planRechargeAmount({ ...base, ...patch })).toEqual(want);
  });

  it.each([
    [null, 1, 100],
    [3000, 1, 3],
    [3001, 1, 4],
    [250_000, 1, 100],
  ])("maxPacksPerCharge(rechargeTo %s) = %s", (rechargeTo, rechargePacks, want) => {
    expect(maxPacksPerCharge({ rechargeTo, rechargePacks, packCredits: 1000 })).toBe(want);
  });
});
