import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { forgetCachedApiKeys } from "./api-key-cache";
import { generateApiKeySecret } from "./api-key-secret";
import type { CreateApiKeyInput } from "./api-key-schema";

export { createApiKeySchema, type CreateApiKeyInput } from "./api-key-schema";

/** Creates a key for `orgId`. Returns the secret ONCE; only its hash is stored. */
export async function createApiKey(db: DbOrTx, orgId: string, createdBy: string | null, input: CreateApiKeyInput) {
  const { secret, prefix, hash } = generateApiKeySecret();
  const [row] = await db
    .insert(apiKeys)
    .values({ orgId, name: input.name, scopes: [...new Set(input.scopes)], prefix, hash, createdBy })
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix, name: apiKeys.name, scopes: apiKeys.scopes });
  return { ...row!, secret };
}

/** Revokes a key of `orgId` (a key of another org is not found). Returns false when nothing was revoked. */
export async function revokeApiKey(db: DbOrTx, orgId: string, keyId: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, hash: apiKeys.hash });
  forgetCachedApiKeys(rows.map((r) => r.hash));
  return rows.length > 0;
}
