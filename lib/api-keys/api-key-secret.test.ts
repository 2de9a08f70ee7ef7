import { describe, expect, it } from "vitest";
import { API_KEY_ALPHABET, API_KEY_BODY_LENGTH, generateApiKeySecret, hashApiKey } from "./api-key-secret";

describe("generateApiKeySecret", () => {
  it("rfk_ + 40 base62 characters; prefix and hash derived from it", () => {
    const k = generateApiKeySecret();
    expect(k.secret).toMatch(/^rfk_[0-9A-Za-z]{40}$/);
    expect(k.prefix).toBe(k.secret.slice(0, 12));
    expect(k.hash).toBe(hashApiKey(k.secret));
  });

  it("draws every character uniformly (no modulo bias towards the first 8 of the alphabet)", () => {
    // byte % 62 gives '0'..'7' a probability of 5/256 and the rest 4/256: a ratio of 1.25. With 200,000
    // draws the uniform ratio stays within a few percent of 1.
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) for (const c of generateApiKeySecret().secret.slice(4)) counts.set(c, (counts.get(c) ?? 0) + 1);
    const mean = (chars: string) => [...chars].reduce((s, c) => s + (counts.get(c) ?? 0), 0) / chars.length;
    const ratio = mean(API_KEY_ALPHABET.slice(0, 8)) / mean(API_KEY_ALPHABET.slice(8));
    expect(ratio).toBeGreaterThan(0.93);
    expect(ratio).toBeLessThan(1.07);
    expect(counts.size).toBe(62);
    expect([...counts.values()].reduce((a, b) => a + b)).toBe(5000 * API_KEY_BODY_LENGTH);
  });
});
