"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { refundPurchase } from "@/lib/billing-events/owner-refund";
import { OWNER_ONLY_REFUND } from "@/lib/billing/messages";
import { billingPath } from "./paths";

const GONE = { code: "not_found", message: "This payment can't be refunded: it was not found or not paid." };

const run = ownerAction(
  z.string().min(1).max(255),
  async ({ ctx: { org, user }, input: purchaseId, orgSlug }): Promise<ActionResult> => {
    const r = await refundPurchase(getDb(), { orgId: org.id, purchaseId, userId: user.id });
    revalidatePath(billingPath(orgSlug));
    if (!r.ok) return r.code === "conflict" ? { ok: false, code: "conflict", message: r.message } : { ok: false, ...GONE };
    return { ok: true, message: "Top-up refunded: the credits were removed and the money is on its way back." };
  },
  { denied: OWNER_ONLY_REFUND, invalid: GONE },
);

/** Owner only: refunds an unused top-up of this org in full (`refundPurchase`); 409/404 come back as a message. */
export async function refundPurchaseAction(orgSlug: string, purchaseId: unknown): Promise<ActionResult> {
  return run(orgSlug, purchaseId);
}
