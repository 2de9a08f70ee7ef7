"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { saveAllocation } from "@/lib/agencies/sub-accounts";
import { allocationSchema, OWNER_ONLY_ALLOCATION } from "@/lib/billing/allocation";

const run = ownerAction(
  allocationSchema,
  async ({ ctx: { org, user }, input, orgSlug }): Promise<ActionResult> => {
    const r = await saveAllocation(getDb(), { agencyId: org.id, userId: user.id, ...input });
    if (!r.ok) return { ok: false, code: "not_found", message: "This sub-account is not one of this agency's." };
    revalidatePath(`/${orgSlug}/settings/sub-accounts`);
    return { ok: true };
  },
  { denied: OWNER_ONLY_ALLOCATION, invalid: { code: "invalid_input", message: "Check the highlighted fields." } },
);

/** Agency owner only: the Basic and Premium minutes bought every month for one sub-account on the agency's card. */
export async function saveAllocationAction(orgSlug: string, input: unknown): Promise<ActionResult> {
  return run(orgSlug, input);
}
