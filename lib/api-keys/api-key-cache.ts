import { LRUCache } from "lru-cache";
import { createRefreshAhead } from "@/lib/cache/refresh-ahead";

/**
 * A short-lived in-process cache of API key lookups (SHA-256 hash → key row, or null for "no such key"), so
 * the usage hot path does not query the key table on every call. Bounded (`API_KEY_CACHE_MAX` entries, least
 * recently used evicted first) and each entry lives `API_KEY_CACHE_TTL_MS`. Revoking a key removes it from
 * this process's cache at once; other processes see the revocation within the TTL.
 */
export const API_KEY_CACHE_TTL_MS = 5_000;
const API_KEY_CACHE_MAX = 10_000;

export interface CachedApiKey {
  id: string;
  orgId: string;
  scopes: string[];
  revokedAt: Date | null;
  /** the key has a credit budget (a budget set or removed clears this process's cache; others see it within the TTL) */
  hasBudget?: boolean;
}

/** lru-cache stores no null: a miss in the table ("no such key") is cached as `{ key: null }`. */
interface Entry {
  key: CachedApiKey | null;
}

export interface ApiKeyCache {
  /** the cached row, `null` for a cached "no such key", `undefined` when not cached (or expired); a hit marks the entry in use */
  get(hash: string): CachedApiKey | null | undefined;
  /** Up to `max` hashes of entries used since they were cached that expire within REFRESH_AHEAD_MS (lib/cache/refresh-ahead). */
  endingSoon(max: number): string[];
  set(hash: string, key: CachedApiKey | null): void;
  delete(hash: string): void;
  clear(): void;
  readonly size: number;
}

/** A cache of `max` entries living `ttlMs` each; `now` (ms, monotonic) is injectable for tests. */
export function createApiKeyCache(opts: { max?: number; ttlMs?: number; now?: () => number } = {}): ApiKeyCache {
  const lru = new LRUCache<string, Entry>({
    max: opts.max ?? API_KEY_CACHE_MAX,
    ttl: opts.ttlMs ?? API_KEY_CACHE_TTL_MS,
    ...(opts.now ? { perf: { now: opts.now }, ttlResolution: 0 } : {}),
  });
  const ahead = createRefreshAhead();
  return {
    get(hash) {
      const e = lru.get(hash);
      if (e) ahead.used(hash);
      return e?.key;
    },
    endingSoon: (max) => ahead.take(max, (hash) => (lru.has(hash) ? lru.getRemainingTTL(hash) : null)),
    set: (hash, key) => void lru.set(hash, { key }),
    delete: (hash) => void lru.delete(hash),
    clear: () => {
      lru.clear();
      ahead.clear();
    },
    get size() {
      return lru.size;
    },
  };
}

// On globalThis: Next.js bundles route handlers and server actions separately, and a revocation made by
// an action must clear the cache the usage route reads.
const globalForCache = globalThis as unknown as { refillApiKeyLru?: ApiKeyCache };
const cache = (globalForCache.refillApiKeyLru ??= createApiKeyCache());

export function getCachedApiKey(hash: string): CachedApiKey | null | undefined {
  return cache.get(hash);
}

/** Hashes of keys in use whose cached row expires within REFRESH_AHEAD_MS (at most `max`): see `ApiKeyCache.endingSoon`. */
export function apiKeysEndingSoon(max: number): string[] {
  return cache.endingSoon(max);
}

export function cacheApiKey(hash: string, key: CachedApiKey | null): void {
  cache.set(hash, key);
}

/** Drops the entries of `hashes` (a revocation), or every entry when none are given. */
export function forgetCachedApiKeys(hashes?: readonly string[]): void {
  if (!hashes) cache.clear();
  else for (const h of hashes) cache.delete(h);
}
