import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrorsOf, fieldMessages } from "./field-errors";

describe("fieldErrorsOf", () => {
  const schema = z.object({ events: z.array(z.object({ q: z.number("q must be a number").int("q: integer").min(1, "q: integer") })) });
  it.each([
    ["dotted paths", { events: [{ q: 1 }, { q: "x" }] }, { "events.1.q": ["q must be a number"] }],
    ["one message once per field", { events: [{ q: 0.5 }] }, { "events.0.q": ["q: integer"] }],
    ["the input as a whole is `body`", [1], { body: [expect.any(String)] }],
  ])("%s", (_name, input, expected) => {
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    expect(fieldErrorsOf(r.error!)).toEqual(expected);
  });
  it("fieldMessages joins a field's messages", () => {
    expect(fieldMessages({ a: ["x", "y"], b: ["z"] })).toEqual({ a: "x y", b: "z" });
  });
});
