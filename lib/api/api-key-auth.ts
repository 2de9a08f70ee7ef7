import { inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys, type ApiKeyScope } from "@/db/schema";
import { cacheApiKey, getCachedApiKey } from "@/lib/api-keys/api-key-cache";
import { lookupApiKey } from "@/lib/api-keys/api-key-lookup";
import { hashApiKey } from "@/lib/api-keys/api-key-secret";
import { errorReply, type ApiReply } from "./responses";

/** `hasBudget`: the key has a credit budget (its debits take the locked path that counts them; see lib/ledger/key-budget-sql). */
export type ApiKeyIdentity = { ok: true; orgId: string; keyId: string; scopes: ApiKeyScope[]; hasBudget: boolean };

const lastUsedWrites = new Map<string, number>();

/**
 * `Authorization: Bearer rfk_…` (the raw header value) → the key's org. 401 `unauthorized` for a missing,
 * unknown or revoked key; 403 `forbidden` when the key has none of `anyOfScopes`. One indexed lookup by
 * hash (batched across concurrent requests: lib/api-keys/api-key-lookup), cached briefly in-process (lib/api-keys/api-key-cache: revocation clears it). Framework-neutral:
 * the refusal is an `ApiReply`. Called by the endpoint shell (./endpoint).
 */
export async function authorizeApiKey(
  header: string | null | undefined,
  anyOfScopes: readonly ApiKeyScope[],
): Promise<ApiKeyIdentity | { ok: false; reply: ApiReply }> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return { ok: false, reply: errorReply("unauthorized", "Missing API key: send `Authorization: Bearer <key>`.") };
  const hash = hashApiKey(match[1]!);
  let key = getCachedApiKey(hash);
  if (key === undefined) {
    key = await lookupApiKey(hash);
    cacheApiKey(hash, key);
  }
  if (!key || key.revokedAt) return { ok: false, reply: errorReply("unauthorized", "Invalid or revoked API key.") };
  const scopes = key.scopes as ApiKeyScope[];
  if (!anyOfScopes.some((s) => scopes.includes(s))) {
    return { ok: false, reply: errorReply("forbidden", `This API key lacks the required scope (${anyOfScopes.join(" or ")}).`) };
  }
  touchLastUsed(key.id);
  return { ok: true, orgId: key.orgId, keyId: key.id, scopes, hasBudget: key.hasBudget === true };
}

/** the keys waiting for the next `last_used_at` write, and the chain of writes (one at a time) */
let touches: Set<string> | null = null;
let touching: Promise<unknown> = Promise.resolve();

/**
 * Records `last_used_at` at most once a minute per key, off the request's critical path: the keys of every org
 * are written together, ONE update at a time (while it runs, the next keys gather) — 1,000 keys in use cost a
 * few statements a minute, not 1,000.
 */
function touchLastUsed(keyId: string): void {
  const now = Date.now();
  if ((lastUsedWrites.get(keyId) ?? 0) > now - 60_000) return;
  if (lastUsedWrites.size >= 10_000) lastUsedWrites.clear();
  lastUsedWrites.set(keyId, now);
  if (!touches) {
    const ids = new Set<string>();
    touches = ids;
    touching = touching.then(() => {
      if (touches === ids) touches = null; // from here on, new keys form the next write
      return getDb()
        .update(apiKeys)
        .set({ lastUsedAt: new Date() })
        .where(inArray(apiKeys.id, [...ids]))
        .catch(() => {});
    });
  }
  touches.add(keyId);
}
