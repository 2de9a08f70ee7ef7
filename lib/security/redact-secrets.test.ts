import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact-secrets";

describe("redactSecrets", () => {
  it.each([
    [
      "stripe-emulator webhooks → http://127.0.0.1:3000/api/webhooks/stripe (secret whsec_0123abcdef)",
      "stripe-emulator webhooks → http://127.0.0.1:3000/api/webhooks/stripe (secret whsec_[redacted])",
    ],
    ["key=sk_live_51Habc and sk_test_refill_emulator", "key=sk_live_[redacted] and sk_test_[redacted]"],
    ["Authorization: Bearer rfk_AbC123", "Authorization: Bearer rfk_[redacted]"],
    ["rk_live_xyz", "rk_live_[redacted]"],
    ["nothing secret here: whsec is a word, task_ids too", "nothing secret here: whsec is a word, task_ids too"],
  ])("%s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});
