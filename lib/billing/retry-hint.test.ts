import { describe, expect, it } from "vitest";
import { rechargeHint, retryAfterHeader } from "./retry-hint";

describe("rechargeHint", () => {
  it.each([
    ["no recharge in flight", null, 300, null],
    ["just started, 300 ms expected", { status: "pending", ageMs: 20 }, 300, { status: "in_progress", retry_after_ms: 280 }],
    ["almost done: at least 100 ms", { status: "processing", ageMs: 290 }, 300, { status: "in_progress", retry_after_ms: 100 }],
    ["slower than expected: back off 2 s", { status: "processing", ageMs: 15_000 }, 300, { status: "in_progress", retry_after_ms: 2000 }],
    ["waiting for 3-D Secure: no retry time", { status: "requires_action", ageMs: 10 }, 300, { status: "requires_action" }],
  ] as const)("%s", (_n, open, expected, want) => {
    expect(rechargeHint(open, expected)).toEqual(want);
  });
  it("Retry-After is whole seconds, at least 1", () => {
    expect(retryAfterHeader({ status: "in_progress", retry_after_ms: 280 })).toBe("1");
    expect(retryAfterHeader({ status: "in_progress", retry_after_ms: 2000 })).toBe("2");
    expect(retryAfterHeader({ status: "in_progress", retry_after_ms: 2001 })).toBe("3");
    expect(retryAfterHeader({ status: "requires_action" })).toBeNull();
    expect(retryAfterHeader(null)).toBeNull();
  });
});
