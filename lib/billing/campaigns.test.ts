import { describe, expect, it } from "vitest";
import { campaignGateLevel, campaignMinimum, campaignsToPause, resumability, tierCovers, type CampaignRule } from "./campaigns";

const c = (id: string, tier: CampaignRule["tier"], status: CampaignRule["status"] = "active", minBalance: number | null = null): CampaignRule => ({
  id,
  tier,
  status,
  minBalance,
});

describe("campaignMinimum: the configured minimum, else one minute of the tier on the plan", () => {
  it.each([
    ["starter", "basic", null, 5],
    ["starter", "premium", null, 8],
    ["pro", "basic", null, 6],
    ["pro", "premium", null, 11],
    ["free", "premium", null, 2],
    ["pro", "premium", 500, 500],
    ["starter", "basic", 1, 1],
  ] as const)("%s, %s, min_balance %s → %i", (plan, tier, min, expected) => {
    expect(campaignMinimum(plan, { tier, minBalance: min })).toBe(expected);
  });
});

describe("campaignsToPause: active campaigns whose minimum is above the available balance", () => {
  const all = [c("b", "basic"), c("p", "premium"), c("big", "basic", "active", 100), c("gone", "premium", "paused")];
  it.each([
    ["plenty", 1000, []],
    ["exactly the largest minimum", 100, []],
    ["one below the custom minimum", 99, ["big"]],
    ["exactly one Premium minute (Starter: 8)", 8, ["big"]],
    ["below one Premium minute", 7, ["p", "big"]],
    ["exactly one Basic minute (5)", 5, ["p", "big"]],
    ["below one Basic minute", 4, ["b", "p", "big"]],
    ["nothing left", 0, ["b", "p", "big"]],
    ["overdrawn", -20, ["b", "p", "big"]],
  ] as const)("%s (available %i) → %j (a paused one is never paused again)", (_label, available, expected) => {
    expect(campaignsToPause("starter", available, all).map((x) => x.id)).toEqual(expected);
  });
});

describe("campaignGateLevel: the highest minimum among active campaigns", () => {
  it.each([
    ["none", [], null],
    ["only paused", [c("x", "premium", "paused")], null],
    ["basic and premium", [c("b", "basic"), c("p", "premium")], 8],
    ["a custom minimum", [c("b", "basic", "active", 40), c("p", "premium")], 40],
    ["a paused big one does not count", [c("b", "basic"), c("big", "basic", "paused", 400)], 5],
  ] as const)("%s → %s", (_label, campaigns, expected) => {
    expect(campaignGateLevel("starter", campaigns)).toBe(expected);
  });
});

describe("tierCovers: a Premium recharge covers both tiers, a Basic one only Basic", () => {
  it.each([
    ["premium", "premium", true],
    ["premium", "basic", true],
    ["basic", "basic", true],
    ["basic", "premium", false],
  ] as const)("%s recharge, %s campaign → %s", (recharge, campaign, expected) => {
    expect(tierCovers(recharge, campaign)).toBe(expected);
  });
});

describe("resumability after a recharge of a tier", () => {
  it.each([
    ["paused Premium after a Premium recharge, enough", c("p", "premium", "paused"), 100, "premium", null],
    ["paused Basic after a Premium recharge, enough", c("b", "basic", "paused"), 100, "premium", null],
    ["paused Basic after a Basic recharge, enough", c("b", "basic", "paused"), 100, "basic", null],
    ["paused Premium after a Basic recharge", c("p", "premium", "paused"), 100, "basic", "tier_not_covered"],
    ["paused Premium after a Premium recharge, still below", c("p", "premium", "paused"), 7, "premium", "below_minimum"],
    ["paused, exactly its minimum", c("p", "premium", "paused"), 8, "premium", null],
    ["paused custom minimum 50, 49 available", c("x", "basic", "paused", 50), 49, "premium", "below_minimum"],
    ["active", c("a", "basic"), 100, "premium", "not_paused"],
    ["no recharge in question (API), enough", c("p", "premium", "paused"), 8, null, null],
    ["no recharge in question (API), below", c("p", "premium", "paused"), 7, null, "below_minimum"],
  ] as const)("%s → %s", (_label, campaign, available, tier, refusal) => {
    const r = resumability("starter", campaign, available, tier);
    if (refusal === null) expect(r).toEqual({ resumable: true });
    else expect(r).toMatchObject({ resumable: false, reason: refusal, message: expect.any(String) });
  });

  it("says why, in words the owner can act on", () => {
    expect(resumability("starter", c("p", "premium", "paused"), 100, "basic")).toMatchObject({
      message: "A Basic recharge does not cover Premium campaigns. Recharge Premium to resume it.",
    });
    expect(resumability("starter", c("p", "premium", "paused"), 3, null)).toMatchObject({
      message: "The available balance (3 credits) is below this campaign's minimum of 8 credits.",
    });
  });
});
