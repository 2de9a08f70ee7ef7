"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_BUY } from "@/lib/billing/messages";
import { guardPaymentAttempt } from "@/lib/rate-limit/payment-limit";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { INVALID_PACKS, packsInput } from "./packs-input";
import { billingPath } from "./paths";

type TopUpResult = ActionResult<{ status?: string; verifyUrl?: string }>;

const run = ownerAction(
  packsInput,
  async ({ ctx: { org, user }, input, orgSlug }): Promise<TopUpResult> => {
    const guard = await guardPaymentAttempt(org.id);
    if (!guard.ok) return guard;
    const r = await topUpNow(getDb(), { orgId: org.id, userId: user.id, packs: input.packs });
    revalidatePath(billingPath(orgSlug));
    if (!r.ok) return { ok: false, code: r.code, message: r.message };
    return { ok: true, status: r.status, message: r.message, verifyUrl: r.verifyUrl };
  },
  { denied: OWNER_ONLY_BUY, invalid: INVALID_PACKS },
);

/** Owner only: charges the saved card off-session for `packs` packs now (card-testing guard per org). */
export async function topUpNowAction(orgSlug: string, packs: unknown): Promise<TopUpResult> {
  return run(orgSlug, packs);
}
