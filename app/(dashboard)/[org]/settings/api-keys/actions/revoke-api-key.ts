"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { OWNER_ONLY_API_KEYS } from "@/lib/billing/messages";

const GONE = { code: "not_found", message: "API key not found or already revoked." };

const run = ownerAction(
  z.uuid(),
  async ({ ctx: { org }, input: keyId, orgSlug }): Promise<ActionResult> => {
    if (!(await revokeApiKey(getDb(), org.id, keyId))) return { ok: false, ...GONE };
    revalidatePath(`/${orgSlug}/settings/api-keys`);
    return { ok: true };
  },
  { denied: OWNER_ONLY_API_KEYS, invalid: GONE },
);

/** Owner only. Revokes a key of this org; a key id of another org (or not an id) is "not found". */
export async function revokeApiKeyAction(orgSlug: string, keyId: unknown): Promise<ActionResult> {
  return run(orgSlug, keyId);
}
