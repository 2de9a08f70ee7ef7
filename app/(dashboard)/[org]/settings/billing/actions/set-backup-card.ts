"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_PAYMENT } from "@/lib/billing/messages";
import { setBackupCard } from "@/lib/recharge/backup-card";
import { billingPath } from "./paths";

const input = z.object({
  paymentMethodId: z
    .string()
    .regex(/^pm_[A-Za-z0-9_]{1,200}$/, "Choose one of your saved cards")
    .nullable(),
});

const run = ownerAction(
  input,
  async ({ ctx: { org, user }, input, orgSlug }): Promise<ActionResult> => {
    const r = await setBackupCard(getDb(), { orgId: org.id, paymentMethodId: input.paymentMethodId, actor: { source: "ui", userId: user.id } });
    revalidatePath(billingPath(orgSlug));
    return r.ok ? { ok: true, message: r.message } : { ok: false, code: r.code, message: r.message };
  },
  { denied: OWNER_ONLY_PAYMENT },
);

/** Owner only: choose (or clear) the backup card among the customer's saved cards. */
export async function setBackupCardAction(orgSlug: string, paymentMethodId: string | null): Promise<ActionResult> {
  return run(orgSlug, { paymentMethodId });
}
