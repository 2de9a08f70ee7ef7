import { describe, expect, it } from "vitest";
import { isDeliverySuccess, isSubscribed, nextRetryAt, shouldDisableEndpoint, signingSecrets } from "./webhook-policy";

const t0 = new Date("2026-12-01T00:00:00Z");
const plus = (ms: number) => new Date(t0.getTime() + ms);

describe("nextRetryAt", () => {
  it.each<[number, number | null]>([
    [1, 5_000],
    [2, 5 * 60_000],
    [3, 30 * 60_000],
    [4, 2 * 3600_000],
    [5, 5 * 3600_000],
    [6, 10 * 3600_000],
    [7, 10 * 3600_000],
    [8, null], // the 8th attempt was the last
  ])("after failed attempt %i → +%s ms", (attempt, delay) => {
    expect(nextRetryAt(attempt, t0)).toEqual(delay === null ? null : plus(delay));
  });
});

describe("shouldDisableEndpoint", () => {
  it.each<[string, Date | null, Date, boolean]>([
    ["not failing", null, plus(10 * 86400_000), false],
    ["failing 4 days 23 h", t0, plus(5 * 86400_000 - 3600_000), false],
    ["failing exactly 5 days", t0, plus(5 * 86400_000), true],
    ["failing 6 days", t0, plus(6 * 86400_000), true],
  ])("%s", (_, since, now, expected) => {
    expect(shouldDisableEndpoint(since, now)).toBe(expected);
  });
});

describe("isSubscribed / isDeliverySuccess", () => {
  it.each<[string[], string, boolean]>([
    [["*"], "balance.low", true],
    [["balance.low", "recharge.failed"], "recharge.failed", true],
    [["balance.low"], "recharge.failed", false],
    [[], "balance.low", false],
  ])("%o receives %s: %s", (events, type, expected) => {
    expect(isSubscribed(events, type)).toBe(expected);
  });
  it.each<[number, boolean]>([
    [200, true],
    [204, true],
    [299, true],
    [301, false],
    [302, false],
    [400, false],
    [500, false],
  ])("HTTP %i → %s", (status, expected) => {
    expect(isDeliverySuccess(status)).toBe(expected);
  });
});

describe("signingSecrets", () => {
  const e = { secret: "whsec_new", previousSecret: "whsec_old", previousSecretExpiresAt: plus(24 * 3600_000) };
  it.each<[string, Date, string[]]>([
    ["just rotated: both", t0, ["whsec_new", "whsec_old"]],
    ["23 h later: both", plus(23 * 3600_000), ["whsec_new", "whsec_old"]],
    ["24 h later: only the new one", plus(24 * 3600_000), ["whsec_new"]],
  ])("%s", (_, now, expected) => {
    expect(signingSecrets(e, now)).toEqual(expected);
  });
  it("never rotated: the one secret", () => {
    expect(signingSecrets({ secret: "whsec_a", previousSecret: null, previousSecretExpiresAt: null }, t0)).toEqual(["whsec_a"]);
  });
});
