import DataLoader from "dataloader";
import { eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeyBudgets, apiKeys } from "@/db/schema";
import { apiKeysEndingSoon, cacheApiKey, type CachedApiKey } from "./api-key-cache";

const MAX_BATCH = 500;

/**
 * API keys read by SHA-256 hash in batches (DataLoader, no memo: ./api-key-cache keeps the rows): while one
 * read is in flight, the hashes wanted meanwhile form the next, which goes when it returns. A lone lookup goes
 * at once (next tick); usage spread over 1,000 keys costs a few reads per cache lifetime, not 1,000. Each read
 * also refreshes, up to its size, the cached keys in use that expire within REFRESH_AHEAD_MS (lib/cache/refresh-ahead:
 * they are read together a little early, not each alone when it expires; no row is kept longer than the TTL).
 * Resolves to the key's row, or null when no key has that hash. Rejects with the database error.
 */
export function lookupApiKey(hash: string): Promise<CachedApiKey | null> {
  return loader().load(hash);
}

const holder = globalThis as unknown as { refillApiKeyLoader?: DataLoader<string, CachedApiKey | null> };

function loader(): DataLoader<string, CachedApiKey | null> {
  if (holder.refillApiKeyLoader) return holder.refillApiKeyLoader;
  let running = 0;
  const next: (() => void)[] = [];
  holder.refillApiKeyLoader = new DataLoader<string, CachedApiKey | null>(
    async (hashes) => {
      running++;
      const asked = new Set(hashes);
      const ahead = apiKeysEndingSoon(MAX_BATCH - hashes.length).filter((h) => !asked.has(h));
      try {
        const rows = await getDb()
          .select({
            hash: apiKeys.hash,
            id: apiKeys.id,
            orgId: apiKeys.orgId,
            scopes: apiKeys.scopes,
            revokedAt: apiKeys.revokedAt,
            hasBudget: sql<boolean>`${apiKeyBudgets.keyId} IS NOT NULL`,
          })
          .from(apiKeys)
          .leftJoin(apiKeyBudgets, eq(apiKeyBudgets.keyId, apiKeys.id))
          .where(inArray(apiKeys.hash, [...hashes, ...ahead]));
        const byHash = new Map(rows.map(({ hash, ...key }) => [hash, key]));
        for (const h of ahead) cacheApiKey(h, byHash.get(h) ?? null);
        return hashes.map((h) => byHash.get(h) ?? null);
      } finally {
        running--;
        next.shift()?.();
      }
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (dispatch) => (running === 0 ? process.nextTick(dispatch) : void next.push(dispatch)) },
  );
  return holder.refillApiKeyLoader;
}
