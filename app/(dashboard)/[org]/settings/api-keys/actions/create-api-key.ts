"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { createApiKey, createApiKeySchema } from "@/lib/api-keys/manage-api-keys";
import { OWNER_ONLY_API_KEYS } from "@/lib/billing/messages";

type CreatedKey = ActionResult<{ key: { id: string; name: string; prefix: string; secret: string } }>;

const run = ownerAction(
  createApiKeySchema,
  async ({ ctx: { org, user }, input, orgSlug }): Promise<CreatedKey> => {
    const key = await createApiKey(getDb(), org.id, user.id, input);
    revalidatePath(`/${orgSlug}/settings/api-keys`);
    return { ok: true, key: { id: key.id, name: key.name, prefix: key.prefix, secret: key.secret } };
  },
  { denied: OWNER_ONLY_API_KEYS, invalid: { code: "invalid_input", message: "Check the highlighted fields." } },
);

/** Owner only. Returns the new key's secret once; only its hash is stored. */
export async function createApiKeyAction(orgSlug: string, input: unknown): Promise<CreatedKey> {
  return run(orgSlug, input);
}
