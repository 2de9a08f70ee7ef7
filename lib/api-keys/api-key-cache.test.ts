import { describe, expect, it } from "vitest";
import { API_KEY_CACHE_TTL_MS, createApiKeyCache, type CachedApiKey } from "./api-key-cache";

const row = (id: string): CachedApiKey => ({ id, orgId: "org", scopes: ["usage:write"], revokedAt: null });

describe("API key cache (lru-cache)", () => {
  it("answers a cached row, a cached 'no such key' (null) and undefined when not cached", () => {
    const c = createApiKeyCache();
    c.set("a", row("a"));
    c.set("missing", null);
    expect(c.get("a")).toEqual(row("a"));
    expect(c.get("missing")).toBeNull();
    expect(c.get("other")).toBeUndefined();
  });

  it(`entries expire after ${API_KEY_CACHE_TTL_MS} ms`, () => {
    let now = 1_000;
    const c = createApiKeyCache({ now: () => now });
    c.set("a", row("a"));
    now += API_KEY_CACHE_TTL_MS - 1;
    expect(c.get("a")).toEqual(row("a"));
    now += 2;
    expect(c.get("a")).toBeUndefined();
  });

  it("is bounded: beyond max the least recently used entry is evicted (not the whole cache)", () => {
    const c = createApiKeyCache({ max: 3 });
    c.set("a", row("a"));
    c.set("b", row("b"));
    c.set("c", row("c"));
    c.get("a"); // a is now the most recently used
    c.set("d", row("d"));
    expect(c.size).toBe(3);
    expect(c.get("b")).toBeUndefined();
    expect(["a", "c", "d"].map((h) => c.get(h)?.id)).toEqual(["a", "c", "d"]);
  });

  it("delete (a revocation) drops one key; clear drops all", () => {
    const c = createApiKeyCache();
    c.set("a", row("a"));
    c.set("b", row("b"));
    c.delete("a");
    expect(c.get("a")).toBeUndefined();
    expect(c.get("b")).toEqual(row("b"));
    c.clear();
    expect(c.size).toBe(0);
  });

  it("endingSoon: the entries used since they were cached that expire within the horizon, each once per caching", () => {
    let now = 1_000;
    const c = createApiKeyCache({ now: () => now });
    for (const h of ["a", "b", "quiet"]) c.set(h, row(h));
    c.get("a");
    c.get("b");
    expect(c.endingSoon(10)).toEqual([]); // 5 s left
    now += API_KEY_CACHE_TTL_MS - 1_500;
    expect(c.endingSoon(1)).toEqual(["a"]); // at most max
    expect(c.endingSoon(10)).toEqual(["b"]); // "quiet" was never used: left to expire
    expect(c.endingSoon(10)).toEqual([]);
    c.set("a", row("a")); // refreshed: a new lifetime, unused so far
    c.get("a");
    expect(c.endingSoon(10)).toEqual([]);
  });
});
