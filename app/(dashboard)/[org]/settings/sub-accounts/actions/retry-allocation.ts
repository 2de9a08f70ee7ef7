"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { retryAllocationNow } from "@/lib/agencies/retry-allocation";
import { OWNER_ONLY_ALLOCATION, RETRY_ALLOCATION_MESSAGES } from "@/lib/billing/allocation";

const run = ownerAction(
  z.object({ subAccountId: z.string().uuid("Unknown sub-account.") }),
  async ({ ctx: { org, user }, input, orgSlug }): Promise<ActionResult> => {
    const r = await retryAllocationNow(getDb(), { agencyId: org.id, subAccountId: input.subAccountId, userId: user.id });
    revalidatePath(`/${orgSlug}/settings/sub-accounts`);
    if (!r.ok) return { ok: false, code: r.code, message: RETRY_ALLOCATION_MESSAGES[r.code] };
    return { ok: true, message: "Retrying this month's allocation now." };
  },
  { denied: OWNER_ONLY_ALLOCATION, invalid: { code: "invalid_input", message: "Unknown sub-account." } },
);

/** Agency owner only: a new attempt at this month's declined allocation purchase for one sub-account. */
export async function retryAllocationAction(orgSlug: string, subAccountId: string): Promise<ActionResult> {
  return run(orgSlug, { subAccountId });
}
