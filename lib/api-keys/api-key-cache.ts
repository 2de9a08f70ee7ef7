/**
 * A short-lived in-process cache of API key lookups (hash → key row), so the usage hot path does not
 * query the key table on every call. Entries live `TTL_MS`; revoking a key clears the cache at once in
 * this process, and other processes see the revocation within `TTL_MS`.
 */
export const API_KEY_CACHE_TTL_MS = 5_000;

export interface CachedApiKey {
  id: string;
  orgId: string;
  scopes: string[];
  revokedAt: Date | null;
}

// On globalThis: Next.js bundles route handlers and server actions separately, and a revocation made by
// an action must clear the cache the usage route reads.
const globalForCache = globalThis as unknown as { refillApiKeyCache?: Map<string, { key: CachedApiKey | null; expires: number }> };
const cache = (globalForCache.refillApiKeyCache ??= new Map());

export function getCachedApiKey(hash: string, now = Date.now()): CachedApiKey | null | undefined {
  const hit = cache.get(hash);
  if (!hit) return undefined;
  if (hit.expires <= now) {
    cache.delete(hash);
    return undefined;
  }
  return hit.key;
}

export function cacheApiKey(hash: string, key: CachedApiKey | null, now = Date.now()): void {
  if (cache.size > 10_000) cache.clear();
  cache.set(hash, { key, expires: now + API_KEY_CACHE_TTL_MS });
}

export function forgetCachedApiKeys(): void {
  cache.clear();
}
