import { describe, expect, it } from "vitest";
import { parseCheckoutSessionId, parseLedgerCursor, parseUuid } from "./ids";

describe("parseUuid", () => {
  it.each(["3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b", "018f6b2e-7c1a-7d3e-9a4b-5c6d7e8f9a0b", "3F2B8C1E-9D4A-4B6E-8F1A-2C3D4E5F6A7B"])("accepts %s", (id) => {
    expect(parseUuid(id)).toBe(id);
  });
  it.each([
    "------------------------------------", // 36 characters of [0-9a-f-], not a UUID
    "0123456789abcdef0123456789abcdef0123",
    "3f2b8c1e9d4a4b6e8f1a2c3d4e5f6a7b----",
    "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7",
    "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b\u0000",
    "",
    null,
    42,
  ])("refuses %j", (raw) => {
    expect(parseUuid(raw)).toBeNull();
  });
});

describe("parseLedgerCursor", () => {
  it.each([
    ["1", 1],
    ["42", 42],
    ["9007199254740991", 9007199254740991],
  ])("accepts %s", (raw, n) => {
    expect(parseLedgerCursor(raw)).toBe(n);
  });
  it.each(["9223372036854775808", "9007199254740992", "0", "-1", "01", "1e3", "1.5", " 1", "", "abc", undefined, ["1"]])("refuses %j", (raw) => {
    expect(parseLedgerCursor(raw)).toBeNull();
  });
});

describe("parseCheckoutSessionId", () => {
  it("accepts cs_ ids and refuses anything else", () => {
    expect(parseCheckoutSessionId("cs_test_a1B2c3")).toBe("cs_test_a1B2c3");
    for (const raw of ["cs_\u0000", "cs_", "pi_123", "cs_a b", ["cs_a"], undefined]) expect(parseCheckoutSessionId(raw)).toBeNull();
  });
});
