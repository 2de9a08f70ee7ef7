import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./safe-callback";

const APP = "http://localhost:3100";

describe("safeCallbackPath", () => {
  it.each([
    ["/acme/settings/billing", "/acme/settings/billing"],
    ["/acme/settings/billing?tab=usage#ledger", "/acme/settings/billing?tab=usage#ledger"],
    ["/", "/"],
    ["/a/../b", "/b"],
    ["/dev/mailbox", "/dev/mailbox"],
  ])("keeps the same-origin path %j", (raw, expected) => {
    expect(safeCallbackPath(raw, APP)).toBe(expected);
  });

  it.each([
    ["/\\evil.example/x"],
    ["/\\/evil.example"],
    ["\\\\evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/\r/evil.example"],
    ["/ /evil.example"],
    ["/\u0000/evil.example"],
    ["//evil.example"],
    ["//evil.example/x"],
    ["///evil.example"],
    ["https://evil.example"],
    ["http://localhost:3100/acme"], // absolute URLs are refused even on our origin: the form never sends one
    ["javascript:alert(1)"],
    ["evil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    [""],
    [null],
    [undefined],
    [42],
    [["/acme"]],
    ["/" + "a".repeat(2001)],
  ])("refuses %j", (raw, expected = "/") => {
    expect(safeCallbackPath(raw, APP)).toBe(expected);
  });

  it("never returns anything that leaves the app's origin", () => {
    const tricky = ["/\\evil.example/x", "/\t/evil.example", "/%2F/evil.example", "/.//evil.example", "/@evil.example"];
    for (const raw of tricky) {
      const out = safeCallbackPath(raw, APP);
      expect(new URL(out, APP).origin).toBe(new URL(APP).origin);
      expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
    }
  });
});
