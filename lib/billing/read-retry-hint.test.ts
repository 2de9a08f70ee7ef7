import { describe, expect, it } from "vitest";
import { readRetryHint } from "./read-retry-hint";

const refused = (recharge?: unknown) => ({ error: { code: "insufficient_credits", message: "…", ...(recharge ? { recharge } : {}) } });

describe("readRetryHint", () => {
  it.each([
    ["body retry_after_ms wins over the header", "1", refused({ status: "in_progress", retry_after_ms: 180 }), 180],
    ["fractional ms rounded up", null, refused({ status: "in_progress", retry_after_ms: 99.2 }), 100],
    ["header seconds", "2", refused(), 2000],
    ["fractional header seconds", "0.2", refused(), 200],
    ["header with spaces", " 1 ", null, 1000],
    ["in_progress without ms falls back to the header", "1", refused({ status: "in_progress" }), 1000],
    ["no hint at all", null, refused(), null],
    ["requires_action needs a person, whatever the header", "1", refused({ status: "requires_action" }), null],
    ["an HTTP date is not a hint", "Wed, 21 Oct 2026 07:28:00 GMT", refused(), null],
    ["negative header", "-1", refused(), null],
    ["non-JSON body", "0.5", null, 500],
  ])("%s", (_, header, body, expected) => {
    expect(readRetryHint(header, body)).toBe(expected);
  });
});
