import { describe, expect, it } from "vitest";
import { isPlainText, isStorableText } from "./safe-text";

describe("isStorableText / isPlainText", () => {
  it.each([
    ["order-42", true, true],
    ["", true, true],
    ["émoji 😀 ok", true, true],
    ["a\u0000b", false, false],
    ["\u0000", false, false],
    ["lone high \ud800", false, false],
    ["lone low \udc00 here", false, false],
    ["reversed \ude00\ud83d", false, false],
    ["tab\there", true, false],
    ["newline\n", true, false],
    ["del\u007f", true, false],
    ["c1\u0085", true, false],
  ])("%j → storable %s, plain %s", (s, storable, plain) => {
    expect(isStorableText(s)).toBe(storable);
    expect(isPlainText(s)).toBe(plain);
  });
});
