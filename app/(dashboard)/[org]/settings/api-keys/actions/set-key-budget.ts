"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { keyBudgetSchema } from "@/lib/api-keys/key-budget-schema";
import { setKeyBudget } from "@/lib/api-keys/key-budgets";
import { OWNER_ONLY_API_KEYS } from "@/lib/billing/messages";

const input = z.object({ keyId: z.uuid(), budget: keyBudgetSchema });

const run = ownerAction(
  input,
  async ({ ctx: { org, user }, input: { keyId, budget }, orgSlug }): Promise<ActionResult> => {
    const saved = await setKeyBudget(getDb(), { orgId: org.id, keyId, userId: user.id, input: budget });
    if (!saved) return { ok: false, code: "not_found", message: "API key not found." };
    revalidatePath(`/${orgSlug}/settings/api-keys`);
    return { ok: true };
  },
  { denied: OWNER_ONLY_API_KEYS, invalid: { code: "invalid_input", message: "Budget: a whole number of credits between 1 and 1,000,000,000,000." } },
);

/** Owner only. Sets (credits: null removes) the budget of a key of this org; another org's key is "not found". */
export async function setKeyBudgetAction(orgSlug: string, value: unknown): Promise<ActionResult> {
  return run(orgSlug, value);
}
