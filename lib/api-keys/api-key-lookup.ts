import DataLoader from "dataloader";
import { eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeyBudgets, apiKeys } from "@/db/schema";
import type { CachedApiKey } from "./api-key-cache";

/**
 * API keys read by SHA-256 hash in batches (DataLoader, no memo: ./api-key-cache keeps the rows): while one
 * read is in flight, the hashes wanted meanwhile form the next, which goes when it returns. A lone lookup goes
 * at once (next tick); usage spread over 1,000 keys costs a few reads per cache lifetime, not 1,000.
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
          .where(inArray(apiKeys.hash, [...hashes]));
        const byHash = new Map(rows.map(({ hash, ...key }) => [hash, key]));
        return hashes.map((h) => byHash.get(h) ?? null);
      } finally {
        running--;
        next.shift()?.();
      }
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: (dispatch) => (running === 0 ? process.nextTick(dispatch) : void next.push(dispatch)) },
  );
  return holder.refillApiKeyLoader;
}
