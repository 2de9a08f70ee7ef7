"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import type { ActionResult } from "@/lib/actions/action-result";
import { authorizeAction } from "@/lib/auth/guards";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/api-keys/manage-api-keys";


const OWNER_ONLY = "Only the organization owner can manage API keys.";

/** Owner only. Returns the new key's secret once; only its hash is stored. */
export async function createApiKeyAction(orgSlug: string, input: unknown): Promise<ActionResult<{ key: { id: string; name: string; prefix: string; secret: string } }>> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY });
  if (!authz.ok) return authz;
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) {
    const f = parsed.error.flatten().fieldErrors;
    return { ok: false, code: "invalid_input", message: "Check the highlighted fields.", fieldErrors: { name: f.name?.[0], scopes: f.scopes?.[0] } };
  }
  const key = await createApiKey(getDb(), authz.ctx.org.id, authz.ctx.user.id, parsed.data);
  revalidatePath(`/${orgSlug}/settings/api-keys`);
  return { ok: true, key: { id: key.id, name: key.name, prefix: key.prefix, secret: key.secret } };
}

/** Owner only. Revokes a key of this org; a key id of another org is "not found". */
export async function revokeApiKeyAction(orgSlug: string, keyId: unknown): Promise<ActionResult> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY });
  if (!authz.ok) return authz;
  const id = z.uuid().safeParse(keyId);
  if (!id.success || !(await revokeApiKey(getDb(), authz.ctx.org.id, id.data))) {
    return { ok: false, code: "not_found", message: "API key not found or already revoked." };
  }
  revalidatePath(`/${orgSlug}/settings/api-keys`);
  return { ok: true };
}
