import { describe, expect, it } from "vitest";
import { cardLabel, consentNeeded, consentText, type ConsentSettings } from "./consent";

const starter = { packCredits: 1000, packPriceCents: 2000, currency: "usd", cardLabel: "Visa •••• 4242" };
const on: ConsentSettings = { enabled: true, threshold: 200, rechargePacks: 1, rechargeTo: null, maxRechargesPerMonth: 10, spendingLimitCents: null };
const off: ConsentSettings = { ...on, enabled: false };

describe("consentText", () => {
  it("fixed: exactly what may be charged", () => {
    expect(consentText(on, starter)).toBe(
      "Up to 10 × $20.00 = $200.00 a month on Visa •••• 4242, charged automatically when the balance falls below 200 credits. A balance far below the threshold is brought back to it in one charge, within that monthly total.",
    );
  });
  it("a spending limit lower than the monthly total says so", () => {
    expect(consentText({ ...on, spendingLimitCents: 10_000 }, starter)).toMatch(
      /= \$200\.00 a month .* Your spending limit of \$100\.00 a month stops charges earlier\.$/,
    );
    expect(consentText({ ...on, spendingLimitCents: 50_000 }, starter)).not.toMatch(/spending limit/);
  });
  it("target mode names the maximum per charge", () => {
    expect(consentText({ ...on, rechargeTo: 3000, maxRechargesPerMonth: 5 }, starter)).toBe(
      "Up to 5 charges of at most $60.00 each = $300.00 a month on Visa •••• 4242, charged automatically when the balance falls below 200 credits to bring it back to 3,000 credits.",
    );
  });
  it("names the backup card, and the default card when none is known", () => {
    expect(consentText(on, { ...starter, backupCardLabel: "Mastercard •••• 4444" })).toMatch(
      /on Visa •••• 4242 \(or the backup card Mastercard •••• 4444 if it is declined\)/,
    );
    expect(consentText(on, { ...starter, cardLabel: null })).toMatch(/on your default card/);
  });
  it.each([
    ["visa", "4242", "Visa •••• 4242"],
    ["mastercard", "4444", "Mastercard •••• 4444"],
    ["amex", "0005", "American Express •••• 0005"],
    [null, "1111", "Card •••• 1111"],
    ["visa", null, null],
  ])("cardLabel(%s, %s) = %s", (brand, last4, want) => {
    expect(cardLabel(brand, last4)).toBe(want);
  });
});

describe("consentNeeded", () => {
  it.each<[string, ConsentSettings, ConsentSettings, string[]]>([
    ["enabling", off, on, ["enabling"]],
    ["re-enabling after it disabled itself", { ...on, enabled: false, disabledReason: "failures" }, on, ["enabling"]],
    ["staying off, whatever changes", off, { ...off, rechargePacks: 50, spendingLimitCents: null }, []],
    ["turning off", on, off, []],
    ["no change", on, on, []],
    ["raising the amount", on, { ...on, rechargePacks: 2 }, ["per_charge_raised"]],
    ["lowering the amount", { ...on, rechargePacks: 2 }, on, []],
    ["raising the monthly cap", on, { ...on, maxRechargesPerMonth: 11 }, ["monthly_cap_raised"]],
    ["lowering the cap", on, { ...on, maxRechargesPerMonth: 9 }, []],
    ["raising the spending limit", { ...on, spendingLimitCents: 5000 }, { ...on, spendingLimitCents: 6000 }, ["spending_limit_raised"]],
    ["removing the spending limit", { ...on, spendingLimitCents: 5000 }, on, ["spending_limit_raised"]],
    ["adding a spending limit", on, { ...on, spendingLimitCents: 5000 }, []],
    ["threshold only", on, { ...on, threshold: 900 }, []],
    ["fixed 1 pack → target 3,000 (up to 3 packs a charge)", on, { ...on, rechargeTo: 3000 }, ["per_charge_raised"]],
    ["target 3,000 → 2,000", { ...on, rechargeTo: 3000 }, { ...on, rechargeTo: 2000 }, []],
    ["target 3,000 → fixed 3 packs (same per charge)", { ...on, rechargeTo: 3000 }, { ...on, rechargePacks: 3 }, []],
    ["amount and cap both raised", on, { ...on, rechargePacks: 2, maxRechargesPerMonth: 20 }, ["per_charge_raised", "monthly_cap_raised"]],
  ])("%s → %j", (_name, before, after, want) => {
    expect(consentNeeded(before, after, starter)).toEqual(want);
  });
});
